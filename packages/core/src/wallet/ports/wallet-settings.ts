import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"

export interface WalletSettingsRecord {
  readonly partyId: string
  /** Most credits the provider wants to spend per week (Monday 00:00 in the policy time zone); absent = no limit. */
  readonly weeklyCreditBudget?: number
}

export class WalletSettings extends Context.Service<
  WalletSettings,
  {
    /** Settings of a party; a party that never set any gets `{ partyId }`. */
    readonly get: (partyId: string) => Effect.Effect<WalletSettingsRecord, PersistenceUnavailable>
    readonly put: (settings: WalletSettingsRecord) => Effect.Effect<void, PersistenceUnavailable>
  }
>()("@fundi/core/WalletSettings") {}
