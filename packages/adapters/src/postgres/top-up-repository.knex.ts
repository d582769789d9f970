import { TopUp, TopUpRepository } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

interface TopUpRow {
  readonly id: string
  readonly party_id: string
  readonly reference: string
  readonly method: string
  readonly credits: number
  /** `amount_minor::text`: int8 arrives as text from `pg`, and money is never a Number. */
  readonly amount_minor: string
  readonly currency: string
  readonly state: string
  readonly proof_key: string | null
  readonly proof_content_type: string | null
  /** `proof_size::text` */
  readonly proof_size: string | null
  readonly proof_sha256: string | null
  readonly proof_uploaded_at: Date | null
  readonly created_at: Date
  readonly decided_at: Date | null
  readonly decided_by: string | null
  readonly rejection_reason: string | null
  readonly updated_at: Date
}

const TABLE = "top_ups"

const COLUMNS = [
  "id",
  "party_id",
  "reference",
  "method",
  "credits",
  "amount_minor::text as amount_minor",
  "currency",
  "state",
  "proof_key",
  "proof_content_type",
  "proof_size::text as proof_size",
  "proof_sha256",
  "proof_uploaded_at",
  "created_at",
  "decided_at",
  "decided_by",
  "rejection_reason",
  "updated_at",
].join(", ")

const dateOrNull = (ms: number | undefined): Date | null => (ms === undefined ? null : toDate(ms))
const msOrNull = (value: Date | null): number | null =>
  value === null ? null : fromTimestamp(value)

const toRow = (t: TopUp) => ({
  id: t.id,
  party_id: t.partyId,
  reference: t.reference,
  method: t.method,
  credits: t.credits,
  amount_minor: t.amountMinor.toString(),
  currency: t.currency,
  state: t.state,
  proof_key: t.proof?.key ?? null,
  proof_content_type: t.proof?.contentType ?? null,
  proof_size: t.proof === undefined ? null : t.proof.size,
  proof_sha256: t.proof?.sha256 ?? null,
  proof_uploaded_at: dateOrNull(t.proof?.uploadedAt),
  created_at: toDate(t.createdAt),
  decided_at: dateOrNull(t.decidedAt),
  decided_by: t.decidedBy ?? null,
  rejection_reason: t.rejectionReason ?? null,
  updated_at: toDate(t.updatedAt),
})

const decodeTopUp = decodeRow(TopUp, TABLE)

const fromRow = (row: TopUpRow) =>
  decodeTopUp(
    {
      id: row.id,
      partyId: row.party_id,
      reference: row.reference,
      method: row.method,
      credits: row.credits,
      amountMinor: BigInt(row.amount_minor),
      currency: row.currency,
      state: row.state,
      // The table's CHECK keeps the proof columns all set or all null.
      ...(row.proof_key === null
        ? {}
        : {
            proof: {
              key: row.proof_key,
              contentType: row.proof_content_type,
              // A file size, not money: well within a Number.
              size: Number(row.proof_size),
              sha256: row.proof_sha256,
              uploadedAt: msOrNull(row.proof_uploaded_at),
            },
          }),
      createdAt: fromTimestamp(row.created_at),
      ...optional("decidedAt", msOrNull(row.decided_at)),
      ...optional("decidedBy", row.decided_by),
      ...optional("rejectionReason", row.rejection_reason),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

const first = (rows: ReadonlyArray<TopUpRow>) =>
  rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some)

export const makeTopUpRepository = (knex: Knex): TopUpRepository["Service"] =>
  TopUpRepository.of({
    insert: (topUp) =>
      query(knex, "top_ups.insert", (db) => db(TABLE).insert(toRow(topUp))).pipe(Effect.asVoid),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (topUp) =>
      query(knex, "top_ups.update", (db) => {
        const { id: _id, ...changes } = toRow(topUp)
        return db(TABLE).where({ id: topUp.id }).update(changes)
      }).pipe(Effect.asVoid),

    findById: (id, options) =>
      query(knex, "top_ups.findById", (db) => {
        const q = db<TopUpRow>(TABLE).select<Array<TopUpRow>>(db.raw(COLUMNS)).where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(Effect.flatMap(first)),

    findByReference: (reference) =>
      query(knex, "top_ups.findByReference", (db) =>
        db<TopUpRow>(TABLE).select<Array<TopUpRow>>(db.raw(COLUMNS)).where({ reference }),
      ).pipe(Effect.flatMap(first)),

    list: (filter) =>
      query(knex, "top_ups.list", (db) => {
        // The review queue: oldest first, ties by id.
        const q = db<TopUpRow>(TABLE)
          .select<Array<TopUpRow>>(db.raw(COLUMNS))
          .orderBy([
            { column: "created_at", order: "asc" },
            { column: "id", order: "asc" },
          ])
        if (filter.states !== undefined) q.whereIn("state", [...filter.states])
        if (filter.partyId !== undefined) q.where({ party_id: filter.partyId })
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
  })

export const layerTopUpRepository = (knex: Knex): Layer.Layer<TopUpRepository> =>
  Layer.succeed(TopUpRepository, makeTopUpRepository(knex))
