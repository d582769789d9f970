import { Outbox, OutboxMessage } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { deferInsert, flushDeferred, fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, failedOrRetried, optional } from "./rows.ts"

interface OutboxRow {
  readonly id: string
  readonly dedupe_key: string
  readonly channel: string
  readonly to: string
  readonly template: string
  readonly subject: string | null
  readonly body: string
  readonly party_id: string | null
  readonly status: string
  readonly attempts: number
  readonly next_attempt_at: Date
  readonly last_error: string | null
  readonly created_at: Date
  readonly sent_at: Date | null
  readonly provider_message_id: string | null
  readonly delivery: string | null
  readonly delivery_error: string | null
  readonly intent: unknown
  readonly fallback_template: unknown
}

const TABLE = "outbox"

const toRow = (m: OutboxMessage) => ({
  id: m.id,
  dedupe_key: m.dedupeKey,
  channel: m.channel,
  to: m.to,
  template: m.template,
  subject: m.subject ?? null,
  body: m.body,
  party_id: m.partyId ?? null,
  status: m.status,
  attempts: m.attempts,
  next_attempt_at: toDate(m.nextAttemptAt),
  last_error: m.lastError ?? null,
  created_at: toDate(m.createdAt),
  sent_at: m.sentAt === undefined ? null : toDate(m.sentAt),
  provider_message_id: m.providerMessageId ?? null,
  delivery: m.delivery ?? null,
  delivery_error: m.deliveryError ?? null,
  intent: m.intent === undefined ? null : toJson(m.intent),
  fallback_template: m.fallbackTemplate === undefined ? null : toJson(m.fallbackTemplate),
})

const decodeMessage = decodeRow(OutboxMessage, TABLE)

const fromRow = (row: OutboxRow) =>
  decodeMessage(
    {
      id: row.id,
      dedupeKey: row.dedupe_key,
      channel: row.channel,
      to: row.to,
      template: row.template,
      ...optional("subject", row.subject),
      body: row.body,
      ...optional("partyId", row.party_id),
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: fromTimestamp(row.next_attempt_at),
      ...optional("lastError", row.last_error),
      createdAt: fromTimestamp(row.created_at),
      ...optional("sentAt", row.sent_at === null ? null : fromTimestamp(row.sent_at)),
      ...optional("intent", row.intent),
      ...optional("fallbackTemplate", row.fallback_template),
      ...optional("providerMessageId", row.provider_message_id),
      ...optional("delivery", row.delivery),
      ...optional("deliveryError", row.delivery_error),
    },
    row.id,
  )

/**
 * Claims due messages in one statement: the CTE locks up to `limit` due rows, skipping rows
 * another worker has locked, and the update marks them sending with a lease. A message
 * whose lease ran out (its worker crashed) is due again. Due soonest first, then in the
 * order enqueued (`seq`), so one turn's replies go out in the order they were said;
 * `due_at` and `seq` restore that order, which the update's RETURNING does not preserve.
 */
const CLAIM_DUE = `
  with due as (
    select id, next_attempt_at as due_at
    from outbox
    where status in ('pending', 'sending') and next_attempt_at <= ?
    order by next_attempt_at, seq
    limit ?
    for update skip locked
  )
  update outbox
  set status = 'sending', attempts = outbox.attempts + 1, next_attempt_at = ?
  from due
  where outbox.id = due.id
  returning outbox.*, due.due_at`

/** `query`, after the messages this transaction holds back are sent (see `enqueue`). */
const sent = <A>(knex: Knex, operation: string, run: (db: Knex) => PromiseLike<A>) =>
  Effect.andThen(flushDeferred(knex), query(knex, operation, run))

export const makeOutbox = (knex: Knex): Outbox["Service"] =>
  Outbox.of({
    // Inside a transaction the messages are written with the use case's others at commit,
    // in one statement; every other method here sends them first.
    enqueue: (messages) =>
      messages.length === 0
        ? Effect.void
        : deferInsert(knex, "outbox.enqueue", messages.map(toRow), (db, rows) =>
            // A dedupe key already present (this batch or an earlier one) is skipped, not an
            // error: the same event must yield its message exactly once, even under races.
            db(TABLE).insert(rows).onConflict("dedupe_key").ignore(),
          ),

    claimDue: ({ now, limit, leaseMs }) =>
      limit <= 0
        ? Effect.succeed([])
        : sent(knex, "outbox.claimDue", (db) =>
            db.raw<{ rows: Array<OutboxRow & { due_at: Date; seq: string }> }>(CLAIM_DUE, [
              toDate(now),
              limit,
              toDate(now + leaseMs),
            ]),
          ).pipe(
            Effect.map(({ rows }) =>
              rows.toSorted(
                (a, b) =>
                  fromTimestamp(a.due_at) - fromTimestamp(b.due_at) ||
                  Number(a.seq) - Number(b.seq),
              ),
            ),
            Effect.flatMap((rows) => Effect.forEach(rows, fromRow)),
          ),

    markSent: (id, at, providerMessageId) =>
      sent(knex, "outbox.markSent", (db) =>
        db(TABLE)
          .where({ id })
          .update({
            status: "sent",
            sent_at: toDate(at),
            ...(providerMessageId === undefined ? {} : { provider_message_id: providerMessageId }),
          }),
      ).pipe(Effect.asVoid),

    defer: (id, until) =>
      sent(knex, "outbox.defer", (db) =>
        db(TABLE)
          .where({ id })
          .update({
            status: "pending",
            attempts: knex.raw("greatest(attempts - 1, 0)"),
            next_attempt_at: toDate(until),
          }),
      ).pipe(Effect.asVoid),

    markFailed: (id, error, retryAt) =>
      sent(knex, "outbox.markFailed", (db) =>
        db(TABLE).where({ id }).update(failedOrRetried(error, retryAt)),
      ).pipe(Effect.asVoid),

    findById: (id) =>
      sent(knex, "outbox.findById", (db) => db<OutboxRow>(TABLE).where({ id })).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some),
        ),
      ),

    findByProviderMessageId: (providerMessageId, options = {}) =>
      sent(knex, "outbox.findByProviderMessageId", (db) => {
        const q = db<OutboxRow>(TABLE).where({ provider_message_id: providerMessageId })
        return options.forUpdate === true ? q.forUpdate() : q
      }).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some),
        ),
      ),

    recordDelivery: (id, state, error) =>
      sent(knex, "outbox.recordDelivery", (db) =>
        db(TABLE)
          .where({ id })
          .update({ delivery: state, delivery_error: error ?? null }),
      ).pipe(Effect.asVoid),

    list: (filter) =>
      sent(knex, "outbox.list", (db) => {
        const q = db<OutboxRow>(TABLE).orderBy([
          { column: "created_at", order: "desc" },
          { column: "seq", order: "desc" },
        ])
        if (filter.status !== undefined) q.where({ status: filter.status })
        if (filter.partyId !== undefined) q.where({ party_id: filter.partyId })
        if (filter.to !== undefined) q.where({ to: filter.to })
        if (filter.channel !== undefined) q.where({ channel: filter.channel })
        if (filter.delivery !== undefined) q.where({ delivery: filter.delivery })
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
  })

export const layerOutbox = (knex: Knex): Layer.Layer<Outbox> =>
  Layer.succeed(Outbox, makeOutbox(knex))
