import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Exit, Fiber, Layer, Logger, Option } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { layerAuditLogInMemory } from "../../audit/testing/audit-log.fake.ts"
import { layerConversationStoreInMemory } from "../../conversation/testing/conversation-store.fake.ts"
import type { MessageId } from "../../shared/ids.ts"
import {
  InMemoryStore,
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { type RetryPolicy, retryDelayMs } from "../domain/delivery.ops.ts"
import { DeliveryFailed } from "../domain/notifications.errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { Notifier } from "../ports/notifier.ts"
import { Outbox } from "../ports/outbox.ts"
import { layerOutboxInMemory } from "../testing/outbox.fake.ts"
import { deliverDueMessages } from "./deliver-due-messages.ts"

/** What the fake notifier does on one attempt at one message. */
type Outcome = "ok" | "transient" | "permanent" | "defect" | "hang"

interface Attempt {
  readonly id: string
  readonly at: number
  readonly outcome: Outcome
}

/**
 * A notifier that follows a script per message (attempt 1, 2, … then `otherwise`) and
 * records every attempt with the time it was made.
 */
const scriptedNotifier = (
  scripts: ReadonlyMap<
    string,
    { readonly steps: ReadonlyArray<Outcome>; readonly otherwise: Outcome }
  >,
) => {
  const attempts: Attempt[] = []
  const notifier = Notifier.of({
    send: (message) =>
      Effect.gen(function* () {
        const script = scripts.get(message.id) ?? { steps: [], otherwise: "ok" as const }
        const made = attempts.filter((a) => a.id === message.id).length
        const outcome = script.steps[made] ?? script.otherwise
        attempts.push({ id: message.id, at: yield* Clock.currentTimeMillis, outcome })
        switch (outcome) {
          case "ok":
            return {}
          case "transient":
          case "permanent":
            return yield* new DeliveryFailed({
              channel: message.channel,
              detail: `scripted ${outcome} failure`,
              permanent: outcome === "permanent",
            })
          case "defect":
            return yield* Effect.die(new Error("adapter bug"))
          case "hang":
            return yield* Effect.never
        }
      }),
  })
  return { notifier, attempts }
}

const layerWith = (notifier: typeof Notifier.Service) =>
  Layer.mergeAll(
    layerOutboxInMemory,
    layerTransactionsInMemory,
    layerAuditLogInMemory,
    layerConversationStoreInMemory,
    Layer.succeed(Notifier)(notifier),
    // The warnings the use case logs for each failed delivery are noise here.
    Logger.layer([]),
  ).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore)))

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
/** A valid, distinct message id for each index. */
const messageIdFor = (i: number): MessageId => {
  let body = ""
  for (let n = i, k = 0; k < 20; k++, n = Math.floor(n / 32)) body = alphabet[n % 32] + body
  return `msg_${body}` as MessageId
}

const message = (i: number, dueAt = 0): OutboxMessage => ({
  id: messageIdFor(i),
  dedupeKey: `event-${i}:email:welcome`,
  channel: "email",
  to: `someone${i}@example.org`,
  template: "application.approved",
  subject: "Welcome",
  body: `Hello ${i}`,
  status: "pending",
  attempts: 0,
  nextAttemptAt: dueAt as Instant,
  createdAt: 0 as Instant,
})

const statusOf = (id: MessageId) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    return Option.getOrThrow(yield* outbox.findById(id))
  })

describe("deliverDueMessages", () => {
  it.effect("sends due messages, marks them sent, and leaves messages not yet due alone", () => {
    const { notifier, attempts } = scriptedNotifier(new Map())
    return Effect.gen(function* () {
      const outbox = yield* Outbox
      yield* outbox.enqueue([message(1), message(2), message(3, 60_000)])
      yield* TestClock.adjust(1_000)

      const counts = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })

      expect(counts).toEqual({ claimed: 2, sent: 2, retried: 0, failed: 0 })
      expect(attempts.map((a) => a.id).sort()).toEqual([messageIdFor(1), messageIdFor(2)])
      const first = yield* statusOf(messageIdFor(1))
      expect(first).toMatchObject({ status: "sent", attempts: 1, sentAt: 1_000 })
      expect(yield* statusOf(messageIdFor(3))).toMatchObject({ status: "pending", attempts: 0 })
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect("queues a transient failure again after the backoff and fails a permanent one", () => {
    const { notifier } = scriptedNotifier(
      new Map([
        [messageIdFor(1), { steps: ["transient"], otherwise: "ok" }],
        [messageIdFor(2), { steps: ["permanent"], otherwise: "ok" }],
        [messageIdFor(3), { steps: ["defect"], otherwise: "ok" }],
      ]),
    )
    return Effect.gen(function* () {
      const outbox = yield* Outbox
      yield* outbox.enqueue([message(1), message(2), message(3)])

      const counts = yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })

      expect(counts).toEqual({ claimed: 3, sent: 0, retried: 2, failed: 1 })
      expect(yield* statusOf(messageIdFor(1))).toMatchObject({
        status: "pending",
        attempts: 1,
        nextAttemptAt: 30_000,
        lastError: "email delivery failed: scripted transient failure",
      })
      expect(yield* statusOf(messageIdFor(2))).toMatchObject({
        status: "failed",
        lastError: "email delivery failed permanently: scripted permanent failure",
      })
      const crashed = yield* statusOf(messageIdFor(3))
      expect(crashed).toMatchObject({ status: "pending", nextAttemptAt: 30_000 })
      expect(crashed.lastError).toContain("notifier crashed")

      yield* TestClock.adjust(29_999)
      expect((yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).claimed).toBe(0)
      yield* TestClock.adjust(1)
      expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toEqual({
        claimed: 2,
        sent: 2,
        retried: 0,
        failed: 0,
      })
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect(
    "gives up on a send that hangs after half the lease, before another worker may claim it",
    () => {
      const { notifier } = scriptedNotifier(
        new Map([[messageIdFor(1), { steps: ["hang"], otherwise: "ok" }]]),
      )
      return Effect.gen(function* () {
        const outbox = yield* Outbox
        yield* outbox.enqueue([message(1)])
        const run = yield* Effect.forkChild(deliverDueMessages({ batchSize: 10, leaseMs: 60_000 }))
        yield* TestClock.adjust(30_000)
        expect(yield* Fiber.join(run)).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0 })
        const after = yield* statusOf(messageIdFor(1))
        expect(after).toMatchObject({ status: "pending", nextAttemptAt: 60_000 })
        expect(after.lastError).toContain("no answer within 30000 ms")
      }).pipe(Effect.provide(layerWith(notifier)))
    },
  )

  it.effect(
    "a send held back by pacing is due again when the pace allows, its attempt given back",
    () => {
      let calls = 0
      const notifier = Notifier.of({
        send: (m) => {
          calls++
          return calls === 1
            ? Effect.fail(
                new DeliveryFailed({
                  channel: m.channel,
                  detail: "pacing: next message in 6000 ms",
                  permanent: false,
                  retryAfterMs: 6_000,
                  notAttempted: true,
                }),
              )
            : Effect.succeed({})
        },
      })
      return Effect.gen(function* () {
        const outbox = yield* Outbox
        yield* outbox.enqueue([message(1)])
        expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toEqual({
          claimed: 1,
          sent: 0,
          retried: 1,
          failed: 0,
        })
        // Not the 30 s backoff of a failure, and no attempt used up.
        expect(yield* statusOf(messageIdFor(1))).toMatchObject({
          status: "pending",
          attempts: 0,
          nextAttemptAt: 6_000,
        })
        yield* TestClock.adjust(5_999)
        expect((yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).claimed).toBe(0)
        yield* TestClock.adjust(1)
        expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
          sent: 1,
        })
        expect(yield* statusOf(messageIdFor(1))).toMatchObject({ status: "sent", attempts: 1 })
      }).pipe(Effect.provide(layerWith(notifier)))
    },
  )

  it.effect("starts no send after half the lease, so a slow batch cannot outlast its claim", () => {
    const { notifier, attempts } = scriptedNotifier(
      new Map([[messageIdFor(1), { steps: ["hang"], otherwise: "ok" }]]),
    )
    return Effect.gen(function* () {
      const outbox = yield* Outbox
      yield* outbox.enqueue([message(1), message(2)])
      const run = yield* Effect.forkChild(deliverDueMessages({ batchSize: 10, leaseMs: 60_000 }))
      yield* TestClock.adjust(30_000)
      // The first send hung for half the lease; the second is not started this run.
      expect(yield* Fiber.join(run)).toEqual({ claimed: 2, sent: 0, retried: 1, failed: 0 })
      expect(attempts.map((a) => a.id)).toEqual([messageIdFor(1)])
      expect((yield* statusOf(messageIdFor(2))).status).toBe("sending")
      // It comes back once the lease ends, and is sent then.
      yield* TestClock.adjust(30_000)
      expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
        sent: 2,
      })
    }).pipe(Effect.provide(layerWith(notifier)))
  })

  it.effect(
    "loses no message when the outcome cannot be recorded: it comes back after the lease",
    () => {
      const { notifier, attempts } = scriptedNotifier(new Map())
      return Effect.gen(function* () {
        const outbox = yield* Outbox
        const store = yield* InMemoryStore
        yield* outbox.enqueue([message(1), message(2)])
        // The claim is the next write and succeeds; recording the first send fails.
        yield* store.failAfterWrites(1)

        const exit = yield* Effect.exit(deliverDueMessages({ batchSize: 10, leaseMs: 60_000 }))

        expect(Exit.isFailure(exit)).toBe(true)
        expect(String(exit)).toContain("PersistenceUnavailable")
        // It stopped at the failure: the second message was not sent without a way to record it.
        expect(attempts.map((a) => a.id)).toEqual([messageIdFor(1)])
        expect((yield* statusOf(messageIdFor(1))).status).toBe("sending")
        expect((yield* statusOf(messageIdFor(2))).status).toBe("sending")

        yield* TestClock.adjust(59_999)
        expect((yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).claimed).toBe(0)
        yield* TestClock.adjust(1)
        expect(yield* deliverDueMessages({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
          sent: 2,
        })
        expect((yield* statusOf(messageIdFor(2))).status).toBe("sent")
      }).pipe(Effect.provide(layerWith(notifier)))
    },
  )

  it.effect("rejects a batch size or lease that is not a positive integer", () => {
    const { notifier } = scriptedNotifier(new Map())
    return Effect.gen(function* () {
      const error = yield* Effect.flip(deliverDueMessages({ batchSize: 0, leaseMs: 1.5 }))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain("batchSize")
      expect(error.message).toContain("leaseMs")
    }).pipe(Effect.provide(layerWith(notifier)))
  })
})

const outcomeArb = fc.constantFrom<Outcome>("ok", "transient", "permanent", "defect")
const policyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    baseDelayMs: fc.integer({ min: 1, max: 60_000 }),
    extra: fc.integer({ min: 0, max: 3_600_000 }),
    maxAttempts: fc.integer({ min: 1, max: 9 }),
  })
  .map(({ baseDelayMs, extra, maxAttempts }) => ({
    baseDelayMs,
    maxDelayMs: baseDelayMs + extra,
    maxAttempts,
  }))

/** What the script says should happen to a message: the first decisive outcome wins. */
const expectedFate = (
  script: { readonly steps: ReadonlyArray<Outcome>; readonly otherwise: Outcome },
  maxAttempts: number,
): { status: "sent" | "failed"; attempts: number } => {
  for (let k = 1; k <= maxAttempts; k++) {
    const outcome = script.steps[k - 1] ?? script.otherwise
    if (outcome === "ok") return { status: "sent", attempts: k }
    if (outcome === "permanent") return { status: "failed", attempts: k }
  }
  return { status: "failed", attempts: maxAttempts }
}

describe("deliverDueMessages, model", () => {
  it("ends every message sent or failed, never sends one twice, and bounds attempts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            dueAt: fc.integer({ min: 0, max: 600_000 }),
            steps: fc.array(outcomeArb, { maxLength: 10 }),
            otherwise: outcomeArb,
          }),
          { minLength: 1, maxLength: 12 },
        ),
        policyArb,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1_000, max: 600_000 }),
        async (specs, policy, batchSize, leaseMs) => {
          const scripts = new Map(
            specs.map((s, i) => [messageIdFor(i), { steps: s.steps, otherwise: s.otherwise }]),
          )
          const { notifier, attempts } = scriptedNotifier(scripts)
          const totals = { sent: 0, retried: 0, failed: 0 }

          const program = Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* outbox.enqueue(specs.map((s, i) => message(i, s.dueAt)))
            // Enough rounds for every attempt of every message, one message per round.
            const bound = specs.length * policy.maxAttempts + 1
            for (let round = 0; round < bound; round++) {
              const pending = yield* outbox.list({ status: "pending" })
              if (pending.length === 0) break
              // Wake exactly when the earliest message is due, as a punctual worker would.
              const earliest = Math.min(...pending.map((m) => m.nextAttemptAt))
              const clock = yield* Clock.currentTimeMillis
              if (earliest > clock) yield* TestClock.adjust(earliest - clock)
              const counts = yield* deliverDueMessages({ batchSize, leaseMs, retry: policy })
              expect(counts.claimed).toBeGreaterThan(0)
              expect(counts.claimed).toBeLessThanOrEqual(batchSize)
              expect(counts.sent + counts.retried + counts.failed).toBe(counts.claimed)
              totals.sent += counts.sent
              totals.retried += counts.retried
              totals.failed += counts.failed
              // Nothing is left claimed once a run returns.
              expect(yield* outbox.list({ status: "sending" })).toEqual([])
            }
            return yield* outbox.list({})
          }).pipe(Effect.provide(layerWith(notifier)), Effect.provide(TestClock.layer()))

          const final = await Effect.runPromise(program)

          expect(final).toHaveLength(specs.length)
          for (const [i, spec] of specs.entries()) {
            const id = messageIdFor(i)
            const stored = final.find((m) => m.id === id)!
            const fate = expectedFate(spec, policy.maxAttempts)
            expect({ status: stored.status, attempts: stored.attempts }).toEqual(fate)
            const mine = attempts.filter((a) => a.id === id)
            expect(mine).toHaveLength(fate.attempts)
            expect(mine.filter((a) => a.outcome === "ok")).toHaveLength(
              fate.status === "sent" ? 1 : 0,
            )
            expect(mine[0]!.at).toBeGreaterThanOrEqual(spec.dueAt)
            // Never retried before its backoff ran out.
            for (let k = 1; k < mine.length; k++) {
              expect(mine[k]!.at - mine[k - 1]!.at).toBeGreaterThanOrEqual(retryDelayMs(k, policy))
            }
          }
          expect(totals.sent).toBe(final.filter((m) => m.status === "sent").length)
          expect(totals.failed).toBe(final.filter((m) => m.status === "failed").length)
          expect(totals.retried).toBe(attempts.length - specs.length)
        },
      ),
      { numRuns: 150 },
    )
  })
})
