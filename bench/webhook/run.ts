// The webhook benchmark (bench/README.md): `pnpm bench:webhook`. Starts its own PostgreSQL
// server and the Fundi HTTP server on it (openFundi + makeApp on 127.0.0.1), and from a
// separate process posts signed WhatsApp webhook deliveries at a fixed rate: first the
// target rate for BENCH_SECONDS, then rising rates in short steps until the ack p99 passes
// 100 ms, errors appear or the generator falls behind; the same steps against a bare hono
// hello-world on the same stack. Then checks in the database that every acknowledged
// update was recorded exactly once. Nothing here asserts a timing; the last line is JSON.
import { type ChildProcess, fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import path from "node:path"
import { monitorEventLoopDelay } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { loadConfig, openFundi } from "../../packages/adapters/src/index.ts"
import { makeKnex } from "../../packages/adapters/src/postgres/index.ts"
import { startInboxWorker } from "../../packages/adapters/src/whatsapp/index.ts"
import {
  type MakeAppOptions,
  makeApp,
  type RunningServer,
  startServer,
} from "../../packages/http/src/index.ts"
import { startTempServer, type TempServer } from "../ledger/postgres-server.ts"
import type { PhaseRequest, PhaseResult } from "./load.ts"
import { PHONE_NUMBER_ID } from "./payloads.ts"

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: process.env.BENCH_RATE ?? "1000" },
    seconds: { type: "string", default: process.env.BENCH_SECONDS ?? "60" },
    "step-seconds": { type: "string", default: process.env.BENCH_STEP_SECONDS },
    "p99-ms": { type: "string", default: "100" },
    sockets: { type: "string", default: "64" },
    pool: { type: "string", default: "20" },
    "max-rate": { type: "string", default: "100000" },
    "no-hello": { type: "boolean", default: false },
    // Process the inbox while posting, as `fundi serve` does: the conversation engine then
    // competes with the webhook for the CPU and the database.
    worker: { type: "boolean", default: process.env.BENCH_WORKER === "1" },
  },
})

const positive = (name: string, text: string): number => {
  const n = Number(text)
  if (Number.isFinite(n) && n > 0) return n
  console.error(`--${name} must be a positive number, not "${text}"`)
  process.exit(2)
}

const targetRate = positive("rate", args.rate)
const seconds = positive("seconds", args.seconds)
// Steps are short: long enough for a queue to build when the server cannot keep up.
const stepSeconds = positive("step-seconds", args["step-seconds"] ?? String(Math.min(5, seconds)))
const p99Limit = positive("p99-ms", args["p99-ms"])
const sockets = positive("sockets", args.sockets)
const poolMax = positive("pool", args.pool)
const maxRate = positive("max-rate", args["max-rate"])
const stepFactor = 1.5

/** hono's app class, as the http package resolves it (the bench has no hono of its own). */
type HonoApp = Exclude<Parameters<typeof startServer>[0], MakeAppOptions>

const round = (n: number, digits: number) => Number(n.toFixed(digits))

/** The generator's own lateness above this means the figure is the generator's, not the server's. */
const lagLimitMs = 50

/** Why a phase does not count as sustained, or undefined when it does. */
const shortfall = (r: PhaseResult, p99LimitMs: number): string | undefined =>
  r.errors > 0
    ? `${r.errors} errors (${r.firstError})`
    : r.p99 > p99LimitMs
      ? `p99 ${r.p99.toFixed(1)} ms > ${p99LimitMs} ms`
      : r.lagP99 > lagLimitMs || r.ackedPerSecond < r.rate * 0.95
        ? `generator behind (lag p99 ${r.lagP99.toFixed(1)} ms, ${r.ackedPerSecond.toFixed(0)}/s acked)`
        : undefined

const describe = (label: string, r: PhaseResult) =>
  `  ${label}: ${r.rate.toFixed(0)}/s for ${r.seconds.toFixed(1)} s: ${r.updatesAcked} updates ` +
  `acked in ${r.posts} POSTs (${r.ackedPerSecond.toFixed(0)}/s), ack p50 ${r.p50.toFixed(2)} ms ` +
  `p99 ${r.p99.toFixed(2)} ms max ${r.max.toFixed(1)} ms, generator lag p99 ` +
  `${r.lagP99.toFixed(1)} ms, ${r.errors} errors`

class Generator {
  readonly #child: ChildProcess
  constructor() {
    this.#child = fork(new URL("./load.ts", import.meta.url), [], {
      execPath: process.execPath,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    })
  }
  run(phase: PhaseRequest): Promise<PhaseResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the load generator exited (${code}) during a phase`))
      this.#child.once("exit", onExit)
      this.#child.once(
        "message",
        (answer: { ok: true; result: PhaseResult } | { ok: false; error: string }) => {
          this.#child.off("exit", onExit)
          if (answer.ok) resolve(answer.result)
          else reject(new Error(`load generator: ${answer.error}`))
        },
      )
      this.#child.send(phase)
    })
  }
  stop() {
    if (this.#child.connected) this.#child.disconnect()
  }
}

interface Climb {
  readonly label: string
  /** The same load, for the warm-up. */
  readonly warmUp: (rate: number) => Promise<PhaseResult>
  readonly phase: (rate: number) => Promise<PhaseResult>
  readonly steps: PhaseResult[]
  best: PhaseResult | undefined
  stopped: boolean
}

/**
 * Rising rates, `stepFactor` apart, from `from`, each climb in turn at the same rate (so
 * Fundi and the hello-world see the same machine load as it drifts), until each falls
 * short. A step that falls short runs once more before its climb stops: on a shared
 * machine one hiccup in a 5 s step should not decide the maximum.
 */
const climb = async (from: number, climbs: ReadonlyArray<Climb>): Promise<void> => {
  for (let rate = from; rate <= maxRate && climbs.some((c) => !c.stopped); ) {
    for (const c of climbs.filter((c) => !c.stopped)) {
      let r = await c.phase(rate)
      let why = shortfall(r, p99Limit)
      if (why !== undefined) {
        console.log(`${describe(`${c.label} step`, r)}: short (${why}), once more`)
        c.steps.push(r)
        r = await c.phase(rate)
        why = shortfall(r, p99Limit)
      }
      c.steps.push(r)
      console.log(`${describe(`${c.label} step`, r)}${why === undefined ? "" : `: stop, ${why}`}`)
      if (why === undefined) c.best = r
      else c.stopped = true
    }
    rate = Math.round(rate * stepFactor)
  }
}

const stepsJson = (steps: ReadonlyArray<PhaseResult>) =>
  steps.map((s) => ({
    rate: s.rate,
    acked_per_s: round(s.ackedPerSecond, 1),
    p99_ms: round(s.p99, 2),
    lag_p99_ms: round(s.lagP99, 1),
    errors: s.errors,
  }))

const main = async () => {
  const runId = randomBytes(4).toString("hex")
  const appSecret = randomBytes(16).toString("hex")
  let server: TempServer | undefined
  let http: RunningServer | undefined
  let hello: RunningServer | undefined
  const generator = new Generator()
  const filesDir = mkdtempSync(path.join(tmpdir(), "fundi-bench-files-"))
  const cleanUp = () => {
    generator.stop()
    server?.stop()
    rmSync(filesDir, { recursive: true, force: true })
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cleanUp()
      process.exit(130)
    })
  }
  try {
    server = await startTempServer({ maxConnections: poolMax + 20 })
    console.log(`${server.version} on 127.0.0.1:${server.port} (fsync=off, as .ci/run runs it)`)
    console.log(`machine: ${availableParallelism()} CPUs; node ${process.version}`)
    const env = {
      FUNDI_DATABASE_URL: server.url("postgres"),
      FUNDI_FILES_DIR: filesDir,
      FUNDI_LINK_SECRET: randomBytes(32).toString("hex"),
      WHATSAPP_APP_SECRET: appSecret,
      WHATSAPP_VERIFY_TOKEN: "bench",
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    }
    const fundi = await openFundi(loadConfig(env), { poolMax, command: "bench:webhook" })
    let seq = 0
    const acked = new Set<string>()
    const phaseOn =
      (url: string, returnKeys: boolean, phaseSeconds: number) =>
      async (rate: number): Promise<PhaseResult> => {
        const r = await generator.run({
          url,
          appSecret,
          runId,
          seed: seq + 1,
          rate,
          seconds: phaseSeconds,
          maxSockets: sockets,
          firstSeq: seq,
          redeliverEvery: 100,
          returnKeys,
        })
        seq = r.nextSeq
        for (const key of r.ackedKeys) acked.add(key)
        return r
      }
    let worker: { readonly stop: () => Promise<void> } | undefined
    let sustained: PhaseResult
    let serverCpu = Number.NaN
    let loopP99 = Number.NaN
    let loopMax = Number.NaN
    const climbs: Array<Climb> = []
    try {
      const app = makeApp({
        runtime: fundi.runtime,
        apiKey: undefined,
        whatsapp: {
          appSecret,
          verifyToken: "bench",
          simulator: false,
          phoneNumberId: PHONE_NUMBER_ID,
        },
      })
      http = await startServer(app, { port: 0, hostname: "127.0.0.1" })
      console.log(`fundi: ${http.url}/webhooks/whatsapp on ${fundi.database}`)
      if (args.worker) {
        worker = startInboxWorker(fundi.runtime, { pollMs: 200, batchSize: 50, leaseMs: 60_000 })
        console.log("inbox worker running (--worker): updates are processed while they arrive")
      }
      climbs.push({
        label: "fundi",
        warmUp: phaseOn(http.url, true, Math.min(3, seconds)),
        phase: phaseOn(http.url, true, stepSeconds),
        steps: [],
        best: undefined,
        stopped: false,
      })
      if (!args["no-hello"]) {
        // The same stack with nothing behind it: an app of the very class Fundi's app is
        // (the bench has no hono of its own), on the same startServer; body read, 200.
        const bare = new (app.constructor as new () => HonoApp)()
        bare.post("/webhooks/whatsapp", async (c) => {
          await c.req.text()
          return c.text("ok")
        })
        hello = await startServer(bare, { port: 0, hostname: "127.0.0.1" })
        console.log(`hello-world: ${hello.url}/webhooks/whatsapp`)
        climbs.push({
          label: "hello",
          warmUp: phaseOn(hello.url, false, Math.min(3, seconds)),
          phase: phaseOn(hello.url, false, stepSeconds),
          steps: [],
          best: undefined,
          stopped: false,
        })
      }

      // Warm-up (JIT, pool connections), recorded and checked like the rest.
      for (const c of climbs) {
        console.log(describe(`${c.label} warm-up`, await c.warmUp(targetRate / 5)))
      }
      console.log(`sustained: ${targetRate} updates/s for ${seconds} s…`)
      // Where a slow ack comes from: this process's event loop (CPU, GC) or the database.
      const loop = monitorEventLoopDelay({ resolution: 10 })
      loop.enable()
      const cpuBefore = process.cpuUsage()
      sustained = await phaseOn(http.url, true, seconds)(targetRate)
      loop.disable()
      const cpu = process.cpuUsage(cpuBefore)
      serverCpu = (cpu.user + cpu.system) / 1e6 / sustained.seconds
      loopP99 = loop.percentile(99) / 1e6
      loopMax = loop.max / 1e6
      console.log(describe("sustained", sustained))
      console.log(
        `  server process: ${(serverCpu * 100).toFixed(0)}% of a CPU, event-loop delay p99 ` +
          `${loopP99.toFixed(1)} ms max ${loopMax.toFixed(1)} ms`,
      )
      console.log(`steps of ${stepSeconds} s from ${targetRate / 4}/s, x${stepFactor} each…`)
      await climb(targetRate / 4, climbs)
      await http.close()
      http = undefined
      await hello?.close()
      hello = undefined
    } finally {
      await worker?.stop()
      await fundi.close()
    }

    // Every acknowledged update must be in the inbox once; its key is the primary key, so
    // a second row cannot exist, but a second delivery must not have failed either.
    const db = makeKnex(server.url("postgres"), { pool: { min: 0, max: 1 } })
    let lost = 0
    let duplicates = 0
    let recorded = 0
    // With --worker, how far processing got by the end (the worker stops with the server).
    const byStatus: Record<string, number> = {}
    try {
      const rows = await db
        .knex("inbox")
        .select("key", "status")
        .whereLike("key", `%.bench.${runId}.%`)
      const counts = new Map<string, number>()
      for (const { key, status } of rows as Array<{ key: string; status: string }>) {
        counts.set(key, (counts.get(key) ?? 0) + 1)
        byStatus[status] = (byStatus[status] ?? 0) + 1
      }
      recorded = counts.size
      for (const key of acked) if (!counts.has(key)) lost++
      for (const n of counts.values()) if (n > 1) duplicates += n - 1
    } finally {
      await db.close()
    }
    console.log(
      `check: ${acked.size} distinct updates acknowledged, ${recorded} recorded, ${lost} lost, ` +
        `${duplicates} duplicates; inbox: ${JSON.stringify(byStatus)}`,
    )

    const [fundiClimb, helloClimb] = climbs
    const sustainedOk = shortfall(sustained, p99Limit) === undefined
    const maxPerS = Math.max(
      fundiClimb?.best?.ackedPerSecond ?? 0,
      sustainedOk ? sustained.ackedPerSecond : 0,
    )
    const helloMax = helloClimb?.best?.ackedPerSecond ?? Number.NaN
    const summary = {
      bench: "webhook",
      worker: args.worker,
      target_per_s: targetRate,
      seconds,
      sustained_per_s: round(sustained.ackedPerSecond, 1),
      p50_ms: round(sustained.p50, 3),
      p99_ms: round(sustained.p99, 3),
      max_ms: round(sustained.max, 3),
      errors: sustained.errors,
      sustained_ok: sustainedOk,
      server_cpu: round(serverCpu, 2),
      event_loop_p99_ms: round(loopP99, 1),
      event_loop_max_ms: round(loopMax, 1),
      lost,
      duplicates,
      acknowledged: acked.size,
      inbox: byStatus,
      max_per_s: round(maxPerS, 1),
      hello_world_max_per_s: round(helloMax, 1),
      ratio: round(maxPerS / helloMax, 3),
      step_seconds: stepSeconds,
      steps: stepsJson(fundiClimb?.steps ?? []),
      hello_steps: stepsJson(helloClimb?.steps ?? []),
    }
    console.log(JSON.stringify(summary))
    if (lost > 0 || duplicates > 0) process.exitCode = 1
  } finally {
    await http?.close()
    await hello?.close()
    cleanUp()
  }
}

await main()
