// The ledger benchmark (bench/README.md): `pnpm bench:ledger [-- --clients 16 ...]`.
// Starts its own PostgreSQL server, measures Ledger.transfer from N concurrent clients,
// checks every invariant, measures pgbench tpcb-like on the same server, and prints the
// figures; the last line is one JSON object. Nothing here asserts a timing.
import { availableParallelism } from "node:os"
import { parseArgs } from "node:util"
import {
  type Amount,
  creditIssuanceAccount,
  creditsAccount,
  type Instant,
  Ledger,
  type LedgerCheckReport,
  Transactions,
  type TransferRequest,
} from "@fundi/core"
import { Effect, ManagedRuntime } from "effect"
// The Postgres adapters directly (the package's public entry is the composition root):
// the bench sizes the pool to its clients and times the Ledger adapter alone.
import { layerKnex, makeKnex, migrateLatest } from "../../packages/adapters/src/postgres/index.ts"
import { runPgbench } from "./pgbench.ts"
import { startTempServer, type TempServer } from "./postgres-server.ts"
import { percentile } from "./stats.ts"

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    wallets: { type: "string", default: "64" },
    transfers: { type: "string", default: "20000" },
    warmup: { type: "string", default: "1000" },
    "pgbench-seconds": { type: "string", default: "20" },
    seed: { type: "string", default: "42" },
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
// Transfers go between two different wallets.
const wallets = wholeNumber("wallets", args.wallets, 2)
const transfers = wholeNumber("transfers", args.transfers)
const warmup = wholeNumber("warmup", args.warmup, 0)
const pgbenchSeconds = wholeNumber("pgbench-seconds", args["pgbench-seconds"])
const seed = wholeNumber("seed", args.seed)

/** Every wallet starts with this many credits: enough that few transfers are refused. */
const GRANT = 100_000n
const MAX_AMOUNT = 100

/** A seeded generator (xorshift32), so a run's transfers can be repeated. */
const generator = (start: number) => {
  let state = start >>> 0 || 1
  return (below: number): number => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) % below
  }
}

const violationsIn = (report: LedgerCheckReport): number =>
  report.unbalancedUnits.length +
  report.overdrawn.length +
  report.driftedBalances.length +
  report.malformedTransfers.length

const round = (n: number, digits: number) => Number(n.toFixed(digits))

interface LedgerFigures {
  readonly transfersPerSecond: number
  readonly p50: number
  readonly p99: number
  readonly violations: number
}

/**
 * Migrates, opens M wallets funded by grants, then N clients make the transfers through
 * the Ledger adapter, then check(). Its pool is closed when it returns, so pgbench runs
 * alone on the server.
 */
const measureLedger = async (server: TempServer): Promise<LedgerFigures> => {
  const db = makeKnex(server.url("postgres"), { pool: { min: clients, max: clients } })
  const runtime = ManagedRuntime.make(layerKnex(db.knex))
  try {
    await migrateLatest(db.knex)
    const now = () => Date.now() as Instant
    const issuance = creditIssuanceAccount(now())
    const accounts = Array.from({ length: wallets }, (_, i) =>
      creditsAccount(`pty_bench${String(i).padStart(15, "0")}`, now()),
    )

    await runtime.runPromise(
      Effect.gen(function* () {
        const ledger = yield* Ledger
        yield* ledger.openAccount(issuance)
        for (const account of accounts) {
          yield* ledger.openAccount(account)
          yield* ledger.transfer(
            {
              id: `grant:${account.id}`,
              debitAccountId: issuance.id,
              creditAccountId: account.id,
              amount: GRANT as Amount,
              unit: "CREDIT",
              reason: "grant",
              memo: "benchmark funding",
              links: {},
            },
            now(),
          )
        }
      }),
    )

    const random = generator(seed)
    const requestFor = (label: string, i: number): TransferRequest => {
      const from = random(wallets)
      const to = (from + 1 + random(wallets - 1)) % wallets
      return {
        id: `bench:${label}:${i}`,
        debitAccountId: accounts[from]!.id,
        creditAccountId: accounts[to]!.id,
        amount: BigInt(1 + random(MAX_AMOUNT)) as Amount,
        unit: "CREDIT",
        reason: "lead_unlock",
        links: { leadId: `led_bench${i}` },
      }
    }

    /**
     * N clients take the next transfer until `count` are done; each transfer runs in its
     * own Transactions.run, as a use case would. Latency is per transfer, seen by its client.
     */
    const phase = (label: string, count: number) =>
      Effect.gen(function* () {
        const ledger = yield* Ledger
        const tx = yield* Transactions
        const requests = Array.from({ length: count }, (_, i) => requestFor(label, i))
        const latencies = new Array<number>(count)
        let next = 0
        let refused = 0
        const client = Effect.gen(function* () {
          for (let i = next++; i < count; i = next++) {
            const begun = performance.now()
            const outcome = yield* Effect.result(tx.run(ledger.transfer(requests[i]!, now())))
            latencies[i] = performance.now() - begun
            if (outcome._tag === "Failure") {
              // A wallet that ran dry refuses: a correct answer, counted, not an error.
              if (outcome.failure._tag === "InsufficientFunds") refused++
              else return yield* Effect.fail(outcome.failure)
            }
          }
        })
        const begun = performance.now()
        yield* Effect.all(
          Array.from({ length: clients }, () => client),
          { concurrency: "unbounded", discard: true },
        )
        const seconds = (performance.now() - begun) / 1000
        return { seconds, refused, latencies: latencies.sort((a, b) => a - b) }
      })

    if (warmup > 0) await runtime.runPromise(phase("warmup", warmup))
    console.log(`ledger: ${transfers} transfers among ${wallets} wallets from ${clients} clients…`)
    const cpuBefore = process.cpuUsage()
    const measured = await runtime.runPromise(phase("measured", transfers))
    const cpu = process.cpuUsage(cpuBefore)
    const transfersPerSecond = transfers / measured.seconds
    const p50 = percentile(measured.latencies, 50)
    const p99 = percentile(measured.latencies, 99)
    console.log(
      `  ${transfersPerSecond.toFixed(0)} transfers/s over ${measured.seconds.toFixed(2)} s; ` +
        `latency p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; ` +
        `${measured.refused} refused for insufficient funds; this process used ` +
        `${(((cpu.user + cpu.system) / 1e6 / measured.seconds) * 100).toFixed(0)}% of a CPU`,
    )

    // What `fundi ops ledger check` runs: every invariant, recomputed from the transfers.
    const checkBegun = performance.now()
    const report = await runtime.runPromise(
      Effect.flatMap(Effect.service(Ledger), (ledger) => ledger.check()),
    )
    const violations = violationsIn(report)
    console.log(
      `ledger check: ${report.ok ? "ok" : "FAILED"}, ${violations} violations over ` +
        `${report.accounts} accounts and ${report.transfers} transfers ` +
        `(${(performance.now() - checkBegun).toFixed(0)} ms)`,
    )
    if (!report.ok) {
      console.log(JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? `${v}` : v), 2))
    }
    return { transfersPerSecond, p50, p99, violations }
  } finally {
    await runtime.dispose()
    await db.close()
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
  server = await startTempServer({ maxConnections: clients + 10 })
  try {
    console.log(`${server.version} on 127.0.0.1:${server.port} (fsync=off, as .ci/run runs it)`)
    console.log(`machine: ${availableParallelism()} CPUs; node ${process.version}`)
    const ledger = await measureLedger(server)

    const admin = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
    try {
      await admin.knex.raw("create database pgbench")
    } finally {
      await admin.close()
    }
    console.log(`pgbench: tpcb-like, scale 1, ${clients} clients, 2 threads, ${pgbenchSeconds} s…`)
    const pgbenchTps = await runPgbench({
      bin: server.bin,
      port: server.port,
      database: "pgbench",
      clients,
      threads: 2,
      seconds: pgbenchSeconds,
    })
    const ratio = ledger.transfersPerSecond / pgbenchTps
    console.log(`  ${pgbenchTps.toFixed(0)} tps`)
    console.log(
      `ratio ledger/pgbench: ${ratio.toFixed(2)} (target >= 0.5); ` +
        `run took ${((performance.now() - started) / 1000).toFixed(0)} s`,
    )
    console.log(
      JSON.stringify({
        bench: "ledger",
        transfers_per_s: round(ledger.transfersPerSecond, 1),
        p50_ms: round(ledger.p50, 3),
        p99_ms: round(ledger.p99, 3),
        pgbench_tps: round(pgbenchTps, 1),
        ratio: round(ratio, 3),
        violations: ledger.violations,
        clients,
        transfers,
      }),
    )
    // Not a timing assertion: a ledger that breaks an invariant fails the run.
    process.exitCode = ledger.violations === 0 ? 0 : 1
  } finally {
    server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exit(1)
})
