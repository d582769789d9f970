import { AuditEntry, AuditLog, describeActor } from "@fundi/core"
import { Effect, Layer } from "effect"
import type { Knex } from "knex"
import { deferInsert, flushDeferred, fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

interface AuditRow {
  readonly id: string
  readonly actor: unknown
  readonly actor_name: string
  readonly action: string
  readonly subject_type: string
  readonly subject_id: string
  readonly reason: string | null
  readonly details: unknown
  readonly at: Date
}

const TABLE = "audit_log"

const decodeEntry = decodeRow(AuditEntry, TABLE)

const fromRow = (row: AuditRow) =>
  decodeEntry(
    {
      id: row.id,
      actor: row.actor,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      ...optional("reason", row.reason),
      details: row.details,
      at: fromTimestamp(row.at),
    },
    row.id,
  )

/** An entry as its row: for a write outside the use cases (`pinPolicy`), in its transaction. */
export const auditRow = (entry: AuditEntry) => ({
  id: entry.id,
  actor: toJson(entry.actor),
  actor_name: describeActor(entry.actor),
  action: entry.action,
  subject_type: entry.subjectType,
  subject_id: entry.subjectId,
  reason: entry.reason ?? null,
  details: toJson(entry.details),
  at: toDate(entry.at),
})

/** Append-only: there is no update or delete here, and a trigger refuses them in the database. */
export const makeAuditLog = (knex: Knex): AuditLog["Service"] =>
  AuditLog.of({
    // Inside a transaction the entry is written with the use case's others at commit, in
    // one statement; nothing reads the log back there but `list`, which sends them first.
    record: (entry) =>
      deferInsert(knex, "audit_log.record", [auditRow(entry)], (db, rows) =>
        db(TABLE).insert(rows),
      ),

    list: (filter) =>
      Effect.andThen(
        flushDeferred(knex),
        query(knex, "audit_log.list", (db) => {
          const q = db<AuditRow>(TABLE).orderBy([
            { column: "at", order: "desc" },
            { column: "seq", order: "desc" },
          ])
          if (filter.subjectId !== undefined) q.where({ subject_id: filter.subjectId })
          if (filter.actorName !== undefined) q.where({ actor_name: filter.actorName })
          if (filter.action !== undefined) q.where({ action: filter.action })
          if (filter.limit !== undefined) q.limit(filter.limit)
          return q
        }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
      ),
  })

export const layerAuditLog = (knex: Knex): Layer.Layer<AuditLog> =>
  Layer.succeed(AuditLog, makeAuditLog(knex))
