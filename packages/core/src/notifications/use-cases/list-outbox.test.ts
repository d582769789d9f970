import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import type { DeliveryState } from "../../conversation/domain/inbound.ts"
import type { InvalidInput } from "../../shared/errors.ts"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import type { NotificationChannel, OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"
import { Outbox } from "../ports/outbox.ts"
import { listOutbox } from "./list-outbox.ts"

const phones = ["+27821234567", "+27831112222"] as const
const emails = ["thandi@example.org"] as const

interface Shape {
  readonly channel: NotificationChannel
  readonly recipient: number
  readonly status: OutboxStatus
  readonly delivery: DeliveryState | undefined
}

const arbShape: fc.Arbitrary<Shape> = fc
  .record({
    channel: fc.constantFrom<NotificationChannel>("whatsapp", "sms", "email"),
    recipient: fc.nat(1),
    status: fc.constantFrom<OutboxStatus>("pending", "sending", "sent", "failed"),
    delivery: fc.constantFrom<DeliveryState | undefined>(
      undefined,
      "sent",
      "delivered",
      "read",
      "failed",
    ),
  })
  // Only a sent message has a delivery report.
  .map((s) => (s.status === "sent" ? s : { ...s, delivery: undefined }))

const message = (shape: Shape, n: number): OutboxMessage => ({
  id: `msg_${String(n).padStart(20, "0")}` as MessageId,
  dedupeKey: `test:${n}`,
  channel: shape.channel,
  to: shape.channel === "email" ? emails[0] : phones[shape.recipient]!,
  template: "conversation.reply",
  body: `message ${n}`,
  status: shape.status,
  attempts: shape.status === "pending" ? 0 : 1,
  // Distinct creation times, so "newest first" has one answer.
  createdAt: (1_800_000_000_000 + n * 1000) as Instant,
  nextAttemptAt: (1_800_000_000_000 + n * 1000) as Instant,
  ...(shape.delivery === undefined ? {} : { delivery: shape.delivery }),
})

const arbQuery = fc.record(
  {
    failed: fc.boolean(),
    channel: fc.constantFrom<NotificationChannel>("whatsapp", "sms", "email"),
    to: fc.constantFrom(...phones, ...emails),
    limit: fc.integer({ min: 1, max: 8 }),
  },
  { requiredKeys: [] },
)

describe("listOutbox", () => {
  it("returns exactly the messages the filters select, newest first, at most `limit`", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbShape, { maxLength: 15 }), arbQuery, async (shapes, query) => {
        const messages = shapes.map(message)
        const listed = await Effect.runPromise(
          Effect.gen(function* () {
            yield* (yield* Outbox).enqueue(messages)
            return yield* listOutbox(query)
          }).pipe(Effect.provide(layerInMemory())),
        )
        const expected = messages
          .filter(
            (m) =>
              (query.failed !== true || m.status === "failed" || m.delivery === "failed") &&
              (query.channel === undefined || m.channel === query.channel) &&
              (query.to === undefined || m.to === query.to),
          )
          .reverse()
          .slice(0, query.limit ?? 50)
        expect(listed.map((m) => m.id)).toEqual(expected.map((m) => m.id))
      }),
      { numRuns: 60 },
    )
  })

  it.effect("finds a phone's messages however the number is spelled", () =>
    Effect.gen(function* () {
      const shapes: Array<Shape> = [
        { channel: "whatsapp", recipient: 0, status: "sent", delivery: "failed" },
        { channel: "whatsapp", recipient: 1, status: "failed", delivery: undefined },
      ]
      yield* (yield* Outbox).enqueue(shapes.map(message))
      const listed = yield* listOutbox({ to: "0027 82 123 4567", failed: true })
      expect(listed.map((m) => m.to)).toEqual(["+27821234567"])
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("says what to type for a recipient or channel it cannot read", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(listOutbox({ to: "082 12", channel: "telegram" }))
      expect(error._tag).toBe("InvalidInput")
      expect((error as InvalidInput).issues).toEqual(
        expect.arrayContaining([
          {
            path: "to",
            message: "must be an E.164 phone number such as +27821234567, or an email address",
          },
          expect.objectContaining({ path: "channel" }),
        ]),
      )
    }).pipe(Effect.provide(layerInMemory())),
  )
})
