import { Effect } from "effect"
import type { LedgerCheckReport, StatementLine, Transfer } from "../../ledger/domain/ledger.ts"
import type { StoredObject } from "../../storage/ports/object-store.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { TopUp } from "../domain/top-up.ts"
import type { WalletServices } from "./services.ts"

/**
 * TODO(wallet): the wallet use cases, each to move into its own file (create-top-up.ts …)
 * with its real error union. The names and shapes are what the CLI and HTTP code against.
 */
type UseCase<Out> = (input: unknown) => Effect.Effect<Out, unknown, WalletServices>
const todo =
  <Out>(): UseCase<Out> =>
  () =>
    Effect.die("not implemented")

export interface WalletView {
  readonly party: Party
  readonly currency: string
  readonly credits: bigint
  readonly earningsMinor: bigint
  readonly weeklyCreditBudget: number | undefined
  readonly spentThisWeek: number
  /** When the current budget week ends (epoch ms). */
  readonly weekEndsAt: number
}

export interface TopUpView {
  readonly topUp: TopUp
  readonly party: Party
}

export const createTopUp: UseCase<TopUp> = todo()
export const submitTopUpProof: UseCase<TopUp> = todo()
export const approveTopUp: UseCase<TopUp> = todo()
export const rejectTopUp: UseCase<TopUp> = todo()
export const getTopUp: UseCase<TopUpView> = todo()
export const listTopUps: UseCase<ReadonlyArray<TopUpView>> = todo()
export const getTopUpProof: UseCase<{ readonly object: StoredObject; readonly bytes: Uint8Array }> =
  todo()
export const getWallet: UseCase<WalletView> = todo()
export const getStatement: UseCase<ReadonlyArray<StatementLine>> = todo()
export const setWeeklyBudget: UseCase<WalletView> = todo()
export const spendCredits: UseCase<Transfer> = todo()
export const grantCredits: UseCase<Transfer> = todo()
export const clawbackCredits: UseCase<Transfer> = todo()
export const recordConsultationPayout: UseCase<{
  readonly netMinor: bigint
  readonly feeMinor: bigint
}> = todo()
export const payOutEarnings: UseCase<Transfer> = todo()
export const checkLedger: UseCase<LedgerCheckReport> = todo()
