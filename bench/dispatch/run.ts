// The dispatch benchmark (bench/README.md): `pnpm bench:dispatch [-- --providers 100000 ...]`.
// Starts its own PostgreSQL server, loads a market (providers over categories and areas,
// approved applications, reaches with bases and radii or windows, past offers, budgets
// and this week's lead spending), then times ProviderDirectory.shortlist, the knex
// adapter dispatch uses, for random requests. The last line is one JSON object. Nothing
// here asserts a timing.
import { availableParallelism } from "node:os"
import { parseArgs } from "node:util"
import {
  budgetWeek,
  creditsAccountId,
  creditsPreset,
  type Instant,
  type MarketplacePolicy,
  type PartyId,
  platformRevenueAccountId,
  type RequestId,
  type ServiceRequest,
} from "@fundi/core"
import { Effect } from "effect"
// The Postgres adapters directly: the bench times the ProviderDirectory adapter alone.
import {
  makeKnex,
  makeProviderDirectory,
  migrateLatest,
  shortlistQuery,
} from "../../packages/adapters/src/postgres/index.ts"
import { startTempServer, type TempServer } from "../ledger/postgres-server.ts"
import { percentile } from "../ledger/stats.ts"

type Knex = Parameters<typeof makeProviderDirectory>[0]

const { values: args } = parseArgs({
  options: {
    providers: { type: "string", default: "100000" },
    categories: { type: "string", default: "50" },
    areas: { type: "string", default: "500" },
    queries: { type: "string", default: "2000" },
    warmup: { type: "string", default: "200" },
    limit: { type: "string", default: "10" },
    seed: { type: "string", default: "42" },
    explain: { type: "boolean", default: false },
  },
})

/** An option's value as a whole number of at least `min`; anything else stops the run. */
const wholeNumber = (name: string, text: string, min = 1): number => {
  const n = Number(text)
  if (Number.isInteger(n) && n >= min) return n
  console.error(`--${name} must be a whole number >= ${min}, not "${text}"`)
  process.exit(2)
}
const providers = wholeNumber("providers", args.providers)
const categories = wholeNumber("categories", args.categories)
const areas = wholeNumber("areas", args.areas)
const queries = wholeNumber("queries", args.queries)
const warmup = wholeNumber("warmup", args.warmup, 0)
const limit = wholeNumber("limit", args.limit)
const seed = wholeNumber("seed", args.seed)

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** A fixed "now", so a seed gives the same market and the same requests. */
const NOW = Date.UTC(2026, 10, 18, 9, 30) as Instant
/** Past requests the load's offers are on; a share of the timed requests reuse them. */
const PAST_REQUESTS = 20_000

/** A seeded generator (xorshift32), so a run can be repeated. */
const generator = (start: number) => {
  let state = start >>> 0 || 1
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4_294_967_296
  }
  return {
    unit: next,
    below: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
  }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits))

const pad = (n: number, width: number) => String(n).padStart(width, "0")
const providerId = (i: number) => `pty_bench${pad(i, 15)}`
const categoryOf = (i: number) => `trade-${pad(i, 2)}`
const areaOf = (i: number) => `area-${pad(i, 3)}`
const pastRequestId = (i: number) => `req_past${pad(i, 16)}`

/** Areas on a grid around Johannesburg, about 4.5 km apart. */
const gridWidth = Math.ceil(Math.sqrt(areas))
const centreOf = (area: number) => ({
  lat: -26.2 + (Math.floor(area / gridWidth) - gridWidth / 2) * 0.04,
  lng: 28.05 + ((area % gridWidth) - gridWidth / 2) * 0.045,
})
/** An area near `area` on the grid (itself or a neighbour up to two cells away). */
const near = (rng: ReturnType<typeof generator>, area: number) => {
  const row = Math.floor(area / gridWidth) + rng.below(5) - 2
  const col = (area % gridWidth) + rng.below(5) - 2
  const cell = row * gridWidth + col
  return cell >= 0 && cell < areas && col >= 0 && col < gridWidth ? cell : area
}

const policy: MarketplacePolicy = creditsPreset

const insertAll = async (knex: Knex, table: string, rows: ReadonlyArray<object>) => {
  for (let i = 0; i < rows.length; i += 2000) {
    await knex(table).insert(rows.slice(i, i + 2000))
  }
}

interface Loaded {
  readonly offers: number
  readonly reaches: number
  readonly budgets: number
  readonly unlocks: number
  readonly seconds: number
}

/** The market, in multi-row inserts, then ANALYZE. */
const load = async (knex: Knex): Promise<Loaded> => {
  const started = performance.now()
  const rng = generator(seed)
  const at = new Date(NOW - 90 * DAY)
  const weekStart = budgetWeek(NOW, policy.timeZone).start
  const parties: Array<object> = []
  const applications: Array<object> = []
  const reaches: Array<object> = []
  const offers: Array<object> = []
  const budgets: Array<object> = []
  const accounts: Array<object> = []
  const transfers: Array<object> = []
  const offerStates = [
    ["accepted", undefined],
    ["declined", undefined],
    ["expired", "ttl"],
    ["expired", "hold"],
    ["expired", "withdrawn"],
    ["offered", undefined],
  ] as const
  for (let i = 0; i < providers; i++) {
    const id = providerId(i)
    const home = rng.below(areas)
    const trades = new Set<string>()
    const tradeCount = 1 + rng.below(3)
    while (trades.size < tradeCount) trades.add(categoryOf(rng.below(categories)))
    const served = new Set<string>([areaOf(home)])
    const areaCount = 1 + rng.below(5)
    for (let a = 1; a < areaCount; a++) served.add(areaOf(near(rng, home)))
    parties.push({
      id,
      kind: "provider",
      phone: `+2760${pad(i, 8)}`,
      cohort: rng.chance(0.05) ? "test" : "live",
      channel: "whatsapp",
      status: rng.chance(0.9) ? "active" : "inactive",
      profile: JSON.stringify({
        displayName: `Provider ${i}`,
        categories: [...trades],
        serviceAreas: [...served],
        documents: [],
      }),
      created_at: at,
      updated_at: at,
    })
    const approved = rng.chance(0.92)
    applications.push({
      id: `app_bench${pad(i, 15)}`,
      party_id: id,
      role: "provider",
      state: approved ? "approved" : "rejected",
      completeness: 80 + rng.below(21),
      created_at: at,
      submitted_at: at,
      decided_at: at,
      decided_by: "bench",
      rejection_reason: approved ? null : "documents unreadable",
      updated_at: at,
    })
    if (rng.chance(0.6)) {
      const centre = centreOf(home)
      const withBase = rng.chance(0.7)
      const windows = rng.chance(0.3)
        ? [0, 1, 2].map((d) => {
            const start = NOW - 2 * HOUR + d * DAY + rng.below(4) * HOUR
            return { start, end: start + (4 + rng.below(6)) * HOUR }
          })
        : undefined
      reaches.push({
        provider_id: id,
        base_lat: withBase ? centre.lat + (rng.unit() - 0.5) * 0.04 : null,
        base_lng: withBase ? centre.lng + (rng.unit() - 0.5) * 0.04 : null,
        radius_km: withBase ? 5 + rng.below(26) : null,
        availability: JSON.stringify(
          windows === undefined ? { _tag: "always" } : { _tag: "windows", windows },
        ),
        max_open_assignments: 2 + rng.below(5),
      })
    }
    // Past offers: the record (response rate, recent load) and open assignments.
    const offerCount = rng.below(5)
    for (let o = 0; o < offerCount; o++) {
      const [state, cause] = offerStates[rng.below(offerStates.length)]!
      const offeredAt = NOW - rng.below(30 * DAY)
      const decided = state === "offered" ? null : new Date(offeredAt + rng.below(2 * HOUR))
      offers.push({
        id: `ofr_bench${pad(offers.length, 15)}`,
        request_id: pastRequestId(rng.below(PAST_REQUESTS)),
        provider_id: id,
        state,
        offered_at: new Date(offeredAt),
        expires_at: new Date(offeredAt + 2 * HOUR),
        decided_at: decided,
        expiry_cause: cause ?? null,
        updated_at: decided ?? new Date(offeredAt),
      })
    }
    if (rng.chance(0.3)) {
      const budget = 10 + rng.below(60)
      budgets.push({ party_id: id, weekly_credit_budget: budget })
      accounts.push({
        id: creditsAccountId(id),
        kind: "provider_credits",
        unit: "CREDIT",
        no_overdraft: false,
        owner_party_id: id,
        created_at: at,
      })
      const unlocks = rng.below(4)
      for (let u = 0; u < unlocks; u++) {
        transfers.push({
          id: `bench-unlock-${i}-${u}`,
          debit_account_id: creditsAccountId(id),
          credit_account_id: platformRevenueAccountId("CREDIT"),
          amount: 4 + rng.below(12),
          unit: "CREDIT",
          reason: "lead_unlock",
          links: "{}",
          created_at: new Date(weekStart - DAY + rng.below(3 * DAY)),
        })
      }
    }
  }
  accounts.push({
    id: platformRevenueAccountId("CREDIT"),
    kind: "platform_revenue",
    unit: "CREDIT",
    no_overdraft: false,
    created_at: at,
  })
  // A bulk load skips the per-row triggers and rebuilds the matching rows once at the end.
  await knex.transaction(async (trx) => {
    await trx.raw("set local session_replication_role = replica")
    await insertAll(trx, "parties", parties)
    await insertAll(trx, "applications", applications)
    await insertAll(trx, "provider_reach", reaches)
    await insertAll(trx, "offers", offers)
    await insertAll(trx, "wallet_settings", budgets)
    await insertAll(trx, "ledger_accounts", accounts)
    await insertAll(trx, "ledger_transfers", transfers)
    await trx.raw("set local session_replication_role = origin")
    await trx.raw("select provider_matching_rebuild()")
  })
  // As autovacuum would have by now: the visibility map and the statistics.
  await knex.raw("vacuum analyze")
  return {
    offers: offers.length,
    reaches: reaches.length,
    budgets: budgets.length,
    unlocks: transfers.length,
    seconds: (performance.now() - started) / 1000,
  }
}

/** A random request: mostly in person with a point, now or windows, mostly live. */
const requests = (count: number): ReadonlyArray<ServiceRequest> => {
  const rng = generator(seed + 1)
  return Array.from({ length: count }, (_, i): ServiceRequest => {
    const area = rng.below(areas)
    const centre = centreOf(area)
    const kind = rng.unit()
    const mode = kind < 0.1 ? "virtual" : "in_person"
    const point =
      kind < 0.8
        ? {
            lat: centre.lat + (rng.unit() - 0.5) * 0.04,
            lng: centre.lng + (rng.unit() - 0.5) * 0.04,
          }
        : undefined
    const start = NOW + rng.below(48) * HOUR
    return {
      // Half reuse a past request's id, so its offers exclude their providers.
      id: (rng.chance(0.5)
        ? pastRequestId(rng.below(PAST_REQUESTS))
        : `req_bench${pad(i, 15)}`) as RequestId,
      customerId: "pty_benchcustomer0000000" as PartyId,
      category: categoryOf(rng.below(categories)),
      description: "bench",
      location: { area: areaOf(area), ...(point === undefined ? {} : { point }) },
      mode,
      urgency: "normal",
      availability: rng.chance(0.7)
        ? { _tag: "now" }
        : {
            _tag: "windows",
            windows: [{ start: start as Instant, end: (start + 3 * HOUR) as Instant }],
          },
      photos: [],
      channel: "whatsapp",
      cohort: rng.chance(0.95) ? "live" : "test",
      state: "dispatching",
      createdAt: NOW,
      updatedAt: NOW,
    }
  })
}

const measure = async (knex: Knex) => {
  const directory = makeProviderDirectory(knex)
  const all = requests(warmup + queries)
  const shortlistOf = (request: ServiceRequest) =>
    Effect.runPromise(
      directory.shortlist(request, { now: NOW, policy, leadPriceCredits: 5, limit }),
    )
  for (const request of all.slice(0, warmup)) await shortlistOf(request)
  const latencies: Array<number> = []
  const byKind = new Map<string, Array<number>>()
  let returned = 0
  let full = 0
  for (const request of all.slice(warmup)) {
    const started = performance.now()
    const ranked = await shortlistOf(request)
    const elapsed = performance.now() - started
    latencies.push(elapsed)
    const kind = `${request.mode}${request.location.point === undefined ? "" : " with a point"}`
    byKind.set(kind, [...(byKind.get(kind) ?? []), elapsed])
    returned += ranked.length
    if (ranked.length === limit) full++
  }
  latencies.sort((a, b) => a - b)
  for (const list of byKind.values()) list.sort((a, b) => a - b)
  return { latencies, byKind, meanReturned: returned / queries, fullShare: full / queries }
}

/** With --explain: the plan of one request of each kind, to see where time goes. */
const explain = async (knex: Knex) => {
  const sample = requests(200)
  const kinds = [
    sample.find((r) => r.mode === "in_person" && r.location.point && r.availability._tag === "now"),
    sample.find((r) => r.mode === "virtual"),
    sample.find((r) => r.mode === "in_person" && r.availability._tag === "windows"),
  ]
  for (const request of kinds) {
    if (request === undefined) continue
    const openWindows =
      request.availability._tag === "now" ? undefined : request.availability.windows
    const { sql, bindings } = shortlistQuery(
      request,
      { now: NOW, policy, leadPriceCredits: 5, limit },
      openWindows,
    )
    const plan = await knex.raw(`explain (analyze, buffers) ${sql}`, bindings as never)
    console.log(`-- ${request.mode}, ${request.availability._tag}`)
    for (const row of (plan as { rows: Array<Record<string, string>> }).rows) {
      console.log(Object.values(row)[0])
    }
  }
}

const main = async () => {
  const started = performance.now()
  let server: TempServer | undefined
  // Ctrl-C and kill still stop the server and delete its directory.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      server?.stop()
      process.exit(130)
    })
  }
  // The server keeps PostgreSQL's default (jit=on): the adapter turns JIT off for its own
  // sessions (makeKnex), as it does in production, so this measures what Fundi runs.
  server = await startTempServer({ maxConnections: 20 })
  try {
    console.log(`${server.version} on 127.0.0.1:${server.port} (fsync=off, as .ci/run runs it)`)
    console.log(
      `machine: ${availableParallelism()} CPUs; node ${process.version}; jit off per session`,
    )
    const db = makeKnex(server.url("postgres"), { pool: { min: 1, max: 2 } })
    try {
      await migrateLatest(db.knex)
      console.log(`loading ${providers} providers, ${categories} categories, ${areas} areas…`)
      const loaded = await load(db.knex)
      console.log(
        `  ${loaded.reaches} reaches, ${loaded.offers} past offers, ${loaded.budgets} budgets, ` +
          `${loaded.unlocks} unlocks this week; ${loaded.seconds.toFixed(1)} s with VACUUM ANALYZE`,
      )
      if (args.explain) await explain(db.knex)
      console.log(`timing ${queries} shortlists of ${limit} (after ${warmup} to warm up)…`)
      const { latencies, byKind, meanReturned, fullShare } = await measure(db.knex)
      const figures = {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      }
      console.log("")
      console.log("  shortlist latency (ms)")
      for (const [name, value] of Object.entries(figures)) {
        console.log(`  ${name.padEnd(5)} ${value.toFixed(3).padStart(9)}`)
      }
      console.log("")
      console.log("  by request kind      count    p50 ms    p99 ms")
      for (const [kind, list] of [...byKind].sort()) {
        console.log(
          `  ${kind.padEnd(20)} ${String(list.length).padStart(5)} ` +
            `${percentile(list, 50).toFixed(3).padStart(9)} ${percentile(list, 99).toFixed(3).padStart(9)}`,
        )
      }
      console.log(
        `  providers returned: ${meanReturned.toFixed(2)} on average, ` +
          `${(fullShare * 100).toFixed(0)}% of lists full; target p99 < 20 ms; ` +
          `run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
      )
      console.log(
        JSON.stringify({
          bench: "dispatch",
          providers,
          categories,
          areas,
          queries,
          limit,
          jit: "off",
          p50_ms: round(figures.p50, 3),
          p95_ms: round(figures.p95, 3),
          p99_ms: round(figures.p99, 3),
          max_ms: round(figures.max, 3),
          mean_returned: round(meanReturned, 2),
          reaches: loaded.reaches,
          past_offers: loaded.offers,
        }),
      )
    } finally {
      await db.close()
    }
  } finally {
    server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
