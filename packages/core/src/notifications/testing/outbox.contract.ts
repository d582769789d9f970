import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { conversationTemplates } from "../../conversation/domain/conversation.replies.ts"
import type { DeliveryState } from "../../conversation/domain/inbound.ts"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { arbConversationSession } from "../../conversation/testing/inbox.arbitraries.ts"
import type { MessageId } from "../../shared/ids.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant, arbMessageId, arbPhone } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import type { OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"
import { writableFor } from "../domain/whatsapp-send.ops.ts"
import { Outbox, type OutboxFilter } from "../ports/outbox.ts"
import { arbNotificationChannel, arbOutboxMessage } from "./outbox.arbitraries.ts"

const at = (ms: number) => ms as Instant
const ids = (messages: ReadonlyArray<OutboxMessage>) => messages.map((m) => m.id)

/** Distinct ids and dedupe keys, created at few distinct instants so ties happen. */
const arbMessages = (maxLength: number) =>
  fc
    .tuple(
      fc.uniqueArray(arbOutboxMessage, {
        minLength: 1,
        maxLength,
        comparator: (a, b) => a.id === b.id || a.dedupeKey === b.dedupeKey,
      }),
      fc.tuple(arbInstant, arbInstant),
    )
    .map(([messages, times]) =>
      messages.map(
        (m, i): OutboxMessage => ({
          ...m,
          createdAt: times[i % 2]!,
          nextAttemptAt: times[i % 2]!,
        }),
      ),
    )

/** Newest first (createdAt desc); messages created at the same instant, last enqueued first. */
const expectedList = (enqueued: ReadonlyArray<OutboxMessage>, filter: OutboxFilter) => {
  const newestFirst = enqueued
    .map((message, seq) => ({ message, seq }))
    .sort((a, b) => b.message.createdAt - a.message.createdAt || b.seq - a.seq)
    .map(({ message }) => message)
    .filter(
      (m) =>
        (filter.status === undefined || m.status === filter.status) &&
        (filter.partyId === undefined || m.partyId === filter.partyId) &&
        (filter.to === undefined || m.to === filter.to) &&
        (filter.channel === undefined || m.channel === filter.channel) &&
        (filter.delivery === undefined || m.delivery === filter.delivery),
    )
  return filter.limit === undefined ? newestFirst : newestFirst.slice(0, filter.limit)
}

/**
 * Claim order: due soonest first, then in the order enqueued, so the replies of one turn
 * (enqueued together, due at the same instant) go out in the order the bot said them.
 * `Array.prototype.sort` is stable: over messages in enqueue order this is that order.
 */
const dueOrder = (a: OutboxMessage, b: OutboxMessage) => a.nextAttemptAt - b.nextAttemptAt

/**
 * A few phone numbers, the state of each one's session before (none, opted in, opted out)
 * and what a later transaction saves (nothing, opted in, opted out), and messages on every
 * channel addressed to those numbers or others, the opt-out confirmation among them. Some
 * share an earlier message's dedupeKey (to another number, say), so a message left out
 * next to one kept under the same key is covered.
 */
const arbOptOutCase = fc.uniqueArray(arbPhone, { minLength: 1, maxLength: 3 }).chain((phones) =>
  fc.record({
    sessions: fc.tuple(
      ...phones.map((phone) =>
        fc.record({
          phone: fc.constant(phone),
          before: fc.constantFrom(undefined, false, true),
          after: fc.constantFrom(undefined, false, true),
          saved: arbConversationSession,
        }),
      ),
    ),
    messages: arbMessages(8).chain((messages) =>
      fc.tuple(
        ...messages.map((m, i) =>
          fc
            .record({
              // Mostly WhatsApp to those numbers, so nearly every run leaves some out.
              channel: fc.oneof(
                { weight: 3, arbitrary: fc.constant("whatsapp" as const) },
                { weight: 1, arbitrary: arbNotificationChannel },
              ),
              to: fc.oneof(
                { weight: 4, arbitrary: fc.constantFrom(...phones) },
                { weight: 1, arbitrary: fc.constant(m.to) },
              ),
              template: fc.oneof(
                { weight: 3, arbitrary: fc.constant(m.template) },
                { weight: 1, arbitrary: fc.constant(conversationTemplates.stopped) },
              ),
              dedupeKey: fc.constantFrom(m.dedupeKey, messages[Math.max(0, i - 1)]!.dedupeKey),
            })
            .map((changes): OutboxMessage => ({ ...m, ...changes })),
        ),
      ),
    ),
  }),
)

const statusOf = (id: MessageId) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    return Option.getOrUndefined(yield* outbox.findById(id))?.status
  })

/**
 * The contract every Outbox adapter keeps: exactly-once enqueue by dedupeKey, no WhatsApp
 * to a number whose session (the ConversationStore's, in the same storage) is opted out
 * bar the confirmation, leased claims (a claim expires after leaseMs and the message can
 * be claimed again), retries and final failure, and no message claimed twice by concurrent
 * workers. `makeLayer` must give fresh, empty storage on every call.
 */
export const outboxContract = (
  name: string,
  makeLayer: MakeLayer<Outbox | ConversationStore>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`Outbox contract: ${name}`, () => {
    it("gives back enqueued messages by id and lists them newest first, filtered", async () => {
      const arbCase = arbMessages(8).chain((messages) =>
        fc.tuple(
          fc.constant(messages),
          fc.array(
            fc.record(
              {
                status: fc.constantFrom<OutboxStatus>("pending", "sending", "sent", "failed"),
                partyId: fc.constantFrom(...messages.map((m) => m.partyId ?? "pty_nobody")),
                to: fc.constantFrom(...messages.map((m) => m.to), "+10000000000"),
                channel: arbNotificationChannel,
                delivery: fc.constantFrom<DeliveryState>("sent", "delivered", "read", "failed"),
                limit: fc.integer({ min: 1, max: 5 }),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 4 },
          ),
        ),
      )
      await fc.assert(
        fc.asyncProperty(arbCase, ([messages, filters]) =>
          run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              // Two batches: order across calls must hold as well as within one.
              const half = Math.ceil(messages.length / 2)
              yield* outbox.enqueue(messages.slice(0, half))
              yield* outbox.enqueue(messages.slice(half))
              for (const m of messages) {
                expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toEqual(m)
              }
              for (const filter of [{}, ...filters]) {
                expect(yield* outbox.list(filter)).toEqual(expectedList(messages, filter))
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("skips a message whose dedupeKey is already there, across and within batches", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbOutboxMessage,
          fc.uniqueArray(arbMessageId, { minLength: 3, maxLength: 3 }),
          (message, [second, third, fourth]) => {
            fc.pre(![second, third, fourth].includes(message.id))
            return run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                yield* outbox.enqueue([message])
                yield* outbox.enqueue([{ ...message, id: second!, body: "again" }])
                yield* outbox.enqueue([
                  { ...message, id: third!, dedupeKey: `${message.dedupeKey}-other` },
                  { ...message, id: fourth!, dedupeKey: `${message.dedupeKey}-other` },
                ])
                expect(ids(yield* outbox.list({})).sort()).toEqual([message.id, third!].sort())
                expect(Option.getOrUndefined(yield* outbox.findById(message.id))).toEqual(message)
                expect(Option.isNone(yield* outbox.findById(second!))).toBe(true)
                expect(Option.isNone(yield* outbox.findById(fourth!))).toBe(true)
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("stores exactly what writableFor keeps under the sessions the transaction sees", async () => {
      await fc.assert(
        fc.asyncProperty(arbOptOutCase, ({ sessions, messages }) => {
          const half = Math.ceil(messages.length / 2)
          const [first, second] = [messages.slice(0, half), messages.slice(half)]
          const optedOutIn =
            (states: ReadonlyMap<string, boolean | undefined>) => (phone: string) =>
              states.get(phone) === true
          const before = new Map(sessions.map((s) => [s.phone, s.before]))
          const after = new Map(sessions.map((s) => [s.phone, s.after ?? s.before]))
          // In order, the first of a dedupeKey wins; a message left out takes no key, so a
          // later one with its key is kept (and itself, enqueued again after "start").
          const expected: Array<OutboxMessage> = []
          const keys = new Set<string>()
          const enqueued = (batch: ReadonlyArray<OutboxMessage>, optedOut: typeof before) => {
            for (const m of batch) {
              if (keys.has(m.dedupeKey) || !writableFor(m, optedOutIn(optedOut))) continue
              keys.add(m.dedupeKey)
              expected.push(m)
            }
          }
          enqueued(first, before)
          enqueued([...first, ...second], after)
          return run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              const store = yield* ConversationStore
              const save = (s: (typeof sessions)[number], optedOut: boolean | undefined) =>
                optedOut === undefined
                  ? Effect.void
                  : store.save({ ...s.saved, phone: s.phone, optedOut })
              for (const s of sessions) yield* save(s, s.before)
              // Outside a transaction: written at once.
              yield* outbox.enqueue(first)
              // Opt-outs and "start"s saved earlier in the same transaction count, though
              // Postgres holds the messages back and writes them at commit.
              yield* (yield* Transactions).run(
                Effect.gen(function* () {
                  for (const s of sessions) yield* save(s, s.after)
                  yield* outbox.enqueue([...first, ...second])
                }),
              )
              expect(ids(yield* outbox.list({})).sort()).toEqual(ids(expected).sort())
              for (const m of expected) {
                expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toEqual(m)
              }
            }),
          )
        }),
        { numRuns },
      )
    })

    it("claims only due messages, oldest due first, up to the limit, as a lease", async () => {
      const arbCase = fc.tuple(
        arbMessages(8),
        fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 600_000 }),
      )
      await fc.assert(
        fc.asyncProperty(arbCase, ([messages, shift, limit, leaseMs]) =>
          run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              yield* outbox.enqueue(messages)
              // A claim instant among the messages' due times, so some are due and some not.
              const now = at(messages[0]!.nextAttemptAt + shift)
              const expected = messages
                .filter((m) => m.nextAttemptAt <= now)
                .sort(dueOrder)
                .slice(0, limit)
                .map(
                  (m): OutboxMessage => ({
                    ...m,
                    status: "sending",
                    attempts: m.attempts + 1,
                    nextAttemptAt: at(now + leaseMs),
                  }),
                )
              const claimed = yield* outbox.claimDue({ now, limit, leaseMs })
              expect(claimed).toEqual(expected)
              for (const m of claimed) {
                expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toEqual(m)
              }
              // Within the lease nothing claimed comes back.
              const again = yield* outbox.claimDue({ now, limit: 100, leaseMs })
              expect(ids(again).filter((id) => ids(claimed).includes(id))).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("a claim whose lease ran out can be claimed again, 1 ms earlier it cannot", async () => {
      await fc.assert(
        fc.asyncProperty(arbOutboxMessage, fc.integer({ min: 1, max: 600_000 }), (m, leaseMs) =>
          run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              yield* outbox.enqueue([m])
              const now = m.nextAttemptAt
              expect(ids(yield* outbox.claimDue({ now, limit: 10, leaseMs }))).toEqual([m.id])
              const expiry = at(now + leaseMs)
              expect(yield* outbox.claimDue({ now: at(expiry - 1), limit: 10, leaseMs })).toEqual(
                [],
              )
              const reclaimed = yield* outbox.claimDue({ now: expiry, limit: 10, leaseMs })
              expect(reclaimed).toEqual([
                { ...m, status: "sending", attempts: 2, nextAttemptAt: at(expiry + leaseMs) },
              ])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("markSent records the time and the message is never claimed again", async () => {
      await fc.assert(
        fc.asyncProperty(arbOutboxMessage, fc.nat(60_000), (m, delay) =>
          run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              yield* outbox.enqueue([m])
              const now = m.nextAttemptAt
              yield* outbox.claimDue({ now, limit: 1, leaseMs: 1_000 })
              yield* outbox.markSent(m.id, at(now + delay))
              expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toMatchObject({
                status: "sent",
                attempts: 1,
                sentAt: now + delay,
              })
              const later = at(now + 365 * 86_400_000)
              expect(yield* outbox.claimDue({ now: later, limit: 10, leaseMs: 1 })).toEqual([])
              expect(ids(yield* outbox.list({ status: "sent" }))).toEqual([m.id])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("markFailed with a retry time makes it pending and due then; without, failed for good", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbOutboxMessage,
          fc.integer({ min: 1, max: 3_600_000 }),
          fc.string({ minLength: 1, maxLength: 80 }),
          (m, backoff, error) =>
            run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                yield* outbox.enqueue([m])
                const now = m.nextAttemptAt
                yield* outbox.claimDue({ now, limit: 1, leaseMs: 1_000 })
                const retryAt = at(now + backoff)
                yield* outbox.markFailed(m.id, error, Option.some(retryAt))
                expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toEqual({
                  ...m,
                  status: "pending",
                  attempts: 1,
                  lastError: error,
                  nextAttemptAt: retryAt,
                })
                expect(
                  yield* outbox.claimDue({ now: at(retryAt - 1), limit: 10, leaseMs: 1_000 }),
                ).toEqual([])
                const retried = yield* outbox.claimDue({ now: retryAt, limit: 10, leaseMs: 1_000 })
                expect(retried.map((r) => [r.id, r.attempts, r.lastError])).toEqual([
                  [m.id, 2, error],
                ])

                yield* outbox.markFailed(m.id, `${error}!`, Option.none())
                expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toMatchObject({
                  status: "failed",
                  attempts: 2,
                  lastError: `${error}!`,
                })
                const later = at(retryAt + 365 * 86_400_000)
                expect(yield* outbox.claimDue({ now: later, limit: 10, leaseMs: 1 })).toEqual([])
                expect(yield* statusOf(m.id)).toBe("failed")
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("defer makes it pending and due then, giving back the attempt its claim counted", async () => {
      await fc.assert(
        fc.asyncProperty(arbOutboxMessage, fc.integer({ min: 1, max: 600_000 }), (m, wait) =>
          run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              yield* outbox.enqueue([m])
              const now = m.nextAttemptAt
              yield* outbox.claimDue({ now, limit: 1, leaseMs: 1_000 })
              const until = at(now + wait)
              yield* outbox.defer(m.id, until)
              expect(Option.getOrUndefined(yield* outbox.findById(m.id))).toEqual({
                ...m,
                status: "pending",
                nextAttemptAt: until,
              })
              expect(yield* outbox.claimDue({ now: at(until - 1), limit: 10, leaseMs: 1 })).toEqual(
                [],
              )
              const again = yield* outbox.claimDue({ now: until, limit: 10, leaseMs: 1_000 })
              expect(again.map((r) => [r.id, r.attempts])).toEqual([[m.id, m.attempts + 1]])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps the provider's message id from markSent, finds by it, and records delivery", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbMessages(3),
          fc.uniqueArray(fc.stringMatching(/^wamid\.[A-Za-z0-9=]{1,40}$/), {
            minLength: 4,
            maxLength: 4,
          }),
          fc.constantFrom<DeliveryState>("sent", "delivered", "read", "failed"),
          fc.option(fc.string({ minLength: 1, maxLength: 80 }), { nil: undefined }),
          (messages, wamids, state, error) =>
            run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                yield* outbox.enqueue(messages)
                const now = at(Math.max(...messages.map((m) => m.nextAttemptAt)))
                yield* outbox.claimDue({ now, limit: 10, leaseMs: 1_000 })
                // The first messages get provider ids; the last is sent without one (email).
                const [last, ...withIds] = [...messages].reverse()
                for (const [i, m] of withIds.entries()) {
                  yield* outbox.markSent(m.id, now, wamids[i]!)
                }
                yield* outbox.markSent(last!.id, now)
                for (const [i, m] of withIds.entries()) {
                  const found = Option.getOrUndefined(
                    yield* outbox.findByProviderMessageId(wamids[i]!),
                  )
                  expect(found).toMatchObject({ id: m.id, providerMessageId: wamids[i] })
                }
                expect(
                  Option.getOrUndefined(yield* outbox.findById(last!.id))?.providerMessageId,
                ).toBeUndefined()
                expect(Option.isNone(yield* outbox.findByProviderMessageId(wamids[3]!))).toBe(true)

                const target = messages[0]!
                yield* outbox.recordDelivery(target.id, state, error)
                const recorded = Option.getOrUndefined(yield* outbox.findById(target.id))
                expect(recorded?.delivery).toBe(state)
                expect(recorded?.deliveryError).toBe(error)
                expect(recorded?.status).toBe("sent")
                // A later state without an error clears the earlier one.
                yield* outbox.recordDelivery(target.id, "read")
                const cleared = Option.getOrUndefined(yield* outbox.findById(target.id))
                expect(cleared?.delivery).toBe("read")
                expect(cleared?.deliveryError).toBeUndefined()
                for (const m of messages.slice(1)) {
                  expect(Option.getOrUndefined(yield* outbox.findById(m.id))?.delivery).toBe(
                    undefined,
                  )
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("lists by the delivery state the channel reported", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbMessages(6),
          fc.array(fc.constantFrom<DeliveryState | undefined>(undefined, "delivered", "failed"), {
            minLength: 6,
            maxLength: 6,
          }),
          (messages, states) =>
            run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                yield* outbox.enqueue(messages)
                const reported = messages.map((m, i) => ({ ...m, delivery: states[i] }))
                for (const m of reported) {
                  if (m.delivery !== undefined) yield* outbox.recordDelivery(m.id, m.delivery)
                }
                for (const delivery of ["delivered", "failed"] as const) {
                  const expected = expectedList(messages, {}).filter(
                    (m) => reported.find((r) => r.id === m.id)?.delivery === delivery,
                  )
                  expect(ids(yield* outbox.list({ delivery }))).toEqual(ids(expected))
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("concurrent claims never hand the same message to two workers", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbMessages(12),
          fc.integer({ min: 2, max: 5 }),
          fc.integer({ min: 1, max: 4 }),
          (messages, workers, limit) =>
            run(
              Effect.gen(function* () {
                const outbox = yield* Outbox
                yield* outbox.enqueue(messages)
                const now = at(Math.max(...messages.map((m) => m.nextAttemptAt)))
                const claims = yield* Effect.all(
                  Array.from({ length: workers }, () =>
                    outbox.claimDue({ now, limit, leaseMs: 60_000 }),
                  ),
                  { concurrency: "unbounded" },
                )
                const claimed = claims.flatMap(ids)
                expect(new Set(claimed).size).toBe(claimed.length)
                expect(claimed.length).toBe(Math.min(messages.length, workers * limit))
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing enqueued inside a transaction that fails, and keeps a committed one", async () => {
      await fc.assert(
        fc.asyncProperty(arbMessages(2), arbOutboxMessage, (kept, lost) => {
          fc.pre(kept.every((k) => k.id !== lost.id && k.dedupeKey !== lost.dedupeKey))
          return run(
            Effect.gen(function* () {
              const outbox = yield* Outbox
              const tx = yield* Transactions
              yield* tx.run(outbox.enqueue(kept))
              yield* inFailingTransaction(outbox.enqueue([lost]))
              expect(Option.isNone(yield* outbox.findById(lost.id))).toBe(true)
              expect(ids(yield* outbox.list({})).sort()).toEqual(ids(kept).sort())
              // A rolled-back message's dedupeKey is free again.
              yield* outbox.enqueue([lost])
              expect(Option.getOrUndefined(yield* outbox.findById(lost.id))).toEqual(lost)
            }),
          )
        }),
        { numRuns },
      )
    })
  })
}
