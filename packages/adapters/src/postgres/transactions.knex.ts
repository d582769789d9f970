import { PersistenceUnavailable, Transactions } from "@fundi/core"
import { Effect, Exit, Layer } from "effect"
import type { Knex } from "knex"
import {
  CurrentTransaction,
  flushOpen,
  type OpenTransaction,
  persistenceFailure,
} from "./executor.ts"

/**
 * `Transactions` on Knex. `run` opens a transaction (knex.transaction() without a callback,
 * so Effect, not knex, decides when it ends), makes it the current executor for the inner
 * effect, commits when the effect succeeds and rolls back when it fails, dies or is
 * interrupted. A `run` inside a `run` on the same Knex joins the outer transaction: its
 * writes commit or roll back with the outer one.
 */
export const makeTransactions = (knex: Knex): Transactions["Service"] =>
  Transactions.of({
    run: (effect) =>
      Effect.flatMap(CurrentTransaction, (current) =>
        current?.owner === knex
          ? effect
          : Effect.acquireUseRelease(
              // acquire is uninterruptible, so a transaction that has begun is always ended.
              begin(knex),
              (open) => Effect.provideService(effect, CurrentTransaction, open),
              (open, exit) => (Exit.isSuccess(exit) ? commit(open) : rollback(open)),
            ),
      ),
  })

export const layerTransactions = (knex: Knex): Layer.Layer<Transactions> =>
  Layer.succeed(Transactions, makeTransactions(knex))

const begin = (knex: Knex): Effect.Effect<OpenTransaction, PersistenceUnavailable> =>
  Effect.tryPromise({
    try: async () => {
      const trx = await knex.transaction()
      // knex reports a failed COMMIT or ROLLBACK only through this promise; `commit` awaits
      // it, and this handler keeps a failed rollback from becoming an unhandled rejection.
      trx.executionPromise.catch(() => undefined)
      return { owner: knex, trx, firstFailure: undefined, deferred: new Map() }
    },
    catch: (cause) => persistenceFailure("transaction.begin", cause),
  })

const commit = (open: OpenTransaction): Effect.Effect<void, PersistenceUnavailable> =>
  // The held inserts go last; if one fails, the transaction is rolled back below.
  Effect.andThen(
    Effect.catch(flushOpen(open), () => Effect.void),
    Effect.suspend(() => commitFlushed(open)),
  )

const commitFlushed = (open: OpenTransaction): Effect.Effect<void, PersistenceUnavailable> => {
  const failure = open.firstFailure
  if (failure !== undefined) {
    // The effect recovered from a failed statement, but Postgres has already aborted the
    // transaction: committing would silently roll back everything, so say so instead.
    return Effect.andThen(
      rollback(open),
      Effect.fail(
        new PersistenceUnavailable({
          detail: `transaction.commit: rolled back because a statement in it failed (${failure})`,
        }),
      ),
    )
  }
  return Effect.tryPromise({
    try: async () => {
      await open.trx.commit()
      await open.trx.executionPromise
    },
    catch: (cause) => persistenceFailure("transaction.commit", cause),
  })
}

const rollback = (open: OpenTransaction): Effect.Effect<void> =>
  Effect.tryPromise({
    try: async () => {
      await open.trx.rollback()
      await open.trx.executionPromise
    },
    catch: (cause) => persistenceFailure("transaction.rollback", cause),
  }).pipe(
    // The effect's own failure is what the caller must see; a failed rollback (connection
    // gone) has committed nothing, so it is logged and not raised.
    Effect.catch((error) => Effect.logWarning(error.message)),
  )
