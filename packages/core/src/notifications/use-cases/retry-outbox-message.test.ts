import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, Option } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { layerAuditLogInMemory } from "../../audit/testing/audit-log.fake.ts"
import { layerConversationStoreInMemory } from "../../conversation/testing/conversation-store.fake.ts"
import type { MessageId } from "../../shared/ids.ts"
import {
  InMemoryStore,
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { DeliveryFailed } from "../domain/notifications.errors.ts"
import { type OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"
import { Notifier } from "../ports/notifier.ts"
import { Outbox } from "../ports/outbox.ts"
import { layerOutboxInMemory } from "../testing/outbox.fake.ts"
import { deliverDueMessages } from "./deliver-due-messages.ts"
import { retryOutboxMessage } from "./retry-outbox-message.ts"

const id = "msg_0000000000000000000a" as MessageId

const stored = (status: OutboxStatus, attempts: number): OutboxMessage => ({
  id,
  dedupeKey: "evt-1:email:application.rejected",
  channel: "email",
  to: "thandi@example.org",
  template: "application.rejected",
  subject: "Your application",
  body: "We could not approve your application.",
  status,
  attempts,
  nextAttemptAt: 3_600_000 as Instant,
  ...(status === "failed" ? { lastError: "550 mailbox unavailable" } : {}),
  ...(status === "sent" ? { sentAt: 10 as Instant } : {}),
  createdAt: 0 as Instant,
})

const sent: string[] = []
const layer = Layer.mergeAll(
  layerOutboxInMemory,
  layerTransactionsInMemory,
  layerAuditLogInMemory,
  layerConversationStoreInMemory,
  Layer.succeed(Notifier)(
    Notifier.of({
      send: (message) =>
        message.to.endsWith("@example.org")
          ? Effect.sync(() => {
              sent.push(message.id)
              return {}
            })
          : Effect.fail(new DeliveryFailed({ channel: "email", detail: "no", permanent: true })),
    }),
  ),
  Logger.layer([]),
).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore)))

const action = { messageId: id, operator: "naledi", reason: "address fixed by the provider" }

describe("retryOutboxMessage", () => {
  it.effect("puts a failed message back in the queue now, audited, and the worker sends it", () =>
    Effect.gen(function* () {
      const outbox = yield* Outbox
      const audit = yield* AuditLog
      yield* outbox.enqueue([stored("failed", 8)])
      yield* TestClock.adjust(5_000_000)

      const requeued = yield* retryOutboxMessage(action)

      expect(requeued).toMatchObject({ status: "pending", attempts: 8, nextAttemptAt: 5_000_000 })
      expect(requeued.lastError).toBe("requeued by naledi after: 550 mailbox unavailable")
      const entries = yield* audit.list({ subjectId: id })
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({
        actor: { _tag: "operator", name: "naledi" },
        action: "outbox.retry",
        subjectType: "outbox_message",
        subjectId: id,
        reason: "address fixed by the provider",
        details: { previousStatus: "failed", attempts: 8, lastError: "550 mailbox unavailable" },
        at: 5_000_000,
      })

      sent.length = 0
      expect(yield* deliverDueMessages({ batchSize: 5, leaseMs: 60_000 })).toMatchObject({
        sent: 1,
      })
      expect(sent).toEqual([id])
    }).pipe(Effect.provide(layer)),
  )

  it.effect("changes nothing when the audit row cannot be written", () =>
    Effect.gen(function* () {
      const outbox = yield* Outbox
      const store = yield* InMemoryStore
      yield* outbox.enqueue([stored("failed", 8)])
      yield* store.failAfterWrites(1) // the requeue is written, the audit row fails

      const error = yield* Effect.flip(retryOutboxMessage(action))

      expect(error._tag).toBe("PersistenceUnavailable")
      expect(Option.getOrThrow(yield* outbox.findById(id))).toEqual(stored("failed", 8))
    }).pipe(Effect.provide(layer)),
  )

  it.effect("names the message that does not exist, and the fields that are wrong", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(retryOutboxMessage(action))
      expect(missing).toMatchObject({ _tag: "OutboxMessageNotFound", messageId: id })

      const invalid = yield* Effect.flip(
        retryOutboxMessage({ messageId: "42", operator: "", reason: "" }),
      )
      expect(invalid._tag).toBe("InvalidInput")
      expect(invalid.message).toMatch(/messageId.*operator.*reason/)
    }).pipe(Effect.provide(layer)),
  )

  it("requeues failed and pending messages only; a sending or sent one is left as it was", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OutboxStatus.literals),
        fc.integer({ min: 0, max: 20 }),
        async (status, attempts) => {
          const program = Effect.gen(function* () {
            const outbox = yield* Outbox
            const audit = yield* AuditLog
            yield* outbox.enqueue([stored(status, attempts)])
            const result = yield* Effect.result(retryOutboxMessage(action))
            const after = Option.getOrThrow(yield* outbox.findById(id))
            const entries = yield* audit.list({})
            return { result, after, entries }
          }).pipe(Effect.provide(layer), Effect.provide(TestClock.layer()))

          const { result, after, entries } = await Effect.runPromise(program)

          if (status === "failed" || status === "pending") {
            expect(result._tag).toBe("Success")
            expect(after).toMatchObject({ status: "pending", attempts, nextAttemptAt: 0 })
            expect(entries).toHaveLength(1)
          } else {
            expect(result._tag === "Failure" && result.failure._tag).toBe(
              "OutboxMessageNotRetryable",
            )
            expect(after).toEqual(stored(status, attempts))
            expect(entries).toEqual([])
          }
        },
      ),
    )
  })
})
