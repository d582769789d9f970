import {
  type Instant,
  type PaymentEvent,
  type PaymentEventState,
  PaymentEventStates,
  PaymentEvents,
  PersistenceUnavailable,
} from "@fundi/core"
import { Effect, Layer } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"

interface PaymentEventRow {
  readonly key: string
  readonly gateway: string
  readonly event: string
  readonly reference: string | null
  readonly payload: unknown
  readonly received_at: Date
  readonly state: string
  readonly attempts: number
  readonly next_attempt_at: Date
  readonly last_error: string | null
  readonly processed_at: Date | null
  readonly outcome: string | null
}

const TABLE = "payment_events"

const isState = (state: string): state is PaymentEventState =>
  (PaymentEventStates as ReadonlyArray<string>).includes(state)

// The port's event is an interface, not a Schema: the table's CHECK keeps the state one of
// ours, and this refuses a row changed by hand rather than hand it on.
const fromRow = (row: PaymentEventRow): Effect.Effect<PaymentEvent, PersistenceUnavailable> =>
  isState(row.state)
    ? Effect.succeed({
        key: row.key,
        gateway: row.gateway,
        event: row.event,
        ...(row.reference === null ? {} : { reference: row.reference }),
        payload: row.payload,
        receivedAt: fromTimestamp(row.received_at) as Instant,
        state: row.state,
        attempts: row.attempts,
        nextAttemptAt: fromTimestamp(row.next_attempt_at) as Instant,
        ...(row.last_error === null ? {} : { lastError: row.last_error }),
        ...(row.processed_at === null
          ? {}
          : { processedAt: fromTimestamp(row.processed_at) as Instant }),
        ...(row.outcome === null ? {} : { outcome: row.outcome }),
      })
    : Effect.fail(
        new PersistenceUnavailable({
          detail: `${TABLE} row ${row.key} has an unknown state ${row.state}`,
        }),
      )

const fromRows = (rows: ReadonlyArray<PaymentEventRow>) => Effect.forEach(rows, fromRow)

/**
 * One statement: SKIP LOCKED hands each due event to one claimer, and the lease (its
 * next_attempt_at moved to leaseUntil) keeps the others off it after this commits, until
 * the claimer settles it or crashes and the lease runs out.
 */
const CLAIM_DUE = `
  with due as (
    select key, next_attempt_at as due_next_attempt_at from payment_events
    where state = 'pending' and next_attempt_at <= ?
    order by next_attempt_at, received_at, key
    limit ?
    for update skip locked
  )
  update payment_events e
  set attempts = e.attempts + 1, next_attempt_at = ?
  from due
  where e.key = due.key
  returning e.*, due.due_next_attempt_at`

interface ClaimedRow extends PaymentEventRow {
  /** next_attempt_at before the claim moved it to the lease's end: the claim order. */
  readonly due_next_attempt_at: Date
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const byClaimOrder = (a: ClaimedRow, b: ClaimedRow) =>
  fromTimestamp(a.due_next_attempt_at) - fromTimestamp(b.due_next_attempt_at) ||
  fromTimestamp(a.received_at) - fromTimestamp(b.received_at) ||
  compareText(a.key, b.key)

export const makePaymentEvents = (knex: Knex): PaymentEvents["Service"] =>
  PaymentEvents.of({
    record: (event) =>
      query(knex, "payment_events.record", (db) =>
        db(TABLE)
          .insert({
            key: event.key,
            gateway: event.gateway,
            event: event.event,
            reference: event.reference ?? null,
            payload: toJson(event.payload),
            received_at: toDate(event.receivedAt),
            state: "pending",
            attempts: 0,
            next_attempt_at: toDate(event.receivedAt),
          })
          .onConflict("key")
          .ignore()
          .returning("key"),
      ).pipe(Effect.map((inserted) => ({ recorded: inserted.length > 0 }))),

    claimDue: (at, limit, leaseUntil) =>
      limit <= 0
        ? Effect.succeed([])
        : query(knex, "payment_events.claimDue", (db) =>
            db.raw<{ rows: Array<ClaimedRow> }>(CLAIM_DUE, [toDate(at), limit, toDate(leaseUntil)]),
          ).pipe(
            // UPDATE … RETURNING keeps no order: back to the order they were claimed in.
            Effect.flatMap(({ rows }) => fromRows(rows.toSorted(byClaimOrder))),
          ),

    settle: (key, { state, outcome, at }) =>
      query(knex, "payment_events.settle", (db) =>
        db(TABLE)
          .where({ key })
          .update({ state, outcome, processed_at: toDate(at) }),
      ).pipe(Effect.asVoid),

    retryOrFail: (key, { error, retryAt }) =>
      query(knex, "payment_events.retryOrFail", (db) =>
        db(TABLE)
          .where({ key })
          .update(
            retryAt === undefined
              ? { state: "failed", last_error: error }
              : { state: "pending", last_error: error, next_attempt_at: toDate(retryAt) },
          ),
      ).pipe(Effect.asVoid),

    list: (filter) =>
      query(knex, "payment_events.list", (db) => {
        const q = db<PaymentEventRow>(TABLE).orderBy([
          { column: "received_at", order: "desc" },
          { column: "key", order: "asc" },
        ])
        if (filter.states !== undefined) q.whereIn("state", [...filter.states])
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap(fromRows)),
  })

export const layerPaymentEvents = (knex: Knex): Layer.Layer<PaymentEvents> =>
  Layer.succeed(PaymentEvents, makePaymentEvents(knex))
