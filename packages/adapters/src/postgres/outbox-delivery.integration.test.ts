import { describe, expect, it } from "@effect/vitest"
import {
  type DeliveryState,
  type Instant,
  type MessageId,
  Outbox,
  type OutboxMessage,
  recordDeliveryStatus,
} from "@fundi/core"
import { Effect, Option } from "effect"
import { layerKnex } from "./layer.ts"
import { isolatedDatabase, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

const message = (i: number): OutboxMessage => ({
  id: `msg_${String(i).padStart(20, "0")}` as MessageId,
  dedupeKey: `evt-${i}:whatsapp:t`,
  channel: "whatsapp",
  to: "+27821110000",
  template: "t",
  body: "hello",
  status: "pending",
  attempts: 0,
  nextAttemptAt: 0 as Instant,
  createdAt: 0 as Instant,
})

if (url === undefined) {
  describe("outbox delivery statuses on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  describe("outbox delivery statuses on a PostgreSQL server", () => {
    it.effect(
      "statuses of one message applied at once from many connections end at the furthest state",
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: 12 })
          const messages = Array.from({ length: 8 }, (_, i) => message(i + 1))
          const final = yield* Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* outbox.enqueue(messages)
            for (const m of messages) yield* outbox.markSent(m.id, 1 as Instant, `wamid.${m.id}`)
            // Every message gets sent, delivered and read at once, in a different order each.
            const states: ReadonlyArray<DeliveryState> = ["sent", "delivered", "read"]
            yield* Effect.forEach(
              messages.flatMap((m, i) =>
                [0, 1, 2].map((k) => ({ m, state: states[(i + k) % 3]! })),
              ),
              ({ m, state }) =>
                recordDeliveryStatus({
                  providerMessageId: `wamid.${m.id}`,
                  channel: "whatsapp",
                  state,
                  at: 2 as Instant,
                  recipient: m.to,
                }),
              { concurrency: "unbounded", discard: true },
            )
            return yield* Effect.forEach(messages, (m) =>
              Effect.map(outbox.findById(m.id), (found) => Option.getOrThrow(found).delivery),
            )
          }).pipe(Effect.provide(layerKnex(db.knex)))
          expect(final).toEqual(messages.map(() => "read"))
        }),
    )
  })
}
