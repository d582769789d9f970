import { LeadRefund, LeadRefundRepository } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

interface LeadRefundRow {
  readonly id: string
  readonly offer_id: string
  readonly request_id: string
  readonly provider_id: string
  readonly reason: string
  readonly note: string | null
  readonly duplicate_of: string | null
  readonly credits: number
  readonly state: string
  readonly requested_at: Date
  readonly decided_at: Date | null
  readonly decided_by: string | null
  readonly decision_reason: string | null
  readonly updated_at: Date
}

const TABLE = "lead_refunds"

const toRow = (r: LeadRefund) => ({
  id: r.id,
  offer_id: r.offerId,
  request_id: r.requestId,
  provider_id: r.providerId,
  reason: r.reason,
  note: r.note ?? null,
  duplicate_of: r.duplicateOf ?? null,
  credits: r.credits,
  state: r.state,
  requested_at: toDate(r.requestedAt),
  decided_at: r.decidedAt === undefined ? null : toDate(r.decidedAt),
  decided_by: r.decidedBy ?? null,
  decision_reason: r.decisionReason ?? null,
  updated_at: toDate(r.updatedAt),
})

const decodeLeadRefund = decodeRow(LeadRefund, TABLE)

const fromRow = (row: LeadRefundRow) =>
  decodeLeadRefund(
    {
      id: row.id,
      offerId: row.offer_id,
      requestId: row.request_id,
      providerId: row.provider_id,
      reason: row.reason,
      ...optional("note", row.note),
      ...optional("duplicateOf", row.duplicate_of),
      credits: row.credits,
      state: row.state,
      requestedAt: fromTimestamp(row.requested_at),
      ...optional("decidedAt", row.decided_at === null ? null : fromTimestamp(row.decided_at)),
      ...optional("decidedBy", row.decided_by),
      ...optional("decisionReason", row.decision_reason),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

const firstOf = (rows: ReadonlyArray<LeadRefundRow>) =>
  rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some)

export const makeLeadRefundRepository = (knex: Knex): LeadRefundRepository["Service"] =>
  LeadRefundRepository.of({
    // A second claim on an offer breaks lead_refunds_offer_unique: PersistenceUnavailable.
    insert: (refund) =>
      query(knex, "lead_refunds.insert", (db) => db(TABLE).insert(toRow(refund))).pipe(
        Effect.asVoid,
      ),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (refund) =>
      query(knex, "lead_refunds.update", (db) => {
        const { id: _id, ...changes } = toRow(refund)
        return db(TABLE).where({ id: refund.id }).update(changes)
      }).pipe(Effect.asVoid),

    findById: (id, options) =>
      query(knex, "lead_refunds.findById", (db) => {
        const q = db<LeadRefundRow>(TABLE).select<Array<LeadRefundRow>>("*").where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(Effect.flatMap(firstOf)),

    findByOffer: (offerId) =>
      query(knex, "lead_refunds.findByOffer", (db) =>
        db<LeadRefundRow>(TABLE).select<Array<LeadRefundRow>>("*").where({ offer_id: offerId }),
      ).pipe(Effect.flatMap(firstOf)),

    list: (filter = {}) =>
      query(knex, "lead_refunds.list", (db) => {
        const q = db<LeadRefundRow>(TABLE)
          .select<Array<LeadRefundRow>>("*")
          .orderBy([
            { column: "requested_at", order: "asc" },
            { column: "id", order: "asc" },
          ])
        if (filter.state !== undefined) q.where({ state: filter.state })
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
  })

export const layerLeadRefundRepository = (knex: Knex): Layer.Layer<LeadRefundRepository> =>
  Layer.succeed(LeadRefundRepository, makeLeadRefundRepository(knex))
