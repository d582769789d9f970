import { Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { Transactions } from "../../shared/transactions.ts"
import type { LedgerCheckReport } from "../domain/ledger.ts"
import { Ledger } from "../ports/ledger.ts"

/** `checkLedger` takes nothing; `{}` is accepted so every use case can be called alike. */
export type CheckLedgerInput = Readonly<Record<string, never>>

/**
 * Ops verify every ledger invariant over the whole ledger (`fundi ops ledger check`): each
 * unit sums to zero, no wallet is below zero, stored balances equal the transfers, every
 * transfer is well formed. One transaction, so the report describes one consistent state.
 */
export const checkLedger: (
  input?: CheckLedgerInput,
) => Effect.Effect<LedgerCheckReport, PersistenceUnavailable, Ledger | Transactions> = Effect.fn(
  "checkLedger",
)(function* (_input: CheckLedgerInput = {}) {
  const ledger = yield* Ledger
  const transactions = yield* Transactions
  return yield* transactions.run(ledger.check())
})
