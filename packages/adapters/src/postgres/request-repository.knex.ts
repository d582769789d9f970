import { RequestRepository, ServiceRequest } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

export interface RequestRow {
  readonly id: string
  readonly customer_id: string
  readonly category: string
  readonly description: string
  readonly area: string
  readonly point_lat: number | null
  readonly point_lng: number | null
  readonly street: string | null
  readonly mode: string
  readonly urgency: string
  readonly availability: unknown
  readonly estimated_minutes: number | null
  /** `total_amount_minor::text`: int8 arrives as text from `pg`, and money is never a Number. */
  readonly total_amount_minor: string | null
  readonly photos: unknown
  readonly channel: string
  readonly cohort: string
  readonly state: string
  readonly clarification_question: string | null
  readonly cancellation_reason: string | null
  readonly assigned_provider_id: string | null
  readonly created_at: Date
  readonly updated_at: Date
}

const TABLE = "service_requests"

const COLUMNS = [
  "id",
  "customer_id",
  "category",
  "description",
  "area",
  "point_lat",
  "point_lng",
  "street",
  "mode",
  "urgency",
  "availability",
  "estimated_minutes",
  "total_amount_minor::text as total_amount_minor",
  "photos",
  "channel",
  "cohort",
  "state",
  "clarification_question",
  "cancellation_reason",
  "assigned_provider_id",
  "created_at",
  "updated_at",
].join(", ")

const toRow = (r: ServiceRequest) => ({
  id: r.id,
  customer_id: r.customerId,
  category: r.category,
  description: r.description,
  area: r.location.area,
  point_lat: r.location.point?.lat ?? null,
  point_lng: r.location.point?.lng ?? null,
  street: r.location.street ?? null,
  mode: r.mode,
  urgency: r.urgency,
  availability: toJson(r.availability),
  estimated_minutes: r.estimatedMinutes ?? null,
  total_amount_minor: r.totalAmountMinor === undefined ? null : r.totalAmountMinor.toString(),
  photos: toJson(r.photos),
  channel: r.channel,
  cohort: r.cohort,
  state: r.state,
  clarification_question: r.clarificationQuestion ?? null,
  cancellation_reason: r.cancellationReason ?? null,
  assigned_provider_id: r.assignedProviderId ?? null,
  created_at: toDate(r.createdAt),
  updated_at: toDate(r.updatedAt),
})

const decodeRequest = decodeRow(ServiceRequest, TABLE)

/** The UPDATE that replaces the stored request with `request` (an id never inserted: none). */
export const updateRequest = (db: Knex, request: ServiceRequest): Knex.QueryBuilder => {
  const { id: _id, ...changes } = toRow(request)
  return db(TABLE).where({ id: request.id }).update(changes)
}

/** A service_requests row (COLUMNS, or to_jsonb with the money as text) -> the domain value. */
export const requestFromRow = (row: RequestRow) =>
  decodeRequest(
    {
      id: row.id,
      customerId: row.customer_id,
      category: row.category,
      description: row.description,
      location: {
        area: row.area,
        // The table's CHECK keeps the coordinates both set or both null.
        ...(row.point_lat === null || row.point_lng === null
          ? {}
          : { point: { lat: row.point_lat, lng: row.point_lng } }),
        ...optional("street", row.street),
      },
      mode: row.mode,
      urgency: row.urgency,
      availability: row.availability,
      ...optional("estimatedMinutes", row.estimated_minutes),
      ...optional(
        "totalAmountMinor",
        row.total_amount_minor === null ? null : BigInt(row.total_amount_minor),
      ),
      photos: row.photos,
      channel: row.channel,
      cohort: row.cohort,
      state: row.state,
      ...optional("clarificationQuestion", row.clarification_question),
      ...optional("cancellationReason", row.cancellation_reason),
      ...optional("assignedProviderId", row.assigned_provider_id),
      createdAt: fromTimestamp(row.created_at),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

export const makeRequestRepository = (knex: Knex): RequestRepository["Service"] =>
  RequestRepository.of({
    insert: (request) =>
      query(knex, "service_requests.insert", (db) => db(TABLE).insert(toRow(request))).pipe(
        Effect.asVoid,
      ),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (request) =>
      query(knex, "service_requests.update", (db) => updateRequest(db, request)).pipe(
        Effect.asVoid,
      ),

    findById: (id, options) =>
      query(knex, "service_requests.findById", (db) => {
        const q = db<RequestRow>(TABLE).select<Array<RequestRow>>(db.raw(COLUMNS)).where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined
            ? Effect.succeedNone
            : Effect.map(requestFromRow(rows[0]), Option.some),
        ),
      ),

    list: (filter) =>
      query(knex, "service_requests.list", (db) => {
        // The review queue: oldest first, ties by id.
        const q = db<RequestRow>(TABLE)
          .select<Array<RequestRow>>(db.raw(COLUMNS))
          .orderBy([
            { column: "created_at", order: "asc" },
            { column: "id", order: "asc" },
          ])
        if (filter.states !== undefined) q.whereIn("state", [...filter.states])
        if (filter.customerId !== undefined) q.where({ customer_id: filter.customerId })
        if (filter.cohort !== undefined) q.where({ cohort: filter.cohort })
        if (filter.limit !== undefined) q.limit(filter.limit)
        if (filter.offset !== undefined) q.offset(filter.offset)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, requestFromRow))),
  })

export const layerRequestRepository = (knex: Knex): Layer.Layer<RequestRepository> =>
  Layer.succeed(RequestRepository, makeRequestRepository(knex))
