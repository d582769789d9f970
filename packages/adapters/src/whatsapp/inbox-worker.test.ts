import { creditsPreset, type InboundUpdate, Inbox, type Instant } from "@fundi/core"
import { InMemoryStore, layerInMemory } from "@fundi/core/testing"
import { Effect, Layer, Logger, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it, vi } from "vitest"
import { type InboxWorker, startInboxWorker } from "./inbox-worker.ts"

const runtimes: Array<{ readonly dispose: () => Promise<void> }> = []
const workers: Array<InboxWorker> = []
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()))
  await Promise.all(runtimes.splice(0).map((r) => r.dispose()))
})

const logs: Array<string> = []
const captureLogs = Logger.layer([
  Logger.make(({ logLevel, message }) => {
    logs.push(`${logLevel} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
  }),
])

const open = () => {
  const runtime = ManagedRuntime.make(Layer.merge(layerInMemory(creditsPreset), captureLogs))
  runtimes.push(runtime)
  return runtime
}

const text = (id: string, from: string): InboundUpdate => ({
  _tag: "message",
  message: { id, channel: "whatsapp", from, at: 0 as Instant, content: { _tag: "text", body: id } },
})

type Runtime = ReturnType<typeof open>
const record = (runtime: Runtime, updates: ReadonlyArray<InboundUpdate>) =>
  runtime.runPromise(Effect.flatMap(Inbox, (inbox) => inbox.record(updates, 0 as Instant)))
const statuses = (runtime: Runtime) =>
  runtime.runPromise(
    Effect.map(
      Effect.flatMap(Inbox, (inbox) => inbox.list({})),
      (entries) => entries.map((e) => e.status),
    ),
  )

describe("inbox worker", () => {
  it("drains one phone's messages in quick runs, without waiting for the next poll", async () => {
    const runtime = open()
    // Five messages from one person: five claims, and the poll is an hour.
    await record(
      runtime,
      [1, 2, 3, 4, 5].map((n) => text(`wamid.${n}`, "+27820000001")),
    )
    workers.push(startInboxWorker(runtime, { pollMs: 3_600_000, batchSize: 10, leaseMs: 60_000 }))
    await vi.waitFor(
      async () => expect(await statuses(runtime)).toEqual(Array(5).fill("processed")),
      {
        timeout: 10_000,
      },
    )
  })

  it("logs a failed run, keeps polling until the database is back, and stop() resolves", async () => {
    const runtime = open()
    await record(runtime, [text("wamid.late", "+27820000002")])
    await runtime.runPromise(Effect.flatMap(InMemoryStore, (s) => s.setOffline(true)))
    logs.length = 0
    const worker = startInboxWorker(runtime, { pollMs: 50, batchSize: 10, leaseMs: 60_000 })
    workers.push(worker)
    await vi.waitFor(() => expect(logs.join("\n")).toMatch(/inbox: run failed/), {
      timeout: 10_000,
    })
    await runtime.runPromise(Effect.flatMap(InMemoryStore, (s) => s.setOffline(false)))
    await vi.waitFor(async () => expect(await statuses(runtime)).toEqual(["processed"]), {
      timeout: 10_000,
    })
    await worker.stop()
    await worker.stop()
  })
})
