import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "./errors.ts"

/**
 * Runs an effect as one database transaction: every repository call inside it sees and
 * writes the same transaction; it commits when the effect succeeds and rolls back when it
 * fails (typed error, defect or interruption). Nested calls join the outer transaction.
 */
export class Transactions extends Context.Service<
  Transactions,
  {
    readonly run: <A, E, R>(
      effect: Effect.Effect<A, E, R>,
    ) => Effect.Effect<A, E | PersistenceUnavailable, R>
  }
>()("@fundi/core/Transactions") {}
