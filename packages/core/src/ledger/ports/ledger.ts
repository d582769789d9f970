import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { Instant } from "../../shared/time.ts"
import type {
  AccountConflict,
  AccountNotFound,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidTransfer,
} from "../domain/ledger.errors.ts"
import type {
  Account,
  AccountId,
  LedgerCheckReport,
  StatementLine,
  Transfer,
  TransferReason,
  TransferRequest,
} from "../domain/ledger.ts"

/**
 * The double-entry ledger (DESIGN.md, "Money and credits"). Every method joins the
 * surrounding `Transactions.run`, so a use case's transfers commit with its other writes.
 */
export class Ledger extends Context.Service<
  Ledger,
  {
    /** Creates the account, or does nothing when it exists with the same settings. */
    readonly openAccount: (
      account: Account,
    ) => Effect.Effect<Account, AccountConflict | PersistenceUnavailable>
    readonly findAccount: (
      id: AccountId,
    ) => Effect.Effect<Option.Option<Account>, PersistenceUnavailable>
    /**
     * Applies a transfer exactly once. Replaying an id with the same fields returns the
     * first transfer unchanged (and moves nothing); with different fields it fails with
     * IdempotencyConflict. Concurrent transfers never overdraw a no-overdraft account.
     * Checks run in the order `decideTransfer` (ledger.ops.ts) documents, so a request
     * that breaks several rules fails the same way on every adapter.
     */
    readonly transfer: (
      request: TransferRequest,
      at: Instant,
    ) => Effect.Effect<
      Transfer,
      | AccountNotFound
      | IdempotencyConflict
      | InsufficientFunds
      | InvalidTransfer
      | PersistenceUnavailable
    >
    readonly findTransfer: (
      id: string,
    ) => Effect.Effect<Option.Option<Transfer>, PersistenceUnavailable>
    readonly balance: (
      id: AccountId,
    ) => Effect.Effect<bigint, AccountNotFound | PersistenceUnavailable>
    /**
     * Newest first, each line with the balance after it. "Newest" is the order the
     * transfers were applied (latest first), not `createdAt`, which callers choose.
     */
    readonly statement: (
      id: AccountId,
      options: { readonly limit: number; readonly offset?: number },
    ) => Effect.Effect<ReadonlyArray<StatementLine>, AccountNotFound | PersistenceUnavailable>
    /**
     * Sum of amounts debited from the account for `reason` with `createdAt` at or after
     * `since` (weekly budgets); 0 for an account that does not exist.
     */
    readonly debitedSince: (
      id: AccountId,
      reason: TransferReason,
      since: Instant,
    ) => Effect.Effect<bigint, PersistenceUnavailable>
    /**
     * Verifies every invariant over the whole ledger, from the stored transfers, reporting
     * exactly what `checkLedgerState` (ledger.ops.ts) reports for the same data.
     */
    readonly check: () => Effect.Effect<LedgerCheckReport, PersistenceUnavailable>
  }
>()("@fundi/core/Ledger") {}
