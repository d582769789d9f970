import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { Offer, OfferState } from "../domain/offer.ts"

/** Where offers (leads) are kept: at most one per request x provider. */
export class OfferRepository extends Context.Service<
  OfferRepository,
  {
    readonly insert: (offer: Offer) => Effect.Effect<void, PersistenceUnavailable>
    /** Replaces the stored offer with the same id; an offer never inserted stays absent. */
    readonly update: (offer: Offer) => Effect.Effect<void, PersistenceUnavailable>
    /** `update` for each offer, in one write (one statement on a database). */
    readonly updateMany: (
      offers: ReadonlyArray<Offer>,
    ) => Effect.Effect<void, PersistenceUnavailable>
    /** With `forUpdate`, the row stays locked until the transaction ends. */
    readonly findById: (
      id: OfferId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Offer>, PersistenceUnavailable>
    /**
     * Every offer on a request (in `states`, when given), oldest first (offeredAt), ties by
     * id ascending. With `forUpdate`, the listed rows stay locked until the transaction ends.
     */
    readonly listForRequest: (
      requestId: RequestId,
      options?: { readonly states?: ReadonlyArray<OfferState>; readonly forUpdate?: boolean },
    ) => Effect.Effect<ReadonlyArray<Offer>, PersistenceUnavailable>
    /** A provider's offers, newest first (offeredAt descending), ties by id ascending. */
    readonly listForProvider: (
      providerId: PartyId,
      filter?: { readonly states?: ReadonlyArray<OfferState> },
    ) => Effect.Effect<ReadonlyArray<Offer>, PersistenceUnavailable>
    /**
     * Open offers whose deadline (`offerDeadline`) is at or before `at`, earliest deadline
     * first, ties by id ascending; at most `limit`. What the scheduler expires next.
     */
    readonly listDue: (
      at: Instant,
      limit: number,
    ) => Effect.Effect<ReadonlyArray<Offer>, PersistenceUnavailable>
    /**
     * The provider's accepted offers: the jobs they have taken (until jobs track completion,
     * every accepted offer counts as open), for matching's capacity gate.
     */
    readonly countOpenAssignments: (
      providerId: PartyId,
    ) => Effect.Effect<number, PersistenceUnavailable>
  }
>()("@fundi/core/OfferRepository") {}
