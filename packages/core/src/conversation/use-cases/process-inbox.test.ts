import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { UNKNOWN_STATUS_GRACE_MS } from "../../notifications/use-cases/record-delivery-status.ts"
import { PersistenceUnavailable } from "../../shared/errors.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { ObjectStore } from "../../storage/ports/object-store.ts"
import { objectsTable } from "../../storage/testing/object-store.fake.ts"
import { asciiBytes, samplePng } from "../../storage/testing/sample-files.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { type InboundUpdate, inboxKey } from "../domain/inbound.ts"
import { Inbox } from "../ports/inbox.ts"
import { MediaSource, MediaUnavailable } from "../ports/media-source.ts"
import { arbInboundUpdate } from "../testing/inbox.arbitraries.ts"
import { processDueInbox } from "./process-inbox.ts"

const at = (ms: number) => ms as Instant
const batch = { batchSize: 10, leaseMs: 60_000 }

const text = (id: string, from: string, body = "hi"): InboundUpdate => ({
  _tag: "message",
  message: { id, channel: "whatsapp", from, at: at(0), content: { _tag: "text", body } },
})

const photo = (id: string, mediaId: string): InboundUpdate => ({
  _tag: "message",
  message: {
    id,
    channel: "whatsapp",
    from: "+27820000001",
    at: at(0),
    content: { _tag: "media", kind: "image", mediaId, mimeType: "image/png" },
  },
})

/** A status for a message the outbox does not have, old enough to be dropped at once. */
const read = (id: string): InboundUpdate => ({
  _tag: "status",
  status: {
    providerMessageId: id,
    channel: "whatsapp",
    state: "read",
    at: at(-UNKNOWN_STATUS_GRACE_MS),
    recipient: "+27820000001",
  },
})

/** Media by id: bytes, or the channel refusing. */
const layerMedia = (files: Record<string, Uint8Array>) =>
  Layer.succeed(
    MediaSource,
    MediaSource.of({
      fetch: (mediaId) =>
        files[mediaId] === undefined
          ? Effect.fail(new MediaUnavailable({ mediaId, detail: "expired" }))
          : Effect.succeed({ bytes: files[mediaId], mimeType: "image/png" }),
    }),
  )

const storedKeys = Effect.map(InMemoryStore, (store) => [...store.table(objectsTable).keys()])

const statusOf = (update: InboundUpdate) =>
  Effect.flatMap(Inbox, (inbox) => inbox.findByKey(inboxKey(update))).pipe(
    Effect.map((entry) => Option.getOrUndefined(entry)?.status),
  )

describe("processDueInbox", () => {
  it.effect("processes messages and statuses once; a redelivery is not processed again", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox
      const updates = [
        text("wamid.a", "+27820000001"),
        text("wamid.b", "+27820000002"),
        read("wamid.x"),
      ]
      yield* inbox.record(updates, at(0))
      expect(yield* processDueInbox(batch)).toEqual({
        claimed: 3,
        processed: 3,
        retried: 0,
        failed: 0,
      })
      expect((yield* inbox.record(updates, at(1))).recorded).toBe(0)
      expect(yield* processDueInbox(batch)).toEqual({
        claimed: 0,
        processed: 0,
        retried: 0,
        failed: 0,
      })
      for (const u of updates) expect(yield* statusOf(u)).toBe("processed")
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("takes one phone's messages one run at a time, in order", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox
      const [first, second] = [text("wamid.1", "+27820000001"), text("wamid.2", "+27820000001")]
      yield* inbox.record([first!, second!], at(0))
      expect((yield* processDueInbox(batch)).processed).toBe(1)
      expect(yield* statusOf(first!)).toBe("processed")
      expect(yield* statusOf(second!)).toBe("pending")
      expect((yield* processDueInbox(batch)).processed).toBe(1)
      expect(yield* statusOf(second!)).toBe("processed")
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect(
    "copies accepted media into the object store; refused media does not stop the message",
    () =>
      Effect.gen(function* () {
        const inbox = yield* Inbox
        const updates = [
          photo("wamid.png", "m1"),
          photo("wamid.txt", "m2"),
          photo("wamid.gone", "m3"),
        ]
        // Three messages of one phone: three runs.
        for (const u of updates) yield* inbox.record([u], at(0))
        for (const _ of updates) expect((yield* processDueInbox(batch)).processed).toBe(1)
        for (const u of updates) expect(yield* statusOf(u)).toBe("processed")
        const keys = yield* storedKeys
        expect(keys.length).toBe(1)
        expect(keys[0]).toMatch(/^whatsapp\/.+\.png$/)
      }).pipe(
        Effect.provide(
          Layer.merge(
            layerInMemory(),
            layerMedia({ m1: samplePng(), m2: asciiBytes("not a picture") }),
          ),
        ),
      ),
  )

  it.effect("without a media source the message goes on without stored bytes", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox
      yield* inbox.record([photo("wamid.p", "m1")], at(0))
      expect((yield* processDueInbox(batch)).processed).toBe(1)
      expect(yield* storedKeys).toEqual([])
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("a failure is retried at the outbox's backoff, then failed for good", () => {
    const brokenStore = Layer.succeed(
      ObjectStore,
      ObjectStore.of({
        put: () => Effect.fail(new PersistenceUnavailable({ detail: "disk gone" })),
        get: () => Effect.die("unused"),
      }),
    )
    return Effect.gen(function* () {
      const inbox = yield* Inbox
      const update = photo("wamid.p", "m1")
      yield* inbox.record([update], at(0))
      const retry = { baseDelayMs: 30_000, maxDelayMs: 60_000, maxAttempts: 2 }
      expect(yield* processDueInbox({ ...batch, retry })).toEqual({
        claimed: 1,
        processed: 0,
        retried: 1,
        failed: 0,
      })
      const entry = Option.getOrThrow(yield* inbox.findByKey(inboxKey(update)))
      expect(entry).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: 30_000 })
      expect(entry.lastError).toContain("disk gone")
      // Not due yet.
      expect((yield* processDueInbox({ ...batch, retry })).claimed).toBe(0)
    }).pipe(
      Effect.provide(Layer.mergeAll(layerInMemory(), layerMedia({ m1: samplePng() }), brokenStore)),
    )
  })

  it.effect(
    "starts no handling after half the lease, so a slow batch cannot outlast its claim",
    () => {
      // The first phone's photo takes half the lease to fetch; the second phone's text waits.
      const slowMedia = Layer.succeed(
        MediaSource,
        MediaSource.of({
          fetch: () =>
            Effect.as(Effect.sleep(30_000), { bytes: samplePng(), mimeType: "image/png" }),
        }),
      )
      return Effect.gen(function* () {
        const inbox = yield* Inbox
        const [slow, next] = [photo("wamid.slow", "m1"), text("wamid.next", "+27820000002")]
        yield* inbox.record([slow, next], at(0))
        const run = yield* Effect.forkChild(processDueInbox(batch))
        yield* TestClock.adjust(30_000)
        expect(yield* Fiber.join(run)).toEqual({ claimed: 2, processed: 1, retried: 0, failed: 0 })
        expect(yield* statusOf(slow)).toBe("processed")
        // Still claimed, not handled: another worker takes it once the lease ends.
        expect(yield* statusOf(next)).toBe("processing")
        expect((yield* processDueInbox(batch)).claimed).toBe(0)
        yield* TestClock.adjust(30_000)
        expect(yield* processDueInbox(batch)).toMatchObject({ claimed: 1, processed: 1 })
        expect(yield* statusOf(next)).toBe("processed")
      }).pipe(Effect.provide(Layer.merge(layerInMemory(), slowMedia)))
    },
  )

  it.effect("refuses a batch size or lease out of range", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(processDueInbox({ batchSize: 0, leaseMs: 1.5 }))
      expect(error._tag).toBe("InvalidInput")
      if (error._tag === "InvalidInput") {
        expect(error.issues.map((i) => i.path).sort()).toEqual(["batchSize", "leaseMs"])
      }
    }).pipe(Effect.provide(layerInMemory())),
  )

  it("any deliveries, redelivered in any grouping, are each processed exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Statuses for messages the outbox does not have, from long ago: dropped at once.
        fc.array(
          arbInboundUpdate.map(
            (u): InboundUpdate =>
              u._tag === "status" ? { ...u, status: { ...u.status, at: at(0) } } : u,
          ),
          { minLength: 1, maxLength: 15 },
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 6 }),
        (updates, cuts, batchSize) =>
          Effect.runPromise(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              // Meta may split and repeat deliveries: record overlapping slices.
              for (const cut of cuts)
                yield* inbox.record(updates.slice(cut % updates.length), at(0))
              yield* inbox.record(updates, at(0))
              const keys = new Set(updates.map(inboxKey))
              let processed = 0
              for (let run = 0; run <= keys.size; run++) {
                const counts = yield* processDueInbox({ batchSize, leaseMs: 60_000 })
                processed += counts.processed
                if (counts.claimed === 0) break
              }
              expect(processed).toBe(keys.size)
              for (const entry of yield* inbox.list({})) {
                expect(entry).toMatchObject({ status: "processed", attempts: 1 })
              }
            }).pipe(Effect.provide(layerInMemory())),
          ),
      ),
      { numRuns: 50 },
    )
  })
})
