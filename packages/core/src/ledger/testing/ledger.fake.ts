import { Effect, Layer, Option, Result } from "effect"
import {
  InMemoryStore,
  type InMemoryStoreShape,
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Transactions } from "../../shared/transactions.ts"
import {
  balanceOf,
  checkLedgerState,
  debitedSince,
  decideOpenAccount,
  decideTransfer,
  type LedgerState,
  statementOf,
} from "../domain/ledger.ops.ts"
import type { Account, Transfer } from "../domain/ledger.ts"
import { Ledger } from "../ports/ledger.ts"

export const ledgerAccountsTable = "ledger_accounts"
export const ledgerBalancesTable = "ledger_balances"
/** Rows in the order the transfers were applied (a Map keeps insertion order). */
export const ledgerTransfersTable = "ledger_transfers"

/**
 * The ledger's tables in the store, read live as a LedgerState (no copy). Looked up on
 * every call, because a rolled-back transaction puts new table objects in the store.
 */
export const ledgerStateOf = (store: InMemoryStoreShape) => ({
  accounts: store.table<Account>(ledgerAccountsTable),
  balances: store.table<bigint>(ledgerBalancesTable),
  transfers: store.table<Transfer>(ledgerTransfersTable),
})

/**
 * The Ledger over the shared in-memory store, deciding everything with the pure rules in
 * `ledger.ops.ts`. A decision and its writes happen in one synchronous step, so concurrent
 * fibers cannot interleave inside a transfer; a surrounding `Transactions.run` that fails
 * restores the tables.
 */
export const layerLedgerInMemory: Layer.Layer<Ledger, never, InMemoryStore> = Layer.effect(
  Ledger,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const state = (): LedgerState => ledgerStateOf(store)
    const reading = <A>(f: (state: LedgerState) => A) =>
      Effect.andThen(
        store.read,
        Effect.sync(() => f(state())),
      )

    return Ledger.of({
      openAccount: (account) =>
        Effect.gen(function* () {
          yield* store.read
          const outcome = yield* Effect.fromResult(decideOpenAccount(state(), account))
          if (outcome._tag === "AlreadyOpen") return outcome.account
          yield* store.write
          // Decided again, and written in the same step: another fiber may have opened it.
          return yield* Effect.fromResult(
            Result.map(decideOpenAccount(state(), account), (again) => {
              if (again._tag === "Opened") {
                const now = ledgerStateOf(store)
                now.accounts.set(again.account.id, again.account)
                now.balances.set(again.account.id, 0n)
              }
              return again.account
            }),
          )
        }),

      findAccount: (id) => reading((s) => Option.fromUndefinedOr(s.accounts.get(id))),

      transfer: (request, at) =>
        Effect.gen(function* () {
          yield* store.read
          const outcome = yield* Effect.fromResult(decideTransfer(state(), request, at))
          if (outcome._tag === "Replayed") return outcome.transfer
          yield* store.write
          // Decide and write in one step, so no other fiber's transfer slips in between.
          return yield* Effect.fromResult(
            Result.map(decideTransfer(state(), request, at), (again) => {
              if (again._tag === "Applied") {
                const now = ledgerStateOf(store)
                const t = again.transfer
                now.balances.set(t.debitAccountId, again.debitBalance)
                now.balances.set(t.creditAccountId, again.creditBalance)
                now.transfers.set(t.id, t)
              }
              return again.transfer
            }),
          )
        }),

      findTransfer: (id) => reading((s) => Option.fromUndefinedOr(s.transfers.get(id))),

      balance: (id) =>
        Effect.andThen(
          store.read,
          Effect.suspend(() => Effect.fromResult(balanceOf(state(), id))),
        ),

      statement: (id, options) =>
        Effect.andThen(
          store.read,
          Effect.suspend(() => Effect.fromResult(statementOf(state(), id, options))),
        ),

      debitedSince: (id, reason, since) => reading((s) => debitedSince(s, id, reason, since)),

      check: () => reading(checkLedgerState),
    })
  }),
)

/**
 * The ledger alone, with Transactions, over its own fresh empty store (provided too, so a
 * test can switch it offline or inject a failing write). For ledger-only tests; a use case
 * test puts `layerLedgerInMemory` next to its other fakes over one shared store.
 */
export const layerLedgerInMemoryStandalone = (): Layer.Layer<
  Ledger | Transactions | InMemoryStore
> =>
  Layer.mergeAll(layerLedgerInMemory, layerTransactionsInMemory).pipe(
    Layer.provideMerge(Layer.fresh(layerInMemoryStore)),
  )
