import { Offer, OfferRepository, offerDeadline, openOfferStates } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

export interface OfferRow {
  readonly id: string
  readonly request_id: string
  readonly provider_id: string
  readonly state: string
  readonly offered_at: Date
  readonly expires_at: Date
  readonly previewed_at: Date | null
  readonly unlocked_at: Date | null
  readonly hold_expires_at: Date | null
  readonly credits_charged: number | null
  readonly proposed_times: unknown
  readonly chosen_slot: unknown
  readonly decided_at: Date | null
  readonly decline_reason: string | null
  readonly expiry_cause: string | null
  readonly updated_at: Date
}

const TABLE = "offers"

const orNull = <A, B>(value: A | undefined, f: (a: A) => B): B | null =>
  value === undefined ? null : f(value)

const toRow = (o: Offer) => ({
  id: o.id,
  request_id: o.requestId,
  provider_id: o.providerId,
  state: o.state,
  offered_at: toDate(o.offeredAt),
  expires_at: toDate(o.expiresAt),
  previewed_at: orNull(o.previewedAt, toDate),
  unlocked_at: orNull(o.unlockedAt, toDate),
  hold_expires_at: orNull(o.holdExpiresAt, toDate),
  credits_charged: o.creditsCharged ?? null,
  proposed_times: orNull(o.proposedTimes, toJson),
  chosen_slot: orNull(o.chosenSlot, toJson),
  decided_at: orNull(o.decidedAt, toDate),
  decline_reason: o.declineReason ?? null,
  expiry_cause: o.expiryCause ?? null,
  updated_at: toDate(o.updatedAt),
  // Derived, never read back: kept so listDue can use an index (migration 0006).
  deadline_at: orNull(offerDeadline(o), toDate),
})

type OfferColumn = keyof ReturnType<typeof toRow>

/**
 * The SQL type of each column toRow writes, for updateMany's VALUES list, whose
 * parameters Postgres would otherwise take as text. Keyed by toRow's columns, so a column
 * added there and not here fails to compile.
 */
const columnTypes: Record<OfferColumn, string> = {
  id: "text",
  request_id: "text",
  provider_id: "text",
  state: "text",
  offered_at: "timestamptz",
  expires_at: "timestamptz",
  previewed_at: "timestamptz",
  unlocked_at: "timestamptz",
  hold_expires_at: "timestamptz",
  credits_charged: "double precision",
  proposed_times: "jsonb",
  chosen_slot: "jsonb",
  decided_at: "timestamptz",
  decline_reason: "text",
  expiry_cause: "text",
  updated_at: "timestamptz",
  deadline_at: "timestamptz",
}
const columns = Object.keys(columnTypes) as Array<OfferColumn>
const changed = columns.filter((column) => column !== "id")

const decodeOffer = decodeRow(Offer, TABLE)

/** One UPDATE of every given offer (at least one), each row replaced by its offer. */
export const updateOffers = (db: Knex, offers: ReadonlyArray<Offer>): Knex.Raw => {
  const rows = offers.map(toRow)
  const values = rows
    .map(() => `(${columns.map((column) => `?::${columnTypes[column]}`).join(", ")})`)
    .join(", ")
  const bindings = rows.flatMap((row) => columns.map((column) => row[column]))
  return db.raw(
    `update ${TABLE} as o set ${changed.map((c) => `${c} = v.${c}`).join(", ")}
     from (values ${values}) as v (${columns.join(", ")}) where o.id = v.id`,
    bindings,
  )
}

const timestamp = (value: Date | null) => (value === null ? null : fromTimestamp(value))

/** An offers row (or its to_jsonb) -> the domain value. */
export const offerFromRow = (row: OfferRow) =>
  decodeOffer(
    {
      id: row.id,
      requestId: row.request_id,
      providerId: row.provider_id,
      state: row.state,
      offeredAt: fromTimestamp(row.offered_at),
      expiresAt: fromTimestamp(row.expires_at),
      ...optional("previewedAt", timestamp(row.previewed_at)),
      ...optional("unlockedAt", timestamp(row.unlocked_at)),
      ...optional("holdExpiresAt", timestamp(row.hold_expires_at)),
      ...optional("creditsCharged", row.credits_charged),
      ...optional("proposedTimes", row.proposed_times),
      ...optional("chosenSlot", row.chosen_slot),
      ...optional("decidedAt", timestamp(row.decided_at)),
      ...optional("declineReason", row.decline_reason),
      ...optional("expiryCause", row.expiry_cause),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

const fromRows = (rows: ReadonlyArray<OfferRow>) => Effect.forEach(rows, offerFromRow)

export const makeOfferRepository = (knex: Knex): OfferRepository["Service"] =>
  OfferRepository.of({
    insert: (offer) =>
      query(knex, "offers.insert", (db) => db(TABLE).insert(toRow(offer))).pipe(Effect.asVoid),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (offer) =>
      query(knex, "offers.update", (db) => {
        const { id: _id, ...changes } = toRow(offer)
        return db(TABLE).where({ id: offer.id }).update(changes)
      }).pipe(Effect.asVoid),

    updateMany: (offers) =>
      offers.length === 0
        ? Effect.void
        : query(knex, "offers.updateMany", (db) => updateOffers(db, offers)).pipe(Effect.asVoid),

    findById: (id, options) =>
      query(knex, "offers.findById", (db) => {
        const q = db<OfferRow>(TABLE).select<Array<OfferRow>>("*").where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.succeedNone
            : Effect.map(offerFromRow(rows[0]), Option.some),
        ),
      ),

    listForRequest: (requestId, options = {}) =>
      query(knex, "offers.listForRequest", (db) => {
        const q = db<OfferRow>(TABLE)
          .select<Array<OfferRow>>("*")
          .where({ request_id: requestId })
          .orderBy([
            { column: "offered_at", order: "asc" },
            { column: "id", order: "asc" },
          ])
        if (options.states !== undefined) q.whereIn("state", [...options.states])
        // Rows are locked in the listed order, the order every caller locks them in.
        return options.forUpdate ? q.forUpdate() : q
      }).pipe(Effect.flatMap(fromRows)),

    listForProvider: (providerId, filter = {}) =>
      query(knex, "offers.listForProvider", (db) => {
        const q = db<OfferRow>(TABLE)
          .select<Array<OfferRow>>("*")
          .where({ provider_id: providerId })
          .orderBy([
            { column: "offered_at", order: "desc" },
            { column: "id", order: "asc" },
          ])
        if (filter.states !== undefined) q.whereIn("state", [...filter.states])
        return q
      }).pipe(Effect.flatMap(fromRows)),

    listDue: (at, limit) =>
      // knex leaves out LIMIT 0 (meaning "all"), so no rows is answered here.
      limit <= 0
        ? Effect.succeed([])
        : query(knex, "offers.listDue", (db) =>
            db<OfferRow>(TABLE)
              .select<Array<OfferRow>>("*")
              .whereIn("state", [...openOfferStates])
              .where("deadline_at", "<=", toDate(at))
              .orderBy([
                { column: "deadline_at", order: "asc" },
                { column: "id", order: "asc" },
              ])
              .limit(limit),
          ).pipe(Effect.flatMap(fromRows)),

    countOpenAssignments: (providerId) =>
      query(knex, "offers.countOpenAssignments", (db) =>
        db(TABLE)
          .where({ provider_id: providerId, state: "accepted" })
          .count<Array<{ readonly n: string | number }>>({ n: "*" }),
      ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0))),
  })

export const layerOfferRepository = (knex: Knex): Layer.Layer<OfferRepository> =>
  Layer.succeed(OfferRepository, makeOfferRepository(knex))
