import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import {
  ConversationStore,
  deliverDueMessages,
  type Instant,
  type MessageId,
  Notifier,
  Outbox,
  type OutboxMessage,
  recordDeliveryStatus,
} from "@fundi/core"
import {
  layerConversationStoreInMemory,
  layerInMemoryStore,
  layerOutboxInMemory,
  layerTransactionsInMemory,
} from "@fundi/core/testing"
import { Effect, Layer, Logger, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { makeCloudApiNotifier } from "./message-sender.cloud-api.ts"
import { type FakeGraphApi, graphErrors, startFakeGraphApi } from "./testing/fake-graph-api.ts"

// The outbox worker's path end to end: the core's sending rules, the Cloud API sender and
// a Graph API on loopback, then the delivery statuses coming back.

let graph: FakeGraphApi
beforeAll(async () => {
  graph = await startFakeGraphApi()
})
afterAll(() => graph.close())
beforeEach(() => graph.reset())

const hour = 3_600_000
const phone = "+27825550123"

const layer = () =>
  Layer.mergeAll(
    layerOutboxInMemory,
    layerTransactionsInMemory,
    layerConversationStoreInMemory,
    Layer.succeed(Notifier)(
      makeCloudApiNotifier({
        accessToken: Redacted.make("token"),
        phoneNumberId: "106540352242922",
        graphUrl: graph.graphUrl,
        messagesPerSecond: 80,
      }),
    ),
    Logger.layer([]),
  ).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore)))

const leadOffer = (n: number, overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: `msg_${String(n).padStart(20, "0")}` as MessageId,
  dedupeKey: `evt-${n}:whatsapp:lead.offered`,
  channel: "whatsapp",
  to: phone,
  template: "lead.offered",
  body: "A new lead in Soweto",
  intent: {
    _tag: "buttons",
    body: "A new lead in Soweto",
    buttons: [
      { id: "accept", title: "Accept" },
      { id: "decline", title: "Decline" },
    ],
  },
  status: "pending",
  attempts: 0,
  nextAttemptAt: 0 as Instant,
  createdAt: 0 as Instant,
  ...overrides,
})

const lastWrote = (at: number, optedOut = false) =>
  ConversationStore.use((s) =>
    s.save({
      phone,
      channel: "whatsapp",
      optedOut,
      lastInboundAt: at as Instant,
      updatedAt: at as Instant,
    }),
  )

const enqueue = (...messages: ReadonlyArray<OutboxMessage>) =>
  Outbox.use((o) => o.enqueue(messages))
const deliver = deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
const find = (m: OutboxMessage) =>
  Effect.map(
    Outbox.use((o) => o.findById(m.id)),
    Option.getOrThrow,
  )
const sentTypes = () =>
  graph.requests.map((r) => {
    const body = r.body as { type: string; interactive?: { type: string } }
    return body.interactive?.type ?? body.type
  })

describe("WhatsApp outbound through the outbox", () => {
  it.effect("inside the window: the interactive message goes, and its wamid is kept", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(2 * hour)
      yield* lastWrote(hour)
      const m = leadOffer(1)
      yield* enqueue(m)
      expect(yield* deliver).toMatchObject({ sent: 1 })
      expect(sentTypes()).toEqual(["button"])
      const sent = yield* find(m)
      expect(sent.status).toBe("sent")
      expect(sent.providerMessageId).toMatch(/^wamid\.\d+$/)
    }).pipe(Effect.provide(layer())),
  )

  it.effect("outside the window: the template goes; without one, 131047 and no request", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(30 * hour)
      yield* lastWrote(hour)
      const withTemplate = leadOffer(1, {
        fallbackTemplate: {
          _tag: "template",
          name: "lead_offer",
          language: "en",
          parameters: ["Soweto"],
        },
      })
      const without = leadOffer(2)
      yield* enqueue(withTemplate, without)
      expect(yield* deliver).toMatchObject({ sent: 1, failed: 1 })
      expect(sentTypes()).toEqual(["template"])
      expect((graph.requests[0]!.body as { template: { name: string } }).template.name).toBe(
        "lead_offer",
      )
      const failed = yield* find(without)
      expect(failed.status).toBe("failed")
      expect(failed.lastError).toContain("24-hour")
    }).pipe(Effect.provide(layer())),
  )

  it.effect("after stop: only the opt-out confirmation is sent", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(hour)
      // Written before the number said stop: the sender fails it for good.
      yield* lastWrote(hour)
      const before = leadOffer(1)
      yield* enqueue(before)
      yield* lastWrote(hour, true)
      const { intent: _, ...stopped } = leadOffer(2, {
        dedupeKey: "evt-2:whatsapp:conversation.stopped",
        template: "conversation.stopped",
        body: "You will get no more messages from us.",
      })
      // Written after: the outbox does not take it at all (decision 0022).
      const after = leadOffer(3)
      yield* enqueue(after, stopped)
      expect(yield* Outbox.use((o) => o.findById(after.id))).toEqual(Option.none())
      expect(yield* deliver).toMatchObject({ sent: 1, failed: 1 })
      expect(yield* find(before)).toMatchObject({ status: "failed" })
      expect(graph.requests.map((r) => (r.body as { text?: { body: string } }).text?.body)).toEqual(
        ["You will get no more messages from us."],
      )
    }).pipe(Effect.provide(layer())),
  )

  it.effect("a 500 is retried after the backoff; a 131026 is failed at once, never retried", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(hour)
      yield* lastWrote(hour)
      const flaky = leadOffer(1)
      const undeliverable = leadOffer(2, { to: "+27825550999" })
      yield* ConversationStore.use((s) =>
        s.save({
          phone: "+27825550999",
          channel: "whatsapp",
          optedOut: false,
          lastInboundAt: hour as Instant,
          updatedAt: hour as Instant,
        }),
      )
      yield* enqueue(flaky)
      yield* enqueue(undeliverable)
      graph.script(graphErrors.serverError(), graphErrors.undeliverable())
      expect(yield* deliver).toMatchObject({ sent: 0, retried: 1, failed: 1 })
      expect(yield* find(undeliverable)).toMatchObject({ status: "failed" })
      expect((yield* find(undeliverable)).lastError).toContain("131026")

      yield* TestClock.adjust(30_000)
      expect(yield* deliver).toMatchObject({ claimed: 1, sent: 1 })
      expect(yield* find(flaky)).toMatchObject({ status: "sent", attempts: 2 })
      // Two attempts for the flaky one, one for the undeliverable one.
      expect(graph.requests).toHaveLength(3)
    }).pipe(Effect.provide(layer())),
  )

  it.effect(
    "statuses from the webhook move the sent message to read; a late failure is noise",
    () =>
      Effect.gen(function* () {
        yield* TestClock.adjust(hour)
        yield* lastWrote(hour)
        const m = leadOffer(1)
        yield* enqueue(m)
        yield* deliver
        const wamid = (yield* find(m)).providerMessageId!
        const status = (state: "delivered" | "read" | "failed") =>
          recordDeliveryStatus({
            providerMessageId: wamid,
            channel: "whatsapp",
            state,
            at: hour as Instant,
            recipient: "27825550123",
            ...(state === "failed" ? { errors: [{ code: 131026, title: "undeliverable" }] } : {}),
          })
        yield* status("read")
        yield* status("delivered")
        yield* status("failed")
        expect(yield* find(m)).toMatchObject({ status: "sent", delivery: "read" })
      }).pipe(Effect.provide(layer())),
  )
})
