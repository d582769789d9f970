import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import type { Cohort, Party, PartyKind, PartyStatus } from "../domain/party.ts"

export interface PartyFilter {
  readonly kind?: PartyKind
  readonly status?: PartyStatus
  readonly cohort?: Cohort
  readonly limit?: number
  readonly offset?: number
}

export class PartyRepository extends Context.Service<
  PartyRepository,
  {
    /** Fails with the database's unique-violation as PersistenceUnavailable only on outage; a taken phone is checked by findByPhone first inside the same transaction. */
    readonly insert: (party: Party) => Effect.Effect<void, PersistenceUnavailable>
    /** Replaces the stored party; a party that was never inserted stays absent (like SQL UPDATE). */
    readonly update: (party: Party) => Effect.Effect<void, PersistenceUnavailable>
    /** `forUpdate` locks the row until the transaction ends (SELECT … FOR UPDATE). */
    readonly findById: (
      id: PartyId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Party>, PersistenceUnavailable>
    readonly findByPhone: (
      phone: Phone,
    ) => Effect.Effect<Option.Option<Party>, PersistenceUnavailable>
    /** Newest first (createdAt descending; equal createdAt by id ascending). */
    readonly list: (
      filter: PartyFilter,
    ) => Effect.Effect<ReadonlyArray<Party>, PersistenceUnavailable>
  }
>()("@fundi/core/PartyRepository") {}
