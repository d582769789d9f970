import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { LeadRefundId, OfferId } from "../../shared/ids.ts"
import type { LeadRefund, LeadRefundState } from "../domain/lead-refund.ts"

/** Where refund claims are kept: at most one per offer. */
export class LeadRefundRepository extends Context.Service<
  LeadRefundRepository,
  {
    /**
     * Stores a new claim. A second claim on the same offer is refused (the use cases check
     * first, under the request's lock; the store refuses too, as PersistenceUnavailable).
     */
    readonly insert: (refund: LeadRefund) => Effect.Effect<void, PersistenceUnavailable>
    /** Replaces the stored claim with the same id; a claim never inserted stays absent. */
    readonly update: (refund: LeadRefund) => Effect.Effect<void, PersistenceUnavailable>
    /** With `forUpdate`, the row stays locked until the transaction ends. */
    readonly findById: (
      id: LeadRefundId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<LeadRefund>, PersistenceUnavailable>
    readonly findByOffer: (
      offerId: OfferId,
    ) => Effect.Effect<Option.Option<LeadRefund>, PersistenceUnavailable>
    /** The ops queue: oldest claim first (requestedAt), ties by id ascending; the first `limit`. */
    readonly list: (filter?: {
      readonly state?: LeadRefundState
      readonly limit?: number
    }) => Effect.Effect<ReadonlyArray<LeadRefund>, PersistenceUnavailable>
  }
>()("@fundi/core/LeadRefundRepository") {}
