import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId, PartyId } from "../../shared/ids.ts"
import type { Application } from "../../vetting/domain/application.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { WalletSettingsRecord } from "../../wallet/ports/wallet-settings.ts"
import type { Offer } from "../domain/offer.ts"
import type { ServiceRequest } from "../domain/service-request.ts"

/**
 * One offer with everything a use case acting on it decides from, read after its request
 * and the request's offers were locked (in that order, the order every offer use case
 * locks in), so nothing in it changes until the transaction ends but through this one.
 */
export interface LockedLead {
  readonly request: ServiceRequest
  readonly offer: Offer
  /** Every offer on the request, `offer` among them: oldest first (offeredAt), ties by id. */
  readonly offers: ReadonlyArray<Offer>
  /** The request's homeowner and the provider of each of its offers, by id. */
  readonly parties: ReadonlyMap<PartyId, Party>
  /** The latest application of the offer's provider, if it ever applied. */
  readonly application: Application | undefined
  /** The wallet settings of the offer's provider (the weekly budget). */
  readonly wallet: WalletSettingsRecord
}

/**
 * The lead race's reads and writes, one round trip each: the lock-and-read an unlock or an
 * accept starts with, and the write it ends with. The same data the separate repositories
 * hold (a contract suite checks both agree); a database does each in one statement, so a
 * provider's transaction holds the request's lock for two round trips, not fifteen.
 */
export class LeadStore extends Context.Service<
  LeadStore,
  {
    /**
     * Locks the offer's request, then the request's offers, then (with `lockProvider`) the
     * offer's provider, and reads the lead; none if no such offer. Lock the provider to
     * spend from its wallet: two spends by one provider (its weekly budget) are then decided
     * one after the other, and its status cannot change under the decision.
     */
    readonly lock: (
      offerId: OfferId,
      options?: { readonly lockProvider?: boolean },
    ) => Effect.Effect<Option.Option<LockedLead>, PersistenceUnavailable>
    /**
     * Replaces the stored offers (and the request, when given) with these, in one write,
     * together with the audit entries, outbox messages and links the transaction holds.
     */
    readonly save: (changes: {
      readonly offers: ReadonlyArray<Offer>
      readonly request?: ServiceRequest
    }) => Effect.Effect<void, PersistenceUnavailable>
  }
>()("@fundi/core/LeadStore") {}
