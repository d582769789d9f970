import { Notifier, Outbox, type OutboxMessage } from "@fundi/core"
import {
  arbOutboxMessage,
  InMemoryStore,
  layerConversationStoreInMemory,
  layerInMemoryStore,
  layerOutboxInMemory,
  layerTransactionsInMemory,
} from "@fundi/core/testing"
import { Effect, Layer, Logger, ManagedRuntime, Option } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it, vi } from "vitest"
import { layerConsoleNotifier } from "./notifier.console.ts"
import { layerNotifier } from "./notifier.router.ts"
import { type OutboxWorker, startOutboxWorker } from "./outbox-worker.ts"
import { type SmtpTestServer, startSmtpTestServer } from "./testing/smtp-test-server.ts"

/** Messages due long ago (the worker runs on the real clock). */
const messages = (count: number, channel: OutboxMessage["channel"] = "email"): OutboxMessage[] =>
  fc.sample(arbOutboxMessage, { numRuns: count, seed: count }).map((m, i) => ({
    ...m,
    dedupeKey: `evt-${i}:${channel}:${m.template}`,
    channel,
    to: channel === "email" ? `person${i}@example.org` : "+27821234567",
    subject: `subject ${i}`,
    nextAttemptAt: 0 as OutboxMessage["nextAttemptAt"],
  }))

const logs: string[] = []
const captureLogs = Logger.layer([
  Logger.make(({ logLevel, message }) => {
    logs.push(`${logLevel} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  }),
])

const runtimes: Array<{ readonly dispose: () => Promise<void> }> = []
const workers: OutboxWorker[] = []
const servers: SmtpTestServer[] = []
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()))
  await Promise.all(runtimes.splice(0).map((r) => r.dispose()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
  logs.length = 0
})

const runtimeWith = (notifier: Layer.Layer<Notifier>) => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      layerOutboxInMemory,
      layerTransactionsInMemory,
      layerConversationStoreInMemory,
      notifier,
      captureLogs,
    ).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore))),
  )
  runtimes.push(runtime)
  return runtime
}

type Runtime = ReturnType<typeof runtimeWith>

const enqueue = (runtime: Runtime, batch: OutboxMessage[]) =>
  runtime.runPromise(Outbox.use((o) => o.enqueue(batch)))

const find = (runtime: Runtime, message: OutboxMessage) =>
  runtime.runPromise(Outbox.use((o) => o.findById(message.id))).then(Option.getOrThrow)

const statuses = (runtime: Runtime) =>
  runtime.runPromise(Outbox.use((o) => o.list({}))).then((all) => all.map((m) => m.status))

const start = (runtime: Runtime, options: Parameters<typeof startOutboxWorker>[1]) => {
  const worker = startOutboxWorker(runtime, options)
  workers.push(worker)
  return worker
}

describe("outbox worker", () => {
  it("delivers an enqueued email through a real SMTP server and marks it sent", async () => {
    const server = await startSmtpTestServer()
    servers.push(server)
    const runtime = runtimeWith(
      layerNotifier({
        smtp: { url: server.url, from: "Fundi <noreply@fundi.test>" },
        write: () => {},
      }),
    )
    const [message] = messages(1)
    start(runtime, { pollMs: 20, batchSize: 10, leaseMs: 60_000 })

    await enqueue(runtime, [message!])

    await vi.waitFor(async () => expect((await find(runtime, message!)).status).toBe("sent"), {
      timeout: 10_000,
    })
    expect(await find(runtime, message!)).toMatchObject({ attempts: 1 })
    expect(server.received).toHaveLength(1)
    expect(server.received[0]).toMatchObject({
      mailFrom: "noreply@fundi.test",
      rcptTo: [message!.to],
    })
    expect(server.received[0]!.headers.get("subject")).toBe(message!.subject)
    expect(logs.some((l) => l.includes("outbox: sent 1, retrying 0, failed 0"))).toBe(true)
  })

  it("records a 550 rejection as failed for good and carries on with the rest", async () => {
    const server = await startSmtpTestServer({
      rejectRecipient: (to) =>
        to === "person0@example.org" ? { code: 550, text: "no such user" } : undefined,
    })
    servers.push(server)
    const runtime = runtimeWith(
      layerNotifier({ smtp: { url: server.url, from: "noreply@fundi.test" }, write: () => {} }),
    )
    const batch = messages(3)
    await enqueue(runtime, batch)
    start(runtime, { pollMs: 20, batchSize: 10, leaseMs: 60_000 })

    await vi.waitFor(
      async () => expect((await statuses(runtime)).sort()).toEqual(["failed", "sent", "sent"]),
      { timeout: 10_000 },
    )
    const rejected = await find(runtime, batch[0]!)
    expect(rejected.status).toBe("failed")
    expect(rejected.lastError).toContain("550")
    expect(server.received.map((m) => m.rcptTo[0]).sort()).toEqual([batch[1]!.to, batch[2]!.to])
  })

  it("runs again at once after a full batch, so a backlog does not wait for the poll", async () => {
    const runtime = runtimeWith(layerConsoleNotifier({ write: () => {} }))
    // Not WhatsApp: its sending rules would refuse recipients who never wrote to us.
    await enqueue(runtime, messages(7, "sms"))
    // A poll interval far longer than the test timeout: only the immediate re-runs can
    // send all seven messages in batches of two.
    start(runtime, { pollMs: 3_600_000, batchSize: 2, leaseMs: 60_000 })

    await vi.waitFor(async () => expect(await statuses(runtime)).toEqual(Array(7).fill("sent")), {
      timeout: 10_000,
    })
  })

  it("logs a failed run and keeps polling until the database is back", async () => {
    const runtime = runtimeWith(layerConsoleNotifier({ write: () => {} }))
    const [message] = messages(1, "sms")
    await enqueue(runtime, [message!])
    await runtime.runPromise(InMemoryStore.use((s) => s.setOffline(true)))
    start(runtime, { pollMs: 10, batchSize: 5, leaseMs: 60_000 })

    await vi.waitFor(
      () => expect(logs.filter((l) => l.includes("outbox: run failed")).length).toBeGreaterThan(1),
      { timeout: 10_000 },
    )
    expect(logs.find((l) => l.includes("outbox: run failed"))).toMatch(/^Error /)
    await runtime.runPromise(InMemoryStore.use((s) => s.setOffline(false)))

    await vi.waitFor(async () => expect((await find(runtime, message!)).status).toBe("sent"), {
      timeout: 10_000,
    })
  })

  it("on stop, finishes the batch in flight before it resolves, and resolves only then", async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const started: string[] = []
    const runtime = runtimeWith(
      Layer.succeed(Notifier)(
        Notifier.of({
          send: (message) =>
            Effect.andThen(
              Effect.sync(() => started.push(message.id)),
              Effect.as(
                Effect.promise(() => gate),
                {},
              ),
            ),
        }),
      ),
    )
    const batch = messages(2, "sms")
    await enqueue(runtime, batch)
    const worker = startOutboxWorker(runtime, { pollMs: 10, batchSize: 5, leaseMs: 60_000 })

    await vi.waitFor(() => expect(started).toHaveLength(1), { timeout: 10_000 })
    let stopped = false
    const stopping = worker.stop().then(() => {
      stopped = true
    })
    // Let every pending callback run: stop must still be waiting for the send.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)

    release()
    await stopping
    expect(await statuses(runtime)).toEqual(["sent", "sent"])
    expect(started).toHaveLength(2)
  })

  it("stops at once when idle, without waiting out the poll interval", async () => {
    const runtime = runtimeWith(layerConsoleNotifier({ write: () => {} }))
    const worker = startOutboxWorker(runtime, { pollMs: 3_600_000, batchSize: 5, leaseMs: 60_000 })
    await worker.stop()
    // Stopping twice is harmless.
    await worker.stop()
  })
})
