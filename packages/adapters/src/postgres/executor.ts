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
  /**
   * Appends held back until COMMIT (`deferInsert`), by operation, in the order first
   * deferred: a use case's audit entries and outbox messages go in one statement each.
   */
  readonly deferred: Map<string, DeferredInserts>
}

/** A statement knex can render (a query builder or a raw), to be sent alone or with others. */
export type Statement = Knex.QueryBuilder | Knex.Raw

interface DeferredInserts {
  readonly rows: Array<unknown>
  readonly insert: (db: Knex, rows: ReadonlyArray<unknown>) => Statement
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
    return attempt(open, operation, () => run(open?.trx ?? knex))
  })

/** Runs a driver call; a failure names `operation` and is remembered by the transaction. */
const attempt = <A>(
  open: OpenTransaction | undefined,
  operation: string,
  run: () => PromiseLike<A>,
): Effect.Effect<A, PersistenceUnavailable> =>
  Effect.tryPromise({
    try: () => Promise.resolve(run()),
    catch: (cause) => {
      const failure = persistenceFailure(operation, cause)
      if (open && open.firstFailure === undefined) open.firstFailure = failure.detail
      return failure
    },
  })

/**
 * An append-only insert that nothing in the transaction reads back except through the
 * adapter that deferred it (which calls `flushDeferred` before reading): inside a
 * transaction it is held and sent with the others of its operation just before COMMIT, in
 * one statement; outside one it runs at once. A failure then fails the commit, which rolls
 * everything back, as a failure at the call would have.
 */
export const deferInsert = <R>(
  knex: Knex,
  operation: string,
  rows: ReadonlyArray<R>,
  insert: (db: Knex, rows: ReadonlyArray<R>) => Statement,
): Effect.Effect<void, PersistenceUnavailable> =>
  Effect.flatMap(CurrentTransaction, (current) => {
    const open = openOn(knex, current)
    if (open === undefined) return Effect.asVoid(query(knex, operation, (db) => insert(db, rows)))
    const pending = open.deferred.get(operation)
    if (pending === undefined) {
      open.deferred.set(operation, {
        rows: [...rows],
        insert: insert as DeferredInserts["insert"],
      })
    } else {
      pending.rows.push(...rows)
    }
    return Effect.void
  })

/** Sends the inserts `deferInsert` holds for the transaction open on `knex`, if any. */
export const flushDeferred = (knex: Knex): Effect.Effect<void, PersistenceUnavailable> =>
  Effect.flatMap(CurrentTransaction, (current) => {
    const open = openOn(knex, current)
    return open === undefined || open.deferred.size === 0 ? Effect.void : flushOpen(open)
  })

/** Sends every held insert of `open` in one statement (each operation's rows together). */
export const flushOpen = (open: OpenTransaction): Effect.Effect<void, PersistenceUnavailable> =>
  Effect.suspend(() => {
    const held = takeDeferred(open)
    if (held.operations.length === 0) return Effect.void
    return sendTogether(open, held.operations.join("+"), held.statements)
  })

/**
 * Sends `statements` (at least one) as one statement, together with the inserts held for
 * the transaction open on `knex` (which go with them instead of at COMMIT): a use case's
 * last write and its audit entries, messages and links in one round trip. They are written
 * as one WITH statement, so all see the same snapshot: none may depend on another's rows
 * (the held inserts are append-only, and nothing in it reads them).
 */
export const writeTogether = (
  knex: Knex,
  operation: string,
  statements: (db: Knex) => ReadonlyArray<Statement>,
): Effect.Effect<void, PersistenceUnavailable> =>
  Effect.flatMap(CurrentTransaction, (current) => {
    const open = openOn(knex, current)
    if (open === undefined) {
      return Effect.asVoid(query(knex, operation, (db) => together(db, statements(db))))
    }
    const held = takeDeferred(open)
    return sendTogether(open, [operation, ...held.operations].join("+"), (db) => [
      ...statements(db),
      ...held.statements(db),
    ])
  })

const takeDeferred = (open: OpenTransaction) => {
  const batches = [...open.deferred.entries()]
  open.deferred.clear()
  return {
    operations: batches.map(([operation]) => operation),
    statements: (db: Knex) => batches.map(([, { rows, insert }]) => insert(db, rows)),
  }
}

/** Builds and sends `statements` as one, inside `attempt`: a builder that throws is a failure. */
const sendTogether = (
  open: OpenTransaction,
  operation: string,
  statements: (db: Knex) => ReadonlyArray<Statement>,
): Effect.Effect<void, PersistenceUnavailable> =>
  Effect.asVoid(attempt(open, operation, () => together(open.trx, statements(open.trx))))

/**
 * Statements as one: alone as it is, or several as the data-modifying parts of one WITH
 * (Postgres runs each exactly once, to completion, whether or not anything reads it).
 */
const together = (db: Knex, statements: ReadonlyArray<Statement>): Statement => {
  const [first, ...rest] = statements
  if (first === undefined) return db.raw("select 1")
  if (rest.length === 0) return first
  const rendered = statements.map((statement) => statement.toSQL())
  return db.raw(
    `with ${rendered.map(({ sql }, i) => `w${i} as (${sql})`).join(", ")} select 1`,
    rendered.flatMap(({ bindings }) => [...bindings]),
  )
}

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
