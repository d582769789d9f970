import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"

export interface BusinessContact {
  readonly partyId: PartyId
  readonly phone: string
  readonly name: string
  readonly addedAt: Instant
}

/** The business WhatsApp account's contacts: approval adds the party's phone. Idempotent per party. */
export class ContactBook extends Context.Service<
  ContactBook,
  {
    /** One entry per party: adding again refreshes phone and name and keeps the first addedAt. */
    readonly add: (contact: BusinessContact) => Effect.Effect<void, PersistenceUnavailable>
    /** By addedAt, then partyId. */
    readonly list: () => Effect.Effect<ReadonlyArray<BusinessContact>, PersistenceUnavailable>
  }
>()("@fundi/core/ContactBook") {}
