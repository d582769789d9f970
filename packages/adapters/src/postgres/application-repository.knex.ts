import { Application, ApplicationRepository } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

export interface ApplicationRow {
  readonly id: string
  readonly party_id: string
  readonly role: string
  readonly state: string
  readonly completeness: number
  readonly created_at: Date
  readonly submitted_at: Date | null
  readonly background_check_reference: string | null
  readonly background_check_requested_at: Date | null
  readonly background_check_result: string | null
  readonly background_check_recorded_at: Date | null
  readonly decided_at: Date | null
  readonly decided_by: string | null
  readonly rejection_reason: string | null
  readonly reapply_after: Date | null
  readonly updated_at: Date
}

const TABLE = "applications"

const dateOrNull = (ms: number | undefined): Date | null => (ms === undefined ? null : toDate(ms))
const msOrNull = (value: Date | null): number | null =>
  value === null ? null : fromTimestamp(value)

const toRow = (a: Application) => ({
  id: a.id,
  party_id: a.partyId,
  role: a.role,
  state: a.state,
  completeness: a.completeness,
  created_at: toDate(a.createdAt),
  submitted_at: dateOrNull(a.submittedAt),
  background_check_reference: a.backgroundCheck?.reference ?? null,
  background_check_requested_at: dateOrNull(a.backgroundCheck?.requestedAt),
  background_check_result: a.backgroundCheck?.result ?? null,
  background_check_recorded_at: dateOrNull(a.backgroundCheck?.recordedAt),
  decided_at: dateOrNull(a.decidedAt),
  decided_by: a.decidedBy ?? null,
  rejection_reason: a.rejectionReason ?? null,
  reapply_after: dateOrNull(a.reapplyAfter),
  updated_at: toDate(a.updatedAt),
})

const decodeApplication = decodeRow(Application, TABLE)

/** An applications row (or its to_jsonb) -> the domain value. */
export const applicationFromRow = (row: ApplicationRow) =>
  decodeApplication(
    {
      id: row.id,
      partyId: row.party_id,
      role: row.role,
      state: row.state,
      completeness: row.completeness,
      createdAt: fromTimestamp(row.created_at),
      ...optional("submittedAt", msOrNull(row.submitted_at)),
      ...optional(
        "backgroundCheck",
        row.background_check_reference === null
          ? null
          : {
              reference: row.background_check_reference,
              requestedAt: msOrNull(row.background_check_requested_at),
              ...optional("result", row.background_check_result),
              ...optional("recordedAt", msOrNull(row.background_check_recorded_at)),
            },
      ),
      ...optional("decidedAt", msOrNull(row.decided_at)),
      ...optional("decidedBy", row.decided_by),
      ...optional("rejectionReason", row.rejection_reason),
      ...optional("reapplyAfter", msOrNull(row.reapply_after)),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

const first = (rows: ReadonlyArray<ApplicationRow>) =>
  rows[0] === undefined ? Effect.succeedNone : Effect.map(applicationFromRow(rows[0]), Option.some)

export const makeApplicationRepository = (knex: Knex): ApplicationRepository["Service"] =>
  ApplicationRepository.of({
    insert: (application) =>
      query(knex, "applications.insert", (db) => db(TABLE).insert(toRow(application))).pipe(
        Effect.asVoid,
      ),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (application) =>
      query(knex, "applications.update", (db) => {
        const { id: _id, ...changes } = toRow(application)
        return db(TABLE).where({ id: application.id }).update(changes)
      }).pipe(Effect.asVoid),

    findById: (id, options) =>
      query(knex, "applications.findById", (db) => {
        const q = db<ApplicationRow>(TABLE).where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(Effect.flatMap(first)),

    latestForParty: (partyId) =>
      query(knex, "applications.latestForParty", (db) =>
        db<ApplicationRow>(TABLE)
          .where({ party_id: partyId })
          .orderBy([
            { column: "created_at", order: "desc" },
            { column: "id", order: "desc" },
          ])
          .limit(1),
      ).pipe(Effect.flatMap(first)),

    list: (filter) =>
      query(knex, "applications.list", (db) => {
        // The review queue order (see the port): it matches applications_review_queue_idx.
        const q = db<ApplicationRow>(TABLE)
          .orderBy("completeness", "desc")
          .orderByRaw("coalesce(submitted_at, created_at) asc")
          .orderBy("id", "asc")
        if (filter.states !== undefined) q.whereIn("state", [...filter.states])
        if (filter.role !== undefined) q.where({ role: filter.role })
        if (filter.partyId !== undefined) q.where({ party_id: filter.partyId })
        if (filter.limit !== undefined) q.limit(filter.limit)
        if (filter.offset !== undefined) q.offset(filter.offset)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, applicationFromRow))),
  })

export const layerApplicationRepository = (knex: Knex): Layer.Layer<ApplicationRepository> =>
  Layer.succeed(ApplicationRepository, makeApplicationRepository(knex))
