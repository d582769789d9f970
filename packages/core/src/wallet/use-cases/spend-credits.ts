import { Effect, Option } from "effect"
import type { IdempotencyConflict, InsufficientFunds } from "../../ledger/domain/ledger.errors.ts"
import {
  creditsAccount,
  creditsAccountId,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount, Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider, WeeklyBudgetExceeded } from "../domain/wallet.errors.ts"
import { checkBudget } from "../domain/wallet.ops.ts"
import { WalletSettings, type WalletSettingsRecord } from "../ports/wallet-settings.ts"
import { SpendCreditsInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { audit, inTransaction, loadProvider, openAccounts, replayOf, transfer } from "./support.ts"
import { spentThisWeek } from "./wallet-view.ts"

export type SpendCreditsError =
  | PersistenceUnavailable
  | PartyNotFound
  | NotAProvider
  | WeeklyBudgetExceeded
  | InsufficientFunds
  | IdempotencyConflict

export interface CreditCharge {
  readonly transfer: Transfer
  /** The transfer id was used before with the same details: nothing moved this time. */
  readonly replayed: boolean
}

/**
 * The step of spending credits, for use cases that spend as part of something bigger
 * (unlocking a lead) inside their own transaction and audit entry: locks the provider
 * (unless the caller passes the provider row it has locked already in this transaction),
 * so two spends by one provider are decided one after the other; then refuses past the
 * weekly budget (WeeklyBudgetExceeded) and past the balance (InsufficientFunds), and moves
 * the credits to platform revenue. The same transferId never spends twice: a retry gets
 * the first transfer back, whatever the budget says now.
 *
 * A caller that read the provider's wallet settings after locking it passes them
 * (`settings`); one that knows the transfer id is new (an offer is unlocked once) says so
 * (`newTransfer`), and the replay read is skipped: the transfer itself still replays or
 * refuses a reused id.
 */
export const chargeCredits = (
  input: typeof SpendCreditsInput.Type,
  options: {
    readonly lockedProvider?: Party
    readonly settings?: WalletSettingsRecord
    readonly newTransfer?: boolean
  } = {},
): Effect.Effect<CreditCharge, SpendCreditsError, WalletServices> =>
  Effect.gen(function* () {
    const party =
      options.lockedProvider?.id === input.partyId && options.lockedProvider.kind === "provider"
        ? options.lockedProvider
        : yield* loadProvider(input.partyId, { forUpdate: true })
    // Read under the provider's lock, so a budget set meanwhile is seen.
    const { weeklyCreditBudget } =
      options.settings?.partyId === party.id
        ? options.settings
        : yield* (yield* WalletSettings).get(party.id)
    const at = yield* now
    const request: TransferRequest = {
      id: input.transferId,
      debitAccountId: creditsAccountId(party.id),
      creditAccountId: platformRevenueAccountId("CREDIT"),
      amount: BigInt(input.credits) as Amount,
      unit: "CREDIT",
      reason: "lead_unlock",
      links: {
        ...(input.leadId === undefined ? {} : { leadId: input.leadId }),
        ...(input.requestId === undefined ? {} : { requestId: input.requestId }),
      },
    }
    if (options.newTransfer !== true) {
      const first = yield* replayOf(request, at)
      if (Option.isSome(first)) return { transfer: first.value, replayed: true }
    }
    if (weeklyCreditBudget !== undefined) {
      const { spent, week } = yield* spentThisWeek(party)
      yield* Effect.fromResult(checkBudget(weeklyCreditBudget, spent, input.credits, week))
    }
    // Both accounts exist on every spend but a provider's first (a top-up opens the wallet,
    // the first spend the platform's): so the transfer is tried first, and the accounts
    // opened only when it finds one missing. A refused transfer writes nothing.
    const charged = yield* (yield* Ledger).transfer(request, at).pipe(
      Effect.catchTag("AccountNotFound", () =>
        Effect.andThen(
          openAccounts([creditsAccount(party.id, at), platformRevenueAccount("CREDIT", at)]),
          transfer(request, at),
        ),
      ),
      Effect.catchTag("InvalidTransfer", (bug) => Effect.die(bug)),
    )
    return { transfer: charged, replayed: false }
  })

/**
 * A provider spends credits (on a lead unlock): within its weekly budget and its balance,
 * once per transferId. Audited as the provider; a replay changes nothing and writes nothing.
 */
export const spendCredits: (
  input: unknown,
) => Effect.Effect<Transfer, InvalidInput | SpendCreditsError, WalletServices> = Effect.fn(
  "spendCredits",
)(function* (raw: unknown) {
  const input = yield* decodeInput(SpendCreditsInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const charge = yield* chargeCredits(input)
      if (!charge.replayed) {
        yield* audit({
          actor: { _tag: "party", partyId: input.partyId },
          action: "credits.spend",
          subjectType: "party",
          subjectId: input.partyId,
          details: {
            transferId: charge.transfer.id,
            credits: input.credits,
            reason: charge.transfer.reason,
            ...charge.transfer.links,
          },
        })
      }
      return charge.transfer
    }),
  )
})
