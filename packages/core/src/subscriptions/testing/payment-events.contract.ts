import { Effect } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { compareText } from "../../shared/testing/in-memory-store.ts"
import { arbText } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import {
  type NewPaymentEvent,
  type PaymentEvent,
  type PaymentEventState,
  PaymentEventStates,
  PaymentEvents,
} from "../ports/payment-events.ts"
import { arbNewPaymentEvent } from "./subscriptions.arbitraries.ts"

const arbEvents = (maxLength: number) =>
  fc.uniqueArray(arbNewPaymentEvent, {
    minLength: 1,
    maxLength,
    selector: (e) => e.key,
  })

/** What `record` keeps of a new event: pending, never tried, due at once. */
const recorded = (event: NewPaymentEvent): PaymentEvent => ({
  ...event,
  state: "pending",
  attempts: 0,
  nextAttemptAt: event.receivedAt,
})

const recordAll = (events: ReadonlyArray<NewPaymentEvent>) =>
  Effect.gen(function* () {
    const inbox = yield* PaymentEvents
    for (const event of events) expect(yield* inbox.record(event)).toEqual({ recorded: true })
  })

const byKey = (events: ReadonlyArray<PaymentEvent>) =>
  [...events].sort((a, b) => compareText(a.key, b.key))

const all = Effect.gen(function* () {
  return yield* (yield* PaymentEvents).list({})
})

const later = (at: Instant, ms: number) => (at + ms) as Instant

/**
 * The contract every PaymentEvents adapter keeps (the inbox of gateway webhooks).
 * `makeLayer` must give fresh, empty storage on every call.
 *
 * A claim counts as an attempt (attempts + 1) and leases the event by moving its
 * nextAttemptAt to `leaseUntil`; the event stays `pending`, so a worker that dies holding
 * it leaves it to be claimed again once the lease ends. Settling or failing an event that
 * is not there changes nothing (like an SQL UPDATE).
 */
export const paymentEventsContract = (
  name: string,
  makeLayer: MakeLayer<PaymentEvents>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`PaymentEvents contract: ${name}`, () => {
    it("keeps a new event pending and due at once, and a redelivery once", async () => {
      await fc.assert(
        fc.asyncProperty(arbEvents(5), arbNewPaymentEvent, (events, other) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* PaymentEvents
              yield* recordAll(events)
              const first = events[0] as NewPaymentEvent
              // The same key again (Paystack retries until it gets a 200): not kept twice,
              // and what was kept first stays as it was.
              expect(
                yield* inbox.record({
                  ...other,
                  key: first.key,
                  receivedAt: later(first.receivedAt, 1),
                }),
              ).toEqual({ recorded: false })
              expect(byKey(yield* all)).toEqual(byKey(events.map(recorded)))
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("claims due pending events in order (due, received, key), up to the limit, leasing them", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbEvents(6),
          fc.integer({ min: 0, max: 7 }),
          fc.integer({ min: 1, max: 3_600_000 }),
          (events, limit, leaseMs) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* PaymentEvents
                yield* recordAll(events)
                const at = events.map((e) => e.receivedAt).sort((a, b) => a - b)[
                  Math.floor(events.length / 2)
                ] as Instant
                const leaseUntil = later(at, leaseMs)
                const expected = events
                  .map(recorded)
                  .filter((e) => e.nextAttemptAt <= at)
                  .sort(
                    (a, b) =>
                      a.nextAttemptAt - b.nextAttemptAt ||
                      a.receivedAt - b.receivedAt ||
                      compareText(a.key, b.key),
                  )
                  .slice(0, limit)
                  .map((e) => ({ ...e, attempts: 1, nextAttemptAt: leaseUntil }))
                const claimed = yield* inbox.claimDue(at, limit, leaseUntil)
                expect(claimed).toEqual(expected)
                // Leased: not claimed again before the lease ends, claimed again from then on.
                const again = yield* inbox.claimDue(
                  later(leaseUntil, -1),
                  100,
                  later(leaseUntil, 10),
                )
                expect(again.filter((e) => claimed.some((c) => c.key === e.key))).toEqual([])
                const afterLease = later(leaseUntil, 10)
                const retaken = yield* inbox.claimDue(afterLease, 100, later(afterLease, 10))
                for (const c of claimed) {
                  expect(retaken.find((e) => e.key === c.key)?.attempts).toBe(2)
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("settle closes an event with its outcome; it is never claimed again", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbNewPaymentEvent,
          fc.constantFrom("processed" as const, "ignored" as const),
          arbText(80),
          (event, state, outcome) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* PaymentEvents
                yield* recordAll([event])
                const at = later(event.receivedAt, 5)
                yield* inbox.claimDue(at, 10, later(at, 60_000))
                yield* inbox.settle(event.key, { state, outcome, at })
                expect(yield* all).toEqual([
                  {
                    ...recorded(event),
                    attempts: 1,
                    nextAttemptAt: later(at, 60_000),
                    state,
                    outcome,
                    processedAt: at,
                  },
                ])
                expect(
                  yield* inbox.claimDue(later(at, 10 ** 10), 10, later(at, 10 ** 10 + 1)),
                ).toEqual([])
                // Nothing there: nothing changes.
                yield* inbox.settle("charge.success:0", { state, outcome, at })
                expect((yield* all).length).toBe(1)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("retryOrFail puts an event back for later with its error, or fails it for good", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbNewPaymentEvent,
          arbText(200),
          fc.option(fc.integer({ min: 1, max: 86_400_000 }), { nil: undefined }),
          (event, error, delay) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* PaymentEvents
                yield* recordAll([event])
                const at = event.receivedAt
                yield* inbox.claimDue(at, 10, later(at, 60_000))
                const retryAt = delay === undefined ? undefined : later(at, delay)
                yield* inbox.retryOrFail(
                  event.key,
                  retryAt === undefined ? { error } : { error, retryAt },
                )
                const [stored] = yield* all
                expect(stored).toEqual({
                  ...recorded(event),
                  attempts: 1,
                  state: retryAt === undefined ? "failed" : "pending",
                  lastError: error,
                  nextAttemptAt: retryAt ?? later(at, 60_000),
                })
                const much = later(at, 10 ** 9)
                const claimed = yield* inbox.claimDue(much, 10, later(much, 1))
                expect(claimed.map((e) => e.key)).toEqual(retryAt === undefined ? [] : [event.key])
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("lists newest received first (ties by key), by state, up to the limit", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbEvents(6),
          fc.array(fc.constantFrom(...PaymentEventStates), { minLength: 6, maxLength: 6 }),
          fc.subarray([...PaymentEventStates], { minLength: 1 }),
          fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
          (events, targets, states, limit) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* PaymentEvents
                yield* recordAll(events)
                const at = later(Math.max(...events.map((e) => e.receivedAt)) as Instant, 1)
                const stored: Array<PaymentEvent> = []
                for (const [i, event] of events.entries()) {
                  const target = targets[i] as PaymentEventState
                  if (target === "processed" || target === "ignored") {
                    yield* inbox.settle(event.key, { state: target, outcome: "done", at })
                    stored.push({
                      ...recorded(event),
                      state: target,
                      outcome: "done",
                      processedAt: at,
                    })
                  } else if (target === "failed") {
                    yield* inbox.retryOrFail(event.key, { error: "boom" })
                    stored.push({ ...recorded(event), state: "failed", lastError: "boom" })
                  } else {
                    stored.push(recorded(event))
                  }
                }
                const newestFirst = stored.sort(
                  (a, b) => b.receivedAt - a.receivedAt || compareText(a.key, b.key),
                )
                const filtered = newestFirst.filter((e) => states.includes(e.state))
                expect(
                  yield* inbox.list(limit === undefined ? { states } : { states, limit }),
                ).toEqual(limit === undefined ? filtered : filtered.slice(0, limit))
                expect(yield* inbox.list({})).toEqual(newestFirst)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing a failed transaction recorded", async () => {
      await fc.assert(
        fc.asyncProperty(arbNewPaymentEvent, (event) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* PaymentEvents
              yield* inFailingTransaction(inbox.record(event))
              expect(yield* all).toEqual([])
              expect(yield* inbox.record(event)).toEqual({ recorded: true })
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
