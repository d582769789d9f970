// The unlock benchmark (bench/README.md): `pnpm bench:unlock`. Starts its own PostgreSQL
// server, seeds a credits marketplace through the use cases, then N clients race to unlock
// and accept leads through unlockLead and acceptLead on the composition root's runtime;
// checks that no lead was assigned twice and that every unlock was paid exactly once,
// measures pgbench tpcb-like on the same server, and prints the figures; the last line is
// one JSON object. Nothing here asserts a timing.
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { availableParallelism, tmpdir } from "node:os"
import path from "node:path"
import { parseArgs } from "node:util"
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads"
import {
  acceptLead,
  approveTopUp,
  checkLedger,
  createTopUp,
  dispatchRequest,
  type LedgerCheckReport,
  type MarketplacePolicy,
  markReady,
  previewLead,
  submitRequest,
  submitTopUpProof,
  unlockLead,
} from "@fundi/core"
import { Cause, Effect, Exit } from "effect"
import { type Fundi, loadConfig, openFundi } from "../../packages/adapters/src/index.ts"
import { makeKnex } from "../../packages/adapters/src/postgres/index.ts"
// The offer tests' market: a homeowner, and providers whose approval is written straight
// to the repositories (vetting has its own journeys and is not what this measures).
import {
  geyserLeak,
  homeowner,
  vettedProvider,
} from "../../packages/core/src/dispatch/testing/offer-fixtures.ts"
import { runPgbench } from "../ledger/pgbench.ts"
import { startTempServer, type TempServer } from "../ledger/postgres-server.ts"

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: process.env.BENCH_CLIENTS ?? "64" },
    leads: { type: "string", default: process.env.BENCH_LEADS ?? "1000" },
    seconds: { type: "string", default: process.env.BENCH_SECONDS ?? "20" },
    categories: { type: "string", default: "16" },
    profile: { type: "boolean", default: process.env.BENCH_PROFILE === "1" },
    // A V8 CPU profile of this process during the race only (seeding and pgbench left out),
    // for Chrome DevTools or `bench/unlock/top-self-time.ts`.
    "cpu-prof": { type: "string" },
    "no-pgbench": { type: "boolean", default: false },
    workers: { type: "string", default: process.env.BENCH_WORKERS ?? "1" },
  },
})

/** An option's value as a whole number of at least `min`; anything else stops the run. */
const wholeNumber = (name: string, text: string, min = 1): number => {
  const n = Number(text)
  if (Number.isInteger(n) && n >= min) return n
  console.error(`--${name} must be a whole number >= ${min}, not "${text}"`)
  process.exit(2)
}
const clients = wholeNumber("clients", args.clients)
const leads = wholeNumber("leads", args.leads)
const seconds = wholeNumber("seconds", args.seconds)
const categories = wholeNumber("categories", args.categories)
const workers = Math.min(wholeNumber("workers", args.workers), clients)
const profile = args.profile
const cpuProfilePath = args["cpu-prof"]

/**
 * The credits preset as shipped: each lead is broadcast to 5 providers and up to 3 may
 * hold it (unlock) at once, so unlocks race for the cap and accepts race for the lead.
 */
const policyName = "credits"
/** Enough that no wallet runs dry: a provider sees about leads / categories leads. */
const TOP_UP_CREDITS = 1_000
const SEED_CONCURRENCY = 16

/** Refusals the rules give when providers race: counted, not errors. */
const expectedLosses: Readonly<Record<"unlock" | "accept", ReadonlyArray<string>>> = {
  // Another provider accepted first (the offer was withdrawn, or the request is assigned),
  // the cap of holders is reached, or the wallet ran dry.
  unlock: [
    "RequestNotDispatching",
    "OfferTransitionNotAllowed",
    "UnlockCapReached",
    "InsufficientFunds",
  ],
  // Another holder accepted first: the gate refuses, or our offer was withdrawn meanwhile.
  accept: ["LeadAlreadyAssigned", "RequestNotDispatching", "OfferTransitionNotAllowed"],
}
/** After these, the lead has gone to someone: no client picks it again. */
const leadGone = ["LeadAlreadyAssigned", "RequestNotDispatching"]

/** How a use case failed: its error's tag, or Defect; and the cause, to show once. */
const failureOf = (
  exit: Exit.Exit<unknown, { readonly _tag: string }>,
): { readonly tag: string; readonly cause: Cause.Cause<unknown> } | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  return { tag: error._tag === "Some" ? error.value._tag : "Defect", cause: exit.cause }
}

const violationsIn = (report: LedgerCheckReport): number =>
  report.unbalancedUnits.length +
  report.overdrawn.length +
  report.driftedBalances.length +
  report.malformedTransfers.length

const round = (n: number, digits: number) => Number(n.toFixed(digits))

interface OfferRef {
  readonly offerId: string
  readonly providerId: string
}

/** A lead as the clients see it: the offers nobody has tried yet. */
interface Lead {
  readonly requestId: string
  readonly untried: Array<OfferRef>
  /** Its place in `open`, or -1 once no client should pick it. */
  slot: number
}

/**
 * The leads still worth trying. Each offer is tried once, by one client, as its provider
 * would: a provider does not race itself.
 */
const openLeads = (all: ReadonlyArray<Lead>) => {
  const open = [...all]
  open.forEach((lead, i) => {
    lead.slot = i
  })
  const close = (lead: Lead) => {
    if (lead.slot < 0) return
    const last = open.pop()!
    if (last !== lead) {
      open[lead.slot] = last
      last.slot = lead.slot
    }
    lead.slot = -1
  }
  const pick = (): { readonly lead: Lead; readonly offer: OfferRef } | undefined => {
    const lead = open[Math.floor(Math.random() * open.length)]
    if (lead === undefined) return undefined
    const [offer] = lead.untried.splice(Math.floor(Math.random() * lead.untried.length), 1)
    if (lead.untried.length === 0) close(lead)
    return { lead, offer: offer! }
  }
  return { pick, close, remaining: () => open.length }
}

interface RaceFigures {
  readonly seconds: number
  readonly unlocks: number
  readonly accepts: number
  readonly errorsByTag: Record<string, number>
  readonly unexpected: number
}

interface Checks {
  readonly doubleAssignments: number
  /** Each kind of breach found after the run, by name, with how many. */
  readonly breaches: Record<string, number>
}

const count = async (db: ReturnType<typeof makeKnex>, sql: string): Promise<number> => {
  const result = await db.knex.raw<{ rows: Array<{ n: string | number }> }>(sql)
  return Number(result.rows[0]?.n ?? 0)
}

/** What the database says after the race: assignments, and unlocks against their debits. */
const checkDatabase = async (server: TempServer, figures: RaceFigures): Promise<Checks> => {
  const db = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
  try {
    const doubleAssignments = await count(
      db,
      `select count(*) as n from (select request_id from offers where state = 'accepted'
         group by request_id having count(*) > 1) doubled`,
    )
    const breaches: Record<string, number> = {
      // The request names the provider whose offer was accepted, and only assigned ones do.
      "assigned request without its accepted offer": await count(
        db,
        `select count(*) as n from service_requests r where r.state = 'assigned' and not exists
           (select 1 from offers o where o.request_id = r.id and o.state = 'accepted'
              and o.provider_id = r.assigned_provider_id)`,
      ),
      "accepted offer on a request not assigned to it": await count(
        db,
        `select count(*) as n from offers o join service_requests r on r.id = o.request_id
           where o.state = 'accepted'
             and (r.state <> 'assigned' or r.assigned_provider_id is distinct from o.provider_id)`,
      ),
      // Every unlocked offer (even one withdrawn later) was paid for by exactly one debit of
      // its price from its provider's wallet; the transfer id makes "more than one" impossible.
      "unlocked offer without its debit": await count(
        db,
        `select count(*) as n from offers o
           left join ledger_transfers t on t.id = 'lead-unlock:' || o.id
           left join ledger_accounts a on a.id = t.debit_account_id
           where o.unlocked_at is not null and (t.id is null or t.reason <> 'lead_unlock'
             or t.amount <> o.credits_charged or a.owner_party_id is distinct from o.provider_id)`,
      ),
      "unlock debit without an unlocked offer": await count(
        db,
        `select count(*) as n from ledger_transfers t
           left join offers o on t.id = 'lead-unlock:' || o.id
           where t.reason = 'lead_unlock' and (o.id is null or o.unlocked_at is null)`,
      ),
      // A use case that returned success committed; one that failed did not.
      "unlocks counted vs stored": Math.abs(
        figures.unlocks -
          (await count(db, "select count(*) as n from offers where unlocked_at is not null")),
      ),
      "accepts counted vs stored": Math.abs(
        figures.accepts -
          (await count(db, "select count(*) as n from offers where state = 'accepted'")),
      ),
    }
    return { doubleAssignments, breaches }
  } finally {
    await db.close()
  }
}

/** With --profile: the statements that took the server's time during the race. */
const printProfile = async (server: TempServer, attempts: number) => {
  const db = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
  try {
    const result = await db.knex.raw<{
      rows: Array<{ query: string; calls: string; total_ms: number; mean_ms: number }>
    }>(
      `select regexp_replace(query, '\\s+', ' ', 'g') as query, calls,
              total_exec_time as total_ms, mean_exec_time as mean_ms
         from pg_stat_statements where query not like '%pg_stat_statements%'
         order by total_exec_time desc`,
    )
    const calls = result.rows.reduce((sum, row) => sum + Number(row.calls), 0)
    const serverMs = result.rows.reduce((sum, row) => sum + row.total_ms, 0)
    console.log(
      `profile: ${calls} statements (${(calls / Math.max(1, attempts)).toFixed(1)} per use-case ` +
        `call), ${serverMs.toFixed(0)} ms of server execution; the top 15 by total time:`,
    )
    for (const row of result.rows.slice(0, 15)) {
      console.log(
        `  ${row.total_ms.toFixed(0).padStart(6)} ms ${String(row.calls).padStart(7)} calls ` +
          `${row.mean_ms.toFixed(3).padStart(7)} ms  ${row.query.slice(0, 110)}`,
      )
    }
  } finally {
    await db.close()
  }
}

/** Starts V8's sampling profiler in this process; `stop` writes the .cpuprofile file. */
const startCpuProfile = async () => {
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.start")
  return {
    stop: async (file: string) => {
      const { profile } = await session.post("Profiler.stop")
      writeFileSync(file, JSON.stringify(profile))
      session.disconnect()
    },
  }
}

/** pgbench tpcb-like on the same server, same clients and seconds as the race. */
const measurePgbench = async (server: TempServer): Promise<number> => {
  const admin = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
  try {
    await admin.knex.raw("create database pgbench")
  } finally {
    await admin.close()
  }
  console.log(`pgbench: tpcb-like, scale 1, ${clients} clients, 2 threads, ${seconds} s…`)
  const tps = await runPgbench({
    bin: server.bin,
    port: server.port,
    database: "pgbench",
    clients,
    threads: 2,
    seconds,
  })
  console.log(`  ${tps.toFixed(0)} tps`)
  return tps
}

const trade = (i: number) => `trade-${String(i % categories).padStart(2, "0")}`

/**
 * The market, all through the use cases: providers approved by the offer tests' fixture
 * (vetting has its own journeys) and funded by a real top-up (proof, then ops approval,
 * into the ledger); each request submitted, marked ready and dispatched, so the credits
 * policy offers it to the 5 providers of its trade; every offer previewed, as unlocking
 * requires. With a trade per `i % categories`, each trade has exactly broadcastSize
 * providers, so every provider gets about leads / categories leads.
 */
const seedMarket = (policy: MarketplacePolicy) =>
  Effect.gen(function* () {
    const customer = yield* homeowner()
    const providers = categories * policy.dispatch.broadcastSize
    yield* Effect.forEach(
      Array.from({ length: providers }, (_, i) => i),
      (i) =>
        Effect.gen(function* () {
          const provider = yield* vettedProvider(i + 1, { categories: [trade(i)] })
          const topUp = yield* createTopUp({
            partyId: provider.id,
            credits: TOP_UP_CREDITS,
            method: "eft_proof",
          })
          yield* submitTopUpProof({
            topUpId: topUp.id,
            partyId: provider.id,
            bytes: new TextEncoder().encode(`%PDF-1.4\n% proof ${i}\n%%EOF\n`),
          })
          yield* approveTopUp({
            topUpId: topUp.id,
            operator: "bench",
            reason: "payment seen on the bank statement",
          })
        }),
      { concurrency: SEED_CONCURRENCY, discard: true },
    )
    return yield* Effect.forEach(
      Array.from({ length: leads }, (_, i) => i),
      (i) =>
        Effect.gen(function* () {
          const submitted = yield* submitRequest({
            ...geyserLeak,
            category: trade(i),
            customerId: customer.id,
          })
          const ready = yield* markReady({ requestId: submitted.id, operator: "bench" })
          const step = yield* dispatchRequest({ requestId: ready.id })
          const offered = step.offered.map((o) => ({ offerId: o.id, providerId: o.providerId }))
          if (offered.length !== policy.dispatch.broadcastSize) {
            // The figures would describe another race than the README says.
            return yield* Effect.die(
              `request ${ready.id} was offered to ${offered.length} providers, not ${policy.dispatch.broadcastSize}`,
            )
          }
          for (const offer of offered) yield* previewLead(offer)
          const lead: Lead = { requestId: submitted.id, untried: offered, slot: -1 }
          return lead
        }),
      { concurrency: SEED_CONCURRENCY },
    )
  })

/** What one group of clients (this thread, or one worker) did in the race. */
interface GroupFigures {
  readonly unlocks: number
  readonly accepts: number
  readonly errorsByTag: Record<string, number>
  readonly unexpected: number
  readonly leftOpen: number
  /** Commits (unlocks and accepts) per whole second of the race, from its start. */
  readonly perSecond: ReadonlyArray<number>
}

/**
 * `count` clients, each picking a random open lead of `all` and one of its untried offers,
 * unlock then accept it as that provider, until `deadline` (epoch ms, so that worker
 * threads share it) or the leads run out. Counts what committed and every refusal by use
 * case and tag.
 */
const raceGroup = async (
  fundi: Fundi,
  all: ReadonlyArray<Lead>,
  count: number,
  deadline: number,
): Promise<GroupFigures> => {
  const { pick, close, remaining } = openLeads(all)
  const errorsByTag: Record<string, number> = {}
  let unlocks = 0
  let accepts = 0
  let unexpected = 0
  // When the commits happen: the race ends with many clients on the last few leads.
  const started = Date.now()
  const perSecond: Array<number> = []
  const tick = () => {
    const second = Math.floor((Date.now() - started) / 1000)
    perSecond[second] = (perSecond[second] ?? 0) + 1
  }
  const lose = (
    stage: "unlock" | "accept",
    { tag, cause }: NonNullable<ReturnType<typeof failureOf>>,
    lead: Lead,
  ) => {
    const key = `${stage}:${tag}`
    errorsByTag[key] = (errorsByTag[key] ?? 0) + 1
    if (!expectedLosses[stage].includes(tag)) {
      // The first of each kind is shown: it is a bug to find, not a figure.
      if (errorsByTag[key] === 1) {
        console.error(`unexpected ${key}: ${Cause.pretty(cause).slice(0, 2000)}`)
      }
      unexpected++
    }
    if (leadGone.includes(tag)) close(lead)
  }
  const client = Effect.gen(function* () {
    while (Date.now() < deadline) {
      const picked = pick()
      if (picked === undefined) return
      const input = { offerId: picked.offer.offerId, providerId: picked.offer.providerId }
      const unlocked = failureOf(yield* Effect.exit(unlockLead(input)))
      if (unlocked !== undefined) {
        lose("unlock", unlocked, picked.lead)
        continue
      }
      unlocks++
      tick()
      const accepted = failureOf(yield* Effect.exit(acceptLead(input)))
      if (accepted !== undefined) {
        lose("accept", accepted, picked.lead)
        continue
      }
      accepts++
      tick()
      close(picked.lead)
    }
  })
  await fundi.runtime.runPromise(
    Effect.all(
      Array.from({ length: count }, () => client),
      { concurrency: "unbounded", discard: true },
    ),
  )
  return { unlocks, accepts, errorsByTag, unexpected, leftOpen: remaining(), perSecond }
}

/** What a worker thread needs to open Fundi on the bench's database and race its leads. */
interface WorkerTask {
  readonly env: Record<string, string>
  readonly leads: ReadonlyArray<Lead>
  readonly clients: number
  readonly deadline: number
}

/** A worker thread: its own runtime and pool, its share of the clients and of the leads. */
const workerMain = async (task: WorkerTask) => {
  const fundi = await openFundi(loadConfig(task.env), {
    poolMax: task.clients + 4,
    migrate: false,
    command: "bench:unlock",
  })
  try {
    parentPort?.postMessage(await raceGroup(fundi, task.leads, task.clients, task.deadline))
  } finally {
    await fundi.close()
  }
}

/**
 * The race: every client in this thread, or (--workers N) split over N worker threads,
 * each with its own runtime and connection pool, and its own share of the leads (a lead
 * is raced by the clients of one thread only).
 */
const race = async (
  fundi: Fundi,
  all: ReadonlyArray<Lead>,
  env: Record<string, string>,
): Promise<RaceFigures> => {
  console.log(
    `race: ${clients} clients${workers > 1 ? ` in ${workers} worker threads` : ""} unlock ` +
      `then accept for up to ${seconds} s…`,
  )
  const profiler = cpuProfilePath === undefined ? undefined : await startCpuProfile()
  const cpuBefore = process.cpuUsage()
  const begun = performance.now()
  const deadline = Date.now() + seconds * 1000
  const groups =
    workers === 1
      ? [await raceGroup(fundi, all, clients, deadline)]
      : await Promise.all(
          Array.from({ length: workers }, (_, w) => {
            const task: WorkerTask = {
              env,
              leads: all.filter((_, i) => i % workers === w),
              clients: Math.floor(clients / workers) + (w < clients % workers ? 1 : 0),
              deadline,
            }
            return new Promise<GroupFigures>((resolve, reject) => {
              const worker = new Worker(new URL(import.meta.url), { workerData: task })
              worker.once("message", resolve)
              worker.once("error", reject)
              worker.once("exit", (code) => {
                if (code !== 0) reject(new Error(`worker ${w} exited with ${code}`))
              })
            })
          }),
        )
  const elapsed = (performance.now() - begun) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  if (profiler !== undefined && cpuProfilePath !== undefined) {
    await profiler.stop(cpuProfilePath)
    console.log(`  CPU profile of the race (main thread) written to ${cpuProfilePath}`)
  }
  const sum = (f: (g: GroupFigures) => number) => groups.reduce((n, g) => n + f(g), 0)
  const errorsByTag: Record<string, number> = {}
  for (const group of groups) {
    for (const [tag, n] of Object.entries(group.errorsByTag)) {
      errorsByTag[tag] = (errorsByTag[tag] ?? 0) + n
    }
  }
  const unlocks = sum((g) => g.unlocks)
  const accepts = sum((g) => g.accepts)
  const timeline = Array.from(
    { length: Math.max(...groups.map((g) => g.perSecond.length)) },
    (_, i) => sum((g) => g.perSecond[i] ?? 0),
  )
  // process.cpuUsage counts every thread of the process.
  const cpuShare = (cpu.user + cpu.system) / 1e6 / elapsed
  console.log(
    `  ${unlocks} unlocks + ${accepts} accepts committed in ${elapsed.toFixed(2)} s ` +
      `(${((unlocks + accepts) / elapsed).toFixed(0)} commits/s); ${sum((g) => g.leftOpen)} ` +
      `leads left open; this process used ${(cpuShare * 100).toFixed(0)}% of a CPU`,
  )
  console.log(`  commits in each second of the race: ${timeline.join(" ")}`)
  return { seconds: elapsed, unlocks, accepts, errorsByTag, unexpected: sum((g) => g.unexpected) }
}

const main = async () => {
  const started = performance.now()
  let server: TempServer | undefined
  const filesDir = mkdtempSync(path.join(tmpdir(), "fundi-bench-files-"))
  const cleanUp = () => {
    server?.stop()
    rmSync(filesDir, { recursive: true, force: true })
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cleanUp()
      process.exit(130)
    })
  }
  server = await startTempServer({
    // Each worker's pool holds up to its clients + 4, the main runtime's up to clients + 4.
    maxConnections: clients + 20 + (workers > 1 ? clients + 4 * workers : 0),
    settings: profile
      ? ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_utility=on"]
      : [],
  })
  try {
    console.log(`${server.version} on 127.0.0.1:${server.port} (fsync=off, as .ci/run runs it)`)
    console.log(`machine: ${availableParallelism()} CPUs; node ${process.version}`)
    const env = {
      FUNDI_DATABASE_URL: server.url("postgres"),
      FUNDI_POLICY: policyName,
      FUNDI_FILES_DIR: filesDir,
      FUNDI_LINK_SECRET: randomBytes(32).toString("hex"),
    }
    const config = loadConfig(env)
    const policy = config.policy
    const broadcastSize = policy.dispatch.broadcastSize
    const providers = categories * broadcastSize
    const fundi = await openFundi(config, { poolMax: clients + 4, command: "bench:unlock" })
    let raced: RaceFigures
    let ledgerViolations = 0
    try {
      const seedBegun = performance.now()
      const all = await fundi.runtime.runPromise(seedMarket(policy))
      const offers = all.reduce((sum, lead) => sum + lead.untried.length, 0)
      console.log(
        `seeded in ${((performance.now() - seedBegun) / 1000).toFixed(1)} s: ${providers} ` +
          `providers in ${categories} trades with ${TOP_UP_CREDITS} credits each (top-up ` +
          `approved); ${leads} leads offered to ${offers} providers, all previewed; policy ` +
          `"${policyName}": broadcast to ${broadcastSize}, ` +
          `${policy.credits.unlocksPerLead} unlocks per lead`,
      )

      if (profile) {
        const admin = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
        try {
          await admin.knex.raw("create extension if not exists pg_stat_statements")
          await admin.knex.raw("select pg_stat_statements_reset()")
        } finally {
          await admin.close()
        }
      }

      raced = await race(fundi, all, env)
      const { unlocks, accepts, errorsByTag } = raced
      for (const [tag, n] of Object.entries(errorsByTag).sort()) {
        console.log(`  ${String(n).padStart(6)}  ${tag}`)
      }
      const losses = Object.values(errorsByTag).reduce((a, b) => a + b, 0)
      if (profile) await printProfile(server, unlocks + accepts + losses)
      // What `fundi ops ledger check` runs: every invariant, recomputed from the transfers.
      const report = await fundi.runtime.runPromise(checkLedger())
      ledgerViolations = violationsIn(report)
      console.log(
        `ledger check: ${report.ok ? "ok" : "FAILED"}, ${ledgerViolations} violations over ` +
          `${report.accounts} accounts and ${report.transfers} transfers`,
      )
      if (!report.ok) {
        console.log(JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? `${v}` : v), 2))
      }
    } finally {
      await fundi.close()
    }

    const checks = await checkDatabase(server, raced)
    const breaches = Object.values(checks.breaches).reduce((a, b) => a + b, 0)
    const violations = raced.unexpected + ledgerViolations + breaches
    console.log(`double assignments: ${checks.doubleAssignments}`)
    for (const [name, n] of Object.entries(checks.breaches)) console.log(`  ${n}  ${name}`)

    // --no-pgbench (profiling runs) leaves the ratio out: NaN, printed as null in the JSON.
    const pgbenchTps = args["no-pgbench"] ? Number.NaN : await measurePgbench(server)
    const commitsPerSecond = (raced.unlocks + raced.accepts) / raced.seconds
    const ratio = commitsPerSecond / pgbenchTps
    const table: ReadonlyArray<readonly [string, string]> = [
      ["clients", `${clients}`],
      ["leads", `${leads}`],
      ["race", `${raced.seconds.toFixed(2)} s`],
      ["unlocks + accepts", `${raced.unlocks} + ${raced.accepts}`],
      ["commits/s", commitsPerSecond.toFixed(1)],
      ["pgbench tps", pgbenchTps.toFixed(1)],
      ["ratio (target >= 0.5)", ratio.toFixed(3)],
      ["double assignments", `${checks.doubleAssignments}`],
      ["violations", `${violations}`],
      ["whole run", `${((performance.now() - started) / 1000).toFixed(0)} s`],
    ]
    for (const [name, value] of table) console.log(`  ${name.padEnd(22)} ${value.padStart(12)}`)
    console.log(
      JSON.stringify({
        bench: "unlock",
        clients,
        leads,
        duration_s: round(raced.seconds, 2),
        unlocks: raced.unlocks,
        accepts: raced.accepts,
        commits_per_s: round(commitsPerSecond, 1),
        pgbench_tps: round(pgbenchTps, 1),
        ratio: round(ratio, 3),
        double_assignments: checks.doubleAssignments,
        violations,
        errors_by_tag: raced.errorsByTag,
      }),
    )
    // Not a timing assertion: a lead assigned twice or money out of step fails the run.
    process.exitCode = checks.doubleAssignments === 0 && violations === 0 ? 0 : 1
  } finally {
    cleanUp()
  }
}

const run = isMainThread ? main() : workerMain(workerData as WorkerTask)
run.catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
