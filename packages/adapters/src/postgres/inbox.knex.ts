import {
  type InboundUpdate,
  Inbox,
  InboxEntry,
  inboxKey,
  REJECTED_EXCERPT_MAX,
  RejectedDelivery,
} from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, failedOrRetried, optional } from "./rows.ts"

interface InboxRow {
  readonly seq: string | number
  readonly key: string
  readonly channel: string
  readonly phone: string
  readonly kind: string
  readonly update: unknown
  readonly status: string
  readonly attempts: number
  readonly next_attempt_at: Date
  readonly received_at: Date
  readonly processed_at: Date | null
  readonly last_error: string | null
}

const TABLE = "inbox"

const phoneOf = (update: InboundUpdate): string =>
  update._tag === "message" ? update.message.from : update.status.recipient

const decodeEntry = decodeRow(InboxEntry, TABLE)

const fromRow = (row: InboxRow) =>
  decodeEntry(
    {
      key: row.key,
      channel: row.channel,
      phone: row.phone,
      update: row.update,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: fromTimestamp(row.next_attempt_at),
      receivedAt: fromTimestamp(row.received_at),
      ...optional(
        "processedAt",
        row.processed_at === null ? null : fromTimestamp(row.processed_at),
      ),
      ...optional("lastError", row.last_error),
    },
    row.key,
  )

/**
 * Claims due entries in one statement. A message is claimable only when it is its phone's
 * first open message in the sender's order (sent_at, WhatsApp's timestamp; ties by arrival,
 * received_at then seq) and no other message of the phone is under a live lease (an
 * earlier-sent message that arrives while a later one is being handled waits for it). So
 * the first one is the only candidate per phone, two workers can only race for that one
 * row, and SKIP LOCKED hands it to one of them. Statuses change no conversation and are
 * never held back.
 */
const CLAIM_DUE = `
  with due as (
    select e.key, e.received_at as due_received_at, e.seq as due_seq
    from inbox e
    where e.status in ('pending', 'processing') and e.next_attempt_at <= ?
      and (e.kind = 'status' or not exists (
        select 1 from inbox o
        where o.phone = e.phone and o.kind = 'message'
          and o.status in ('pending', 'processing') and o.key <> e.key
          and ((o.sent_at, o.received_at, o.seq) < (e.sent_at, e.received_at, e.seq)
               or (o.status = 'processing' and o.next_attempt_at > ?))
      ))
    order by e.received_at, e.seq
    limit ?
    for update of e skip locked
  )
  update inbox
  set status = 'processing', attempts = inbox.attempts + 1, next_attempt_at = ?
  from due
  where inbox.key = due.key
  returning inbox.*, due.due_received_at, due.due_seq`

const bySeq = (a: InboxRow, b: InboxRow) =>
  fromTimestamp(a.received_at) - fromTimestamp(b.received_at) || Number(a.seq) - Number(b.seq)

/**
 * The claimed entries that decode. One that does not (a bug, or a row changed by hand) is
 * marked failed with the reason, for ops, instead of failing the claim: it is the oldest
 * and would be claimed first on every run, and no phone would be answered again.
 */
const keepReadable = (knex: Knex, rows: ReadonlyArray<InboxRow>) =>
  Effect.gen(function* () {
    const entries: Array<InboxEntry> = []
    for (const row of rows) {
      const decoded = yield* Effect.result(fromRow(row))
      if (decoded._tag === "Success") {
        entries.push(decoded.success)
        continue
      }
      yield* query(knex, "inbox.claimDue", (db) =>
        db(TABLE)
          .where({ key: row.key })
          .update({ status: "failed", last_error: decoded.failure.detail }),
      )
      yield* Effect.logError("inbox: an entry cannot be read; marked failed").pipe(
        Effect.annotateLogs({ key: row.key, error: decoded.failure.detail }),
      )
    }
    return entries
  })

export const makeInbox = (knex: Knex): Inbox["Service"] =>
  Inbox.of({
    record: (updates, receivedAt) => {
      // One statement; a key seen before (this batch or an earlier delivery) is skipped.
      const rows = [...new Map(updates.map((u) => [inboxKey(u), u])).entries()].map(
        ([key, update]) => ({
          key,
          channel: "whatsapp",
          phone: phoneOf(update),
          kind: update._tag,
          update: toJson(update),
          sent_at: update._tag === "message" ? toDate(update.message.at) : null,
          status: "pending",
          attempts: 0,
          next_attempt_at: toDate(receivedAt),
          received_at: toDate(receivedAt),
        }),
      )
      return rows.length === 0
        ? Effect.succeed({ recorded: 0 })
        : query(knex, "inbox.record", (db) =>
            db(TABLE).insert(rows).onConflict("key").ignore().returning("key"),
          ).pipe(Effect.map((inserted) => ({ recorded: inserted.length })))
    },

    claimDue: ({ now, limit, leaseMs }) =>
      limit <= 0
        ? Effect.succeed([])
        : query(knex, "inbox.claimDue", (db) =>
            db.raw<{ rows: Array<InboxRow> }>(CLAIM_DUE, [
              toDate(now),
              toDate(now),
              limit,
              toDate(now + leaseMs),
            ]),
          ).pipe(Effect.flatMap(({ rows }) => keepReadable(knex, rows.toSorted(bySeq)))),

    markProcessed: (key, at) =>
      query(knex, "inbox.markProcessed", (db) =>
        db(TABLE)
          .where({ key })
          .update({ status: "processed", processed_at: toDate(at) }),
      ).pipe(Effect.asVoid),

    markFailed: (key, error, retryAt) =>
      query(knex, "inbox.markFailed", (db) =>
        db(TABLE).where({ key }).update(failedOrRetried(error, retryAt)),
      ).pipe(Effect.asVoid),

    findByKey: (key) =>
      query(knex, "inbox.findByKey", (db) => db<InboxRow>(TABLE).where({ key })).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some),
        ),
      ),

    list: (filter) =>
      query(knex, "inbox.list", (db) => {
        const q = db<InboxRow>(TABLE).orderBy([
          { column: "received_at", order: "desc" },
          { column: "seq", order: "desc" },
        ])
        if (filter.phone !== undefined) q.where({ phone: filter.phone })
        if (filter.status !== undefined) q.where({ status: filter.status })
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),

    recordRejected: ({ fingerprint, reason, excerpt, size, at }) =>
      query(knex, "inbox.recordRejected", (db) =>
        db.raw(
          `insert into webhook_rejects as r
             (fingerprint, channel, reason, excerpt, size, first_at, last_at, count)
           values (?, 'whatsapp', ?, ?, ?, ?, ?, 1)
           on conflict (fingerprint) do update
             set count = r.count + 1, last_at = greatest(r.last_at, excluded.last_at)`,
          [
            fingerprint,
            textOnly(reason),
            textOnly(excerpt.slice(0, REJECTED_EXCERPT_MAX)),
            size,
            toDate(at),
            toDate(at),
          ],
        ),
      ).pipe(Effect.asVoid),

    listRejected: (filter) =>
      query(knex, "inbox.listRejected", (db) => {
        const q = db<RejectedRow>(REJECTS).orderBy([
          { column: "last_at", order: "desc" },
          { column: "fingerprint", order: "asc" },
        ])
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(
        Effect.flatMap((rows) =>
          Effect.forEach(rows, (row) =>
            decodeRejected(
              {
                fingerprint: row.fingerprint,
                channel: row.channel,
                reason: row.reason,
                excerpt: row.excerpt,
                size: row.size,
                firstAt: fromTimestamp(row.first_at),
                lastAt: fromTimestamp(row.last_at),
                count: row.count,
              },
              row.fingerprint,
            ),
          ),
        ),
      ),
  })

interface RejectedRow {
  readonly fingerprint: string
  readonly channel: string
  readonly reason: string
  readonly excerpt: string
  readonly size: number
  readonly first_at: Date
  readonly last_at: Date
  readonly count: number
}

const REJECTS = "webhook_rejects"
const NUL = String.fromCharCode(0)
/** Postgres text holds no NUL; a rejected body may (that may be why it was rejected). */
const textOnly = (s: string) => s.replaceAll(NUL, "\uFFFD")
const decodeRejected = decodeRow(RejectedDelivery, REJECTS)

export const layerInbox = (knex: Knex): Layer.Layer<Inbox> => Layer.succeed(Inbox, makeInbox(knex))
