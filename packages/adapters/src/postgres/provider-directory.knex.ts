import {
  budgetWeek,
  creditsAccountId,
  haversineKm,
  type PartyId,
  ProviderDirectory,
  ProviderReach,
  type ProviderStats,
  providerScore,
  type RankedProvider,
  rankingWeights,
  recentLoadWindowMs,
  type ServiceRequest,
  type ShortlistOptions,
  type TimeWindow,
  unknownResponseRate,
  unratedRating,
} from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

const TABLE = "provider_reach"

interface ReachRow {
  readonly provider_id: string
  readonly base_lat: number | null
  readonly base_lng: number | null
  readonly radius_km: number | null
  readonly availability: unknown
  readonly max_open_assignments: number
}

const decodeReach = decodeRow(ProviderReach, TABLE)

const fromRow = (row: ReachRow) =>
  decodeReach(
    {
      providerId: row.provider_id,
      ...optional(
        "base",
        row.base_lat === null || row.base_lng === null || row.radius_km === null
          ? null
          : { point: { lat: row.base_lat, lng: row.base_lng }, radiusKm: row.radius_km },
      ),
      availability: row.availability,
      maxOpenAssignments: row.max_open_assignments,
    },
    row.provider_id,
  )

const toRow = (reach: ProviderReach) => ({
  provider_id: reach.providerId,
  base_lat: reach.base?.point.lat ?? null,
  base_lng: reach.base?.point.lng ?? null,
  radius_km: reach.base?.radiusKm ?? null,
  availability: toJson(reach.availability),
  max_open_assignments: reach.maxOpenAssignments,
})

/** Kilometres per degree of latitude on the sphere `haversineKm` uses, rounded down. */
const KM_PER_DEGREE_LAT = 111.19

/** The haversine of `haversineKm`, term for term, from the base (m) to the job (:lat, :lng). */
const DISTANCE_SQL = `2 * 6371.0088 * asin(least(1, sqrt(
    sin((:lat::float8 * pi() / 180 - m.base_lat * pi() / 180) / 2)
      * sin((:lat::float8 * pi() / 180 - m.base_lat * pi() / 180) / 2)
    + cos(m.base_lat * pi() / 180) * cos(:lat::float8 * pi() / 180)
      * sin((:lng::float8 * pi() / 180 - m.base_lng * pi() / 180) / 2)
      * sin((:lng::float8 * pi() / 180 - m.base_lng * pi() / 180) / 2))))`

interface ShortlistRow {
  readonly id: string
  readonly base_lat: number | null
  readonly base_lng: number | null
  readonly answered: number
  readonly lapsed: number
  readonly recent_load: number
}

/**
 * The shortlist as one statement over provider_matching (migration 0007), the row per
 * provider that triggers keep: eligible providers of the cohort offering the category
 * (GIN); the area covered by the profile's list or by base and radius (a latitude band
 * first, then the distance); availability; not offered this request before; under
 * capacity; within the weekly budget; ranked by `providerScore` term for term, ties by id.
 */
export const shortlistQuery = (
  request: ServiceRequest,
  options: ShortlistOptions,
  openWindows: ReadonlyArray<TimeWindow> | undefined,
): { readonly sql: string; readonly bindings: Record<string, unknown> } => {
  const point = request.mode === "in_person" ? request.location.point : undefined
  const budgetApplies = options.policy.model === "credits" && options.leadPriceCredits !== undefined

  // Area: virtual jobs happen anywhere; in person, a listed area or within the radius (a
  // latitude band first, then the distance).
  const radius = `m.base_lat between :lat::float8 - m.radius_km / ${KM_PER_DEGREE_LAT}
                                 and :lat::float8 + m.radius_km / ${KM_PER_DEGREE_LAT}
                  and ${DISTANCE_SQL} <= m.radius_km`
  const area =
    request.mode === "virtual"
      ? "true"
      : point === undefined
        ? "m.areas @> :area::jsonb"
        : `(m.areas @> :area::jsonb or (${radius}))`

  // Availability: no windows (always), else a published window that contains now (a
  // `now` request) or overlaps one of the request's windows not yet ended.
  const windowMatch =
    openWindows === undefined
      ? "(w.value ->> 'start')::bigint <= :now::bigint and :now::bigint < (w.value ->> 'end')::bigint"
      : `exists (select 1 from jsonb_array_elements(:windows::jsonb) as q
                  where (q.value ->> 0)::bigint < (w.value ->> 'end')::bigint
                    and (w.value ->> 'start')::bigint < (q.value ->> 1)::bigint)`

  const proximity =
    point === undefined
      ? "0.5"
      : `case when m.base_lat is null then 0.5 else 1 / (1 + greatest(0, ${DISTANCE_SQL}) / 10) end`

  // The budget is checked last, on the ranked rows as they stream out, so only the
  // providers near the top pay for the ledger lookup (offset 0 keeps Postgres from
  // pushing the check down into the ranking).
  const sql = `
    select r.id, r.base_lat, r.base_lng, r.answered, r.lapsed, r.recent_load
      from (
        select m.provider_id as id, m.base_lat, m.base_lng, m.answered, m.lapsed, l.recent_load
          from provider_matching m
          cross join lateral (
            select case when m.accepted = 0 then 0 else (
              select count(*)::int from offers o
               where o.provider_id = m.provider_id and o.state = 'accepted'
                 and o.decided_at > :recentSince and o.decided_at <= :nowAt) end as recent_load
          ) l
         where m.eligible and m.cohort = :cohort and m.categories @> :category::jsonb
           and ${area}
           and (m.windows is null
                or exists (select 1 from jsonb_array_elements(m.windows) as w where ${windowMatch}))
           and m.accepted < m.max_open
           and m.provider_id <> all (array(select o.provider_id from offers o
                                            where o.request_id = :requestId))
         order by ${rankingWeights.rating} * ${unratedRating} / 5
                + ${rankingWeights.responseRate}
                  * coalesce(m.answered::float8 / nullif(m.answered + m.lapsed, 0), ${unknownResponseRate})
                + ${rankingWeights.proximity} * ${proximity}
                + ${rankingWeights.load} * (1 / (1 + l.recent_load::float8)) desc,
                m.provider_id
        offset 0
      ) r
     ${
       budgetApplies
         ? `where (select ws.weekly_credit_budget is null
                     or (select coalesce(sum(t.amount), 0) from ledger_transfers t
                          where t.debit_account_id = :creditsPrefix || r.id
                            and t.reason = 'lead_unlock' and t.created_at >= :weekStart)
                        + :price <= ws.weekly_credit_budget
                   from wallet_settings ws where ws.party_id = r.id) is not false`
         : ""
     }
     limit :limit`
  return {
    sql,
    bindings: {
      cohort: request.cohort,
      category: toJson([request.category]),
      area: toJson([request.location.area]),
      lat: point?.lat ?? null,
      lng: point?.lng ?? null,
      now: options.now,
      windows: toJson((openWindows ?? []).map((w) => [w.start, w.end])),
      requestId: request.id,
      recentSince: toDate(options.now - recentLoadWindowMs),
      nowAt: toDate(options.now),
      weekStart: toDate(budgetWeek(options.now, options.policy.timeZone).start),
      price: options.leadPriceCredits ?? 0,
      creditsPrefix: creditsAccountId(""),
      limit: options.limit,
    },
  }
}

/** What the rows say of each provider's record, as `providerStats` would. */
const statsOf = (row: ShortlistRow): ProviderStats => {
  const closed = row.answered + row.lapsed
  return closed === 0
    ? { recentLoad: row.recent_load }
    : { responseRate: row.answered / closed, recentLoad: row.recent_load }
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Rows -> the ranking, with the distance and score recomputed by the core functions (the
 * database's sin and cos may round the last bit differently), re-sorted the pure way.
 */
const rankRows = (
  request: ServiceRequest,
  rows: ReadonlyArray<ShortlistRow>,
): ReadonlyArray<RankedProvider> => {
  const point = request.mode === "in_person" ? request.location.point : undefined
  return rows
    .map((row): RankedProvider => {
      const distance =
        point === undefined || row.base_lat === null || row.base_lng === null
          ? undefined
          : haversineKm({ lat: row.base_lat, lng: row.base_lng }, point)
      return {
        providerId: row.id as PartyId,
        score: providerScore(statsOf(row), distance),
        ...(distance === undefined ? {} : { distanceKm: distance }),
      }
    })
    .sort((a, b) => b.score - a.score || compareIds(a.providerId, b.providerId))
}

const rowsOf = <R>(result: { readonly rows: ReadonlyArray<R> }) => result.rows

export const makeProviderDirectory = (knex: Knex): ProviderDirectory["Service"] =>
  ProviderDirectory.of({
    putReach: (reach) =>
      query(knex, "providerReach.put", (db) =>
        db(TABLE).insert(toRow(reach)).onConflict("provider_id").merge(),
      ).pipe(Effect.asVoid),

    getReach: (providerId) =>
      query(knex, "providerReach.get", (db) =>
        db<ReachRow>(TABLE).select<Array<ReachRow>>("*").where({ provider_id: providerId }),
      ).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some),
        ),
      ),

    shortlist: (request, options) => {
      const wanted = request.availability
      const openWindows =
        wanted._tag === "now" ? undefined : wanted.windows.filter((w) => w.end > options.now)
      // Nobody is available for windows that have all ended, nor wanted for no places.
      if (options.limit <= 0 || openWindows?.length === 0) return Effect.succeed([])
      const { sql, bindings } = shortlistQuery(request, options, openWindows)
      return query(knex, "providerDirectory.shortlist", (db) =>
        db.raw<{ rows: Array<ShortlistRow> }>(sql, bindings as Knex.ValueDict),
      ).pipe(Effect.map((result) => rankRows(request, rowsOf(result))))
    },
  })

export const layerProviderDirectory = (knex: Knex): Layer.Layer<ProviderDirectory> =>
  Layer.succeed(ProviderDirectory, makeProviderDirectory(knex))
