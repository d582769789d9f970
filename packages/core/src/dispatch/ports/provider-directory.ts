import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { MatchingContext, RankedProvider } from "../domain/matching.ops.ts"
import type { ProviderReach } from "../domain/provider-reach.ts"
import type { ServiceRequest } from "../domain/service-request.ts"

/** The request-wide facts of matching (the offers on the request are the directory's to read). */
export interface ShortlistOptions extends Omit<MatchingContext, "offersOnRequest"> {
  /** At most this many providers, best first. */
  readonly limit: number
}

/**
 * Where dispatch finds providers for a request: each provider's reach (base, radius,
 * availability, capacity) and the ranked shortlist over everything stored.
 */
export class ProviderDirectory extends Context.Service<
  ProviderDirectory,
  {
    /** Stores the provider's reach, replacing any earlier one. */
    readonly putReach: (reach: ProviderReach) => Effect.Effect<void, PersistenceUnavailable>
    /** The stored reach; none when the provider never published one (see `defaultReach`). */
    readonly getReach: (
      providerId: PartyId,
    ) => Effect.Effect<Option.Option<ProviderReach>, PersistenceUnavailable>
    /**
     * Exactly the first `limit` entries of the pure `shortlist` (matching.ops.ts) computed
     * over every stored provider, in its order: each provider with their latest application,
     * their stored reach (`defaultReach` when none), the offers on this request, their open
     * assignments (`OfferRepository.countOpenAssignments`), `providerStats` over their offers,
     * their weekly credit budget, the credits debited for lead unlocks since the budget
     * week of `now` began, and whether their phone's conversation session is opted out
     * (`ConversationStore`: said "stop" on WhatsApp). Scores are the pure ones; providers whose scores differ by
     * less than 1e-9 may swap places (a database's sin and cos may round differently).
     */
    readonly shortlist: (
      request: ServiceRequest,
      options: ShortlistOptions,
    ) => Effect.Effect<ReadonlyArray<RankedProvider>, PersistenceUnavailable>
  }
>()("@fundi/core/ProviderDirectory") {}
