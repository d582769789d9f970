import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option } from "effect"
import { TestClock } from "effect/testing"
import type { MessageIntent } from "../../conversation/domain/intent.ts"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { layerConversationStoreInMemory } from "../../conversation/testing/conversation-store.fake.ts"
import type { MessageId } from "../../shared/ids.ts"
import {
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { retryDelayMs } from "../domain/delivery.ops.ts"
import { DeliveryFailed } from "../domain/notifications.errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { customerServiceWindowMs } from "../domain/whatsapp-send.ops.ts"
import { Notifier } from "../ports/notifier.ts"
import { Outbox } from "../ports/outbox.ts"
import { layerOutboxInMemory } from "../testing/outbox.fake.ts"
import { deliverDueMessages } from "./deliver-due-messages.ts"

const hour = 3_600_000
const phone = "+27825550123"

/** What the notifier was asked to send; the first send of `rateLimited` asks for a pause. */
const recordingNotifier = (rateLimited?: { readonly retryAfterMs: number }) => {
  const sent: Array<OutboxMessage> = []
  let limited = rateLimited !== undefined
  const notifier = Notifier.of({
    send: (message) =>
      Effect.suspend(() => {
        if (limited) {
          limited = false
          return Effect.fail(
            new DeliveryFailed({
              channel: "whatsapp",
              detail: "130429 rate limit hit",
              permanent: false,
              code: 130_429,
              retryAfterMs: rateLimited!.retryAfterMs,
            }),
          )
        }
        sent.push(message)
        return Effect.succeed({ providerMessageId: `wamid.${sent.length}` })
      }),
  })
  return { notifier, sent }
}

const layerWith = (notifier: typeof Notifier.Service) =>
  Layer.mergeAll(
    layerOutboxInMemory,
    layerTransactionsInMemory,
    layerConversationStoreInMemory,
    Layer.succeed(Notifier)(notifier),
    Logger.layer([]),
  ).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore)))

const offer: MessageIntent = {
  _tag: "buttons",
  body: "A new lead: leaking geyser in Soweto",
  buttons: [
    { id: "accept", title: "Accept" },
    { id: "decline", title: "Decline" },
  ],
}

const message = (overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: "msg_0000000000000000000a" as MessageId,
  dedupeKey: "evt-1:whatsapp:lead.offered",
  channel: "whatsapp",
  to: phone,
  template: "lead.offered",
  body: "A new lead: leaking geyser in Soweto",
  intent: offer,
  fallbackTemplate: {
    _tag: "template",
    name: "lead_offer",
    language: "en",
    parameters: ["Soweto"],
  },
  status: "pending",
  attempts: 0,
  nextAttemptAt: 0 as Instant,
  createdAt: 0 as Instant,
  ...overrides,
})

/** The recipient last wrote to us at `lastInboundAt`. */
const wrote = (lastInboundAt: number, optedOut = false) =>
  ConversationStore.use((store) =>
    store.save({
      phone,
      channel: "whatsapp",
      optedOut,
      lastInboundAt: lastInboundAt as Instant,
      updatedAt: lastInboundAt as Instant,
    }),
  )

const stored = (id: MessageId) =>
  Effect.map(
    Outbox.use((outbox) => outbox.findById(id)),
    Option.getOrThrow,
  )

describe("deliverDueMessages on WhatsApp", () => {
  it.effect("inside the 24-hour window sends the intent and keeps the provider's id", () => {
    const { notifier, sent } = recordingNotifier()
    return Effect.gen(function* () {
      yield* TestClock.adjust(30 * hour)
      yield* wrote(7 * hour)
      yield* Outbox.use((o) => o.enqueue([message()]))
      const counts = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
      expect(counts).toMatchObject({ sent: 1, failed: 0 })
      expect(sent.map((m) => m.intent)).toEqual([offer])
      expect(sent[0]).not.toHaveProperty("fallbackTemplate")
      expect(yield* stored(message().id)).toMatchObject({
        status: "sent",
        providerMessageId: "wamid.1",
      })
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect("outside the window sends the fallback template instead", () => {
    const { notifier, sent } = recordingNotifier()
    return Effect.gen(function* () {
      yield* TestClock.adjust(30 * hour)
      yield* wrote(30 * hour - customerServiceWindowMs)
      yield* Outbox.use((o) => o.enqueue([message()]))
      yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
      expect(sent.map((m) => m.intent)).toEqual([message().fallbackTemplate])
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect("fails for good with 131047, without a call, when there is no template", () => {
    const { notifier, sent } = recordingNotifier()
    return Effect.gen(function* () {
      yield* TestClock.adjust(30 * hour)
      // Never wrote to us: no session, so no window.
      const { fallbackTemplate: _, ...noFallback } = message()
      yield* Outbox.use((o) => o.enqueue([noFallback]))
      const counts = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
      expect(counts).toMatchObject({ sent: 0, failed: 1 })
      expect(sent).toEqual([])
      const failed = yield* stored(message().id)
      expect(failed.status).toBe("failed")
      expect(failed.lastError).toContain("24-hour")
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect(
    "honours stop: of what was written before it, only the confirmation goes to the phone",
    () => {
      const { notifier, sent } = recordingNotifier()
      return Effect.gen(function* () {
        yield* TestClock.adjust(hour)
        yield* wrote(hour)
        const confirmation = message({
          id: "msg_0000000000000000000b" as MessageId,
          dedupeKey: "evt-2:whatsapp:conversation.stopped",
          template: "conversation.stopped",
          body: "You will get no more messages. Say start to come back.",
        })
        const { intent: _, ...plain } = confirmation
        yield* Outbox.use((o) => o.enqueue([message(), plain]))
        // Opted out after the message was written (the outbox no longer takes new ones).
        yield* wrote(hour, true)
        const counts = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
        expect(counts).toMatchObject({ sent: 1, failed: 1 })
        expect(sent.map((m) => [m.template, m.intent])).toEqual([
          ["conversation.stopped", { _tag: "text", body: plain.body }],
        ])
        expect((yield* stored(message().id)).lastError).toContain("opted out")
      }).pipe(Effect.provide(layerWith(notifier)))
    },
  )

  it.effect("a rate limit retries no sooner than the channel asked, nor than the backoff", () => {
    const retryAfterMs = 10 * 60_000
    const { notifier, sent } = recordingNotifier({ retryAfterMs })
    return Effect.gen(function* () {
      yield* TestClock.adjust(hour)
      yield* wrote(hour)
      yield* Outbox.use((o) => o.enqueue([message()]))
      const first = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
      expect(first).toMatchObject({ retried: 1 })
      // The backoff after one attempt is 30 s; the channel asked for 10 minutes.
      expect(retryDelayMs(1)).toBeLessThan(retryAfterMs)
      expect((yield* stored(message().id)).nextAttemptAt).toBe(hour + retryAfterMs)
      yield* TestClock.adjust(retryAfterMs - 1)
      expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
        claimed: 0,
      })
      yield* TestClock.adjust(1)
      expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
        sent: 1,
      })
      expect(sent).toHaveLength(1)
    }).pipe(Effect.provide(layerWith(notifier)))
  })
})
