import { Effect } from "effect"
import { creditsAccountId, earningsAccountId } from "../../ledger/domain/ledger.ops.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { TopUp } from "../domain/top-up.ts"
import { budgetWeek } from "../domain/wallet.ops.ts"
import { WalletSettings } from "../ports/wallet-settings.ts"
import { balanceOrZero } from "./support.ts"

/** A provider's wallet as the provider and ops see it. */
export interface WalletView {
  readonly party: Party
  readonly currency: string
  /** Credits to spend on leads. */
  readonly credits: bigint
  /** Money earned and not yet paid out, in minor units of `currency`. */
  readonly earningsMinor: bigint
  readonly weeklyCreditBudget: number | undefined
  /** Credits spent on leads since the budget week began. */
  readonly spentThisWeek: number
  /** When the current budget week ends (epoch ms). */
  readonly weekEndsAt: number
}

export interface TopUpView {
  readonly topUp: TopUp
  readonly party: Party
}

/** What spending the budget counts: credits debited for leads in the current week. */
export const spentThisWeek = (
  party: Pick<Party, "id">,
): Effect.Effect<
  { readonly spent: number; readonly week: ReturnType<typeof budgetWeek> },
  PersistenceUnavailable,
  Ledger | Policy
> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const week = budgetWeek(yield* now, policy.timeZone)
    const spent = yield* (yield* Ledger).debitedSince(
      creditsAccountId(party.id),
      "lead_unlock",
      week.start,
    )
    return { spent: Number(spent), week }
  })

/** The wallet of a provider, read from the ledger and the settings; never opens accounts. */
export const walletViewOf = (
  party: Party,
): Effect.Effect<WalletView, PersistenceUnavailable, Ledger | Policy | WalletSettings> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const settings = yield* (yield* WalletSettings).get(party.id)
    const { spent, week } = yield* spentThisWeek(party)
    return {
      party,
      currency: policy.currency,
      credits: yield* balanceOrZero(creditsAccountId(party.id)),
      earningsMinor: yield* balanceOrZero(earningsAccountId(party.id)),
      weeklyCreditBudget: settings.weeklyCreditBudget,
      spentThisWeek: spent,
      weekEndsAt: week.end,
    }
  })
