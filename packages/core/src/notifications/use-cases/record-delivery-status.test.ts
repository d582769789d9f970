import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import type { ChannelError, DeliveryStatusUpdate } from "../../conversation/domain/inbound.ts"
import {
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { Outbox } from "../ports/outbox.ts"
import { arbOutboxMessage } from "../testing/outbox.arbitraries.ts"
import { layerOutboxInMemory } from "../testing/outbox.fake.ts"
import { recordDeliveryStatus, UNKNOWN_STATUS_GRACE_MS } from "./record-delivery-status.ts"

const layer = () =>
  Layer.mergeAll(layerOutboxInMemory, layerTransactionsInMemory, Logger.layer([])).pipe(
    Layer.provideMerge(Layer.fresh(layerInMemoryStore)),
  )

const wamid = "wamid.HBgLMjc4MjU1NTAxMjMVAgARGBI"

const status = (
  state: DeliveryStatusUpdate["state"],
  errors?: ReadonlyArray<ChannelError>,
): DeliveryStatusUpdate => ({
  providerMessageId: wamid,
  channel: "whatsapp",
  state,
  at: 1_000 as Instant,
  recipient: "27825550123",
  ...(errors === undefined ? {} : { errors }),
})

/** A WhatsApp message that went out and got `wamid` back. */
const sentMessage = (m: OutboxMessage) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    yield* outbox.enqueue([{ ...m, channel: "whatsapp" }])
    yield* outbox.claimDue({ now: m.nextAttemptAt, limit: 1, leaseMs: 1_000 })
    yield* outbox.markSent(m.id, m.nextAttemptAt, wamid)
  })

const find = (m: OutboxMessage) =>
  Effect.map(
    Outbox.use((o) => o.findById(m.id)),
    Option.getOrThrow,
  )

const sample = fc.sample(arbOutboxMessage, { numRuns: 1, seed: 7 })[0]!

describe("recordDeliveryStatus", () => {
  it.effect("moves the delivery state forward and ignores replays and late lower states", () =>
    Effect.gen(function* () {
      yield* sentMessage(sample)
      yield* recordDeliveryStatus(status("sent"))
      expect((yield* find(sample)).delivery).toBe("sent")
      yield* recordDeliveryStatus(status("read"))
      yield* recordDeliveryStatus(status("delivered"))
      yield* recordDeliveryStatus(status("read"))
      const message = yield* find(sample)
      expect(message.delivery).toBe("read")
      expect(message.status).toBe("sent")
    }).pipe(Effect.provide(layer())),
  )

  it.effect("a permanent failure fails the message with code and title, for ops to see", () =>
    Effect.gen(function* () {
      yield* sentMessage(sample)
      yield* recordDeliveryStatus(
        status("failed", [
          { code: 131026, title: "Message undeliverable", detail: "not on WhatsApp" },
        ]),
      )
      const message = yield* find(sample)
      expect(message).toMatchObject({
        status: "failed",
        delivery: "failed",
        deliveryError: "131026 Message undeliverable: not on WhatsApp",
        lastError: "131026 Message undeliverable: not on WhatsApp",
      })
      const outbox = yield* Outbox
      expect((yield* outbox.list({ status: "failed" })).map((m) => m.id)).toEqual([sample.id])
    }).pipe(Effect.provide(layer())),
  )

  it.effect("a transient failure is recorded on the message but does not fail it", () =>
    Effect.gen(function* () {
      yield* sentMessage(sample)
      yield* recordDeliveryStatus(
        status("failed", [{ code: 131000, title: "Something went wrong" }]),
      )
      expect(yield* find(sample)).toMatchObject({
        status: "sent",
        delivery: "failed",
        deliveryError: "131000 Something went wrong",
      })
    }).pipe(Effect.provide(layer())),
  )

  it.effect("a failure after the phone reported it read changes nothing", () =>
    Effect.gen(function* () {
      yield* sentMessage(sample)
      yield* recordDeliveryStatus(status("read"))
      yield* recordDeliveryStatus(status("failed", [{ code: 131026, title: "undeliverable" }]))
      expect(yield* find(sample)).toMatchObject({ status: "sent", delivery: "read" })
    }).pipe(Effect.provide(layer())),
  )

  it.effect("proof of delivery after a permanent failure puts the message back to sent", () =>
    Effect.gen(function* () {
      yield* sentMessage(sample)
      yield* recordDeliveryStatus(status("failed", [{ code: 131049, title: "Not delivered" }]))
      expect((yield* find(sample)).status).toBe("failed")
      yield* recordDeliveryStatus(status("delivered"))
      expect(yield* find(sample)).toMatchObject({
        status: "sent",
        delivery: "delivered",
        providerMessageId: wamid,
        sentAt: sample.nextAttemptAt,
      })
      expect((yield* find(sample)).deliveryError).toBeUndefined()
    }).pipe(Effect.provide(layer())),
  )

  it.effect("a status for an unknown message is retried for a few minutes, then dropped", () =>
    Effect.gen(function* () {
      // It may have overtaken the commit of our own send: worth another try.
      yield* TestClock.setTime(1_000 + UNKNOWN_STATUS_GRACE_MS - 1)
      const early = yield* Effect.flip(recordDeliveryStatus(status("delivered")))
      expect(early).toMatchObject({ _tag: "DeliveryStatusTooEarly", providerMessageId: wamid })
      // Once the grace has passed it is someone else's message: dropped without an error.
      yield* TestClock.setTime(1_000 + UNKNOWN_STATUS_GRACE_MS)
      yield* recordDeliveryStatus(status("delivered"))
      const outbox = yield* Outbox
      expect(yield* outbox.list({})).toEqual([])
    }).pipe(Effect.provide(layer())),
  )
})
