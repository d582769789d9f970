import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { WalletSettings } from "../ports/wallet-settings.ts"
import { SetWeeklyBudgetInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { audit, inTransaction, loadProvider } from "./support.ts"
import { type WalletView, walletViewOf } from "./wallet-view.ts"

/**
 * A provider caps the credits it spends per week (Monday 00:00 to Monday 00:00 in the
 * policy's time zone), or removes the cap with null. A lower cap than this week's spending
 * only stops further spending: nothing is given back.
 */
export const setWeeklyBudget: (
  input: unknown,
) => Effect.Effect<
  WalletView,
  InvalidInput | PersistenceUnavailable | PartyNotFound | NotAProvider,
  WalletServices
> = Effect.fn("setWeeklyBudget")(function* (raw: unknown) {
  const input = yield* decodeInput(SetWeeklyBudgetInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const party = yield* loadProvider(input.partyId, { forUpdate: true })
      const settings = yield* WalletSettings
      const before = yield* settings.get(party.id)
      const budget = input.weeklyCreditBudget ?? undefined
      yield* settings.put(
        budget === undefined
          ? { partyId: party.id }
          : { partyId: party.id, weeklyCreditBudget: budget },
      )
      yield* audit({
        actor: { _tag: "party", partyId: party.id },
        action: "wallet.set_weekly_budget",
        subjectType: "party",
        subjectId: party.id,
        details: {
          from: before.weeklyCreditBudget ?? null,
          to: budget ?? null,
        },
      })
      return yield* walletViewOf(party)
    }),
  )
})
