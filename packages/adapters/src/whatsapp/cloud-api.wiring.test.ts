import {
  ConversationStore,
  deliverDueMessages,
  type Instant,
  type MessageId,
  Outbox,
} from "@fundi/core"
import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openFundi } from "../composition-root.ts"
import { loadConfig } from "../config.ts"
import { type FakeGraphApi, startFakeGraphApi } from "./testing/fake-graph-api.ts"

let graph: FakeGraphApi
beforeAll(async () => {
  graph = await startFakeGraphApi()
})
afterAll(() => graph.close())

describe("openFundi with WHATSAPP_ACCESS_TOKEN", () => {
  it("sends WhatsApp messages through the Cloud API at WHATSAPP_GRAPH_URL", async () => {
    const fundi = await openFundi(
      loadConfig({
        FUNDI_DATABASE_URL: "pglite://memory",
        WHATSAPP_ACCESS_TOKEN: "EAAG-wiring",
        WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
        WHATSAPP_GRAPH_URL: graph.graphUrl,
      }),
      { command: "test" },
    )
    try {
      expect(fundi.notifications).toContain("whatsapp via the Cloud API")
      const now = Date.now() as Instant
      const id = "msg_00000000000000000wzz" as MessageId
      const message = await fundi.runtime.runPromise(
        Effect.gen(function* () {
          yield* (yield* ConversationStore).save({
            phone: "+27825550123",
            channel: "whatsapp",
            optedOut: false,
            lastInboundAt: now,
            updatedAt: now,
          })
          const outbox = yield* Outbox
          yield* outbox.enqueue([
            {
              id,
              dedupeKey: "evt-wiring:whatsapp:test",
              channel: "whatsapp",
              to: "+27825550123",
              template: "test",
              body: "Hello from Fundi",
              status: "pending",
              attempts: 0,
              nextAttemptAt: now,
              createdAt: now,
            },
          ])
          yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })
          return Option.getOrThrow(yield* outbox.findById(id))
        }),
      )
      expect(graph.requests).toHaveLength(1)
      expect(graph.requests[0]).toMatchObject({
        path: "/v23.0/106540352242922/messages",
        body: { to: "27825550123", type: "text", text: { body: "Hello from Fundi" } },
      })
      expect(graph.requests[0]!.headers.authorization).toBe("Bearer EAAG-wiring")
      expect(message).toMatchObject({ status: "sent", providerMessageId: "wamid.1" })
    } finally {
      await fundi.close()
    }
  })
})
