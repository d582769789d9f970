import { PersistenceUnavailable } from "@fundi/core"
import { Context, Effect } from "effect"
import type { Knex } from "knex"

/** The transaction `Transactions.run` opened on one Knex instance. */
export interface OpenTransaction {
  /** The Knex instance the transaction was opened on: repositories of another one ignore it. */
  readonly owner: Knex
  readonly trx: Knex.Transaction
  /**
   * The first statement that failed in it. Postgres aborts a transaction on any error and
   * answers a later COMMIT with a silent ROLLBACK, so `run` must refuse to report success.
   */
  firstFailure: string | undefined
}

/**
 * The transaction the current fiber runs in, if any. `Transactions.run` sets it; every
 * repository reads it, so repositories called inside one `run` share its transaction.
 */
export const CurrentTransaction = Context.Reference<OpenTransaction | undefined>(
  "@fundi/adapters/postgres/CurrentTransaction",
  { defaultValue: () => undefined },
)

const openOn = (knex: Knex, open: OpenTransaction | undefined): OpenTransaction | undefined =>
  open?.owner === knex ? open : undefined

/** The executor for `knex` here: the open transaction when there is one, else the pool. */
export const executorFor = (knex: Knex): Effect.Effect<Knex> =>
  Effect.map(CurrentTransaction, (open) => openOn(knex, open)?.trx ?? knex)

/**
 * Runs one query on the current executor; any driver failure (connection refused, pool
 * timeout, constraint violation, bad SQL) becomes `PersistenceUnavailable` naming the
 * operation, so callers see "parties.insert: duplicate key …; SQLSTATE 23505".
 */
export const query = <A>(
  knex: Knex,
  operation: string,
  run: (db: Knex) => PromiseLike<A>,
): Effect.Effect<A, PersistenceUnavailable> =>
  Effect.flatMap(CurrentTransaction, (current) => {
    const open = openOn(knex, current)
    return Effect.tryPromise({
      try: () => Promise.resolve(run(open?.trx ?? knex)),
      catch: (cause) => {
        const failure = persistenceFailure(operation, cause)
        if (open && open.firstFailure === undefined) open.firstFailure = failure.detail
        return failure
      },
    })
  })

export const persistenceFailure = (operation: string, cause: unknown): PersistenceUnavailable =>
  new PersistenceUnavailable({ detail: `${operation}: ${describeDriverError(cause)}` })

/** The driver's message without the SQL knex prepends, then its detail and SQLSTATE. */
export const describeDriverError = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  const e = cause as Error & { code?: unknown; detail?: unknown }
  // knex rewrites the message as "<sql> - <driver message>"; the SQL is noise here.
  const sqlPrefix = e.message.lastIndexOf(" - ")
  const message =
    sqlPrefix >= 0 &&
    /^\s*(select|insert|update|delete|with|create|drop|alter|set)\b/i.test(e.message)
      ? e.message.slice(sqlPrefix + 3)
      : e.message
  const parts = [message || e.name]
  if (typeof e.detail === "string" && e.detail) parts.push(e.detail)
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) parts.push(`SQLSTATE ${e.code}`)
  else if (typeof e.code === "string") parts.push(e.code)
  return parts.join("; ")
}

/** Epoch milliseconds -> a Date for a timestamptz parameter. */
export const toDate = (ms: number): Date => new Date(ms)

/** A timestamptz value from either driver (pg and PGlite give Dates) -> epoch milliseconds. */
export const fromTimestamp = (value: unknown): number => {
  if (value instanceof Date) return value.getTime()
  if (typeof value === "string" || typeof value === "number") return new Date(value).getTime()
  return Number.NaN
}

/**
 * JSON for a jsonb parameter, stringified by us: `pg` would send a JS array as a Postgres
 * array. Both drivers parse jsonb results back into values.
 */
export const toJson = (value: unknown): string => JSON.stringify(value)
