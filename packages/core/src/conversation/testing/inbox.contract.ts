import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { type InboundUpdate, inboxKey } from "../domain/inbound.ts"
import type { InboxEntry, InboxStatus } from "../domain/inbox-entry.ts"
import { REJECTED_EXCERPT_MAX, type RejectedDelivery } from "../domain/rejected-delivery.ts"
import { Inbox } from "../ports/inbox.ts"
import { arbInboundUpdate, arbInboxPhone, arbMessageUpdate } from "./inbox.arbitraries.ts"
import { claimableEntries, inboxPhone } from "./inbox.fake.ts"

const at = (ms: number) => ms as Instant
const keys = (entries: ReadonlyArray<InboxEntry>) => entries.map((e) => e.key)

/** Updates with distinct keys. */
const arbUpdates = (maxLength: number) =>
  fc.uniqueArray(arbInboundUpdate, { minLength: 1, maxLength, selector: inboxKey })

const sentAt = (update: InboundUpdate): number =>
  update._tag === "message" ? update.message.at : Number.NEGATIVE_INFINITY

const pending = (update: InboundUpdate, receivedAt: Instant): InboxEntry => ({
  key: inboxKey(update),
  channel: "whatsapp",
  phone: inboxPhone(update),
  update,
  status: "pending",
  attempts: 0,
  nextAttemptAt: receivedAt,
  receivedAt,
})

/** Records `batches` in order, each received at its instant; returns the entries, oldest first. */
const recordAll = (batches: ReadonlyArray<readonly [ReadonlyArray<InboundUpdate>, Instant]>) =>
  Effect.gen(function* () {
    const inbox = yield* Inbox
    const entries: Array<InboxEntry> = []
    for (const [updates, receivedAt] of batches) {
      yield* inbox.record(updates, receivedAt)
      entries.push(...updates.map((u) => pending(u, receivedAt)))
    }
    return entries.sort((a, b) => a.receivedAt - b.receivedAt)
  })

/** Splits distinct updates into two batches received at two instants (either order). */
const arbBatches = (maxLength: number) =>
  fc
    .tuple(arbUpdates(maxLength), arbInstant, fc.integer({ min: -60_000, max: 60_000 }))
    .map(([updates, first, gap]) => {
      const half = Math.ceil(updates.length / 2)
      return [
        [updates.slice(0, half), first],
        [updates.slice(half), at(first + gap)],
      ] as const
    })

/**
 * The contract every Inbox adapter keeps: exactly-once recording by key, leased claims
 * (oldest first; a phone's messages one at a time and in order, statuses never held back),
 * retries and final failure, and no entry or phone claimed by two workers at once.
 * `makeLayer` must give fresh, empty storage on every call.
 */
export const inboxContract = (
  name: string,
  makeLayer: MakeLayer<Inbox>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`Inbox contract: ${name}`, () => {
    it("records each key once, across and within batches, and gives entries back", async () => {
      await fc.assert(
        fc.asyncProperty(arbUpdates(8), arbInstant, (updates, receivedAt) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              const first = yield* inbox.record([...updates, ...updates], receivedAt)
              expect(first.recorded).toBe(updates.length)
              // A redelivery, later: nothing new, nothing changed.
              expect((yield* inbox.record(updates, at(receivedAt + 1_000))).recorded).toBe(0)
              for (const u of updates) {
                expect(Option.getOrUndefined(yield* inbox.findByKey(inboxKey(u)))).toEqual(
                  pending(u, receivedAt),
                )
              }
              expect(yield* inbox.record([], receivedAt)).toEqual({ recorded: 0 })
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("lists newest first, filtered by phone and status, up to the limit", async () => {
      const arbFilter = fc.record(
        {
          phone: arbInboxPhone,
          status: fc.constantFrom<InboxStatus>("pending", "processing", "processed", "failed"),
          limit: fc.integer({ min: 1, max: 5 }),
        },
        { requiredKeys: [] },
      )
      await fc.assert(
        fc.asyncProperty(arbBatches(8), fc.array(arbFilter, { maxLength: 4 }), (batches, filters) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              const entries = yield* recordAll(batches)
              for (const filter of [{}, ...filters]) {
                const expected = entries
                  .toReversed()
                  .filter(
                    (e) =>
                      (filter.phone === undefined || e.phone === filter.phone) &&
                      (filter.status === undefined || e.status === filter.status),
                  )
                const listed = yield* inbox.list(filter)
                // Entries recorded at one instant may come in any order; the instants may not.
                expect(listed.map((e) => e.receivedAt)).toEqual(
                  expected.slice(0, filter.limit).map((e) => e.receivedAt),
                )
                if (filter.limit === undefined) {
                  expect(keys(listed).sort()).toEqual(keys(expected).sort())
                }
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("claims due entries oldest first, one open message per phone, statuses always", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbBatches(10),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 600_000 }),
          (batches, limit, leaseMs) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* Inbox
                const entries = yield* recordAll(batches)
                const now = at(Math.max(batches[0][1], batches[1][1]))
                const claimed = yield* inbox.claimDue({ now, limit, leaseMs })
                const claimable = claimableEntries(entries, now)
                expect(claimed.length).toBe(Math.min(limit, claimable.length))
                const byKey = new Map(entries.map((e) => [e.key, e]))
                for (const c of claimed) {
                  const e = byKey.get(c.key)!
                  expect(c).toEqual({
                    ...e,
                    status: "processing",
                    attempts: 1,
                    nextAttemptAt: now + leaseMs,
                  })
                  expect(keys(claimable)).toContain(c.key)
                }
                // Oldest first: nothing left unclaimed was received before a claimed one.
                const newestClaimed = Math.max(...claimed.map((c) => c.receivedAt))
                const skipped = claimable.filter((e) => !keys(claimed).includes(e.key))
                for (const e of skipped) expect(e.receivedAt).toBeGreaterThanOrEqual(newestClaimed)
                expect(claimed.map((c) => c.receivedAt)).toEqual(
                  claimed.map((c) => c.receivedAt).toSorted((a, b) => a - b),
                )
                // Within the lease nothing more of those phones' messages comes out.
                const again = yield* inbox.claimDue({ now, limit: 100, leaseMs })
                const heldPhones = new Set(
                  claimed.filter((c) => c.update._tag === "message").map((c) => c.phone),
                )
                for (const e of again) {
                  expect(keys(claimed)).not.toContain(e.key)
                  if (e.update._tag === "message") expect(heldPhones.has(e.phone)).toBe(false)
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("a phone's next message is claimable once the one before it is processed", async () => {
      await fc.assert(
        fc.asyncProperty(arbUpdates(6), arbInstant, (updates, receivedAt) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              const messages = updates.flatMap(
                (u): Array<InboundUpdate> =>
                  u._tag === "message"
                    ? [{ ...u, message: { ...u.message, from: "+27820000009" } }]
                    : [],
              )
              fc.pre(messages.length >= 2)
              // One at a time (each batch received a bit later), all before any is claimed:
              // they come out in the order they were sent, ties in the order received.
              for (const [i, m] of messages.entries()) yield* inbox.record([m], at(receivedAt + i))
              const now = at(receivedAt + messages.length)
              const sent = messages
                .map((m, i) => [m, i] as const)
                .sort(([a, i], [b, j]) => sentAt(a) - sentAt(b) || i - j)
                .map(([m]) => m)
              for (const m of sent) {
                const claimed = yield* inbox.claimDue({ now, limit: 10, leaseMs: 60_000 })
                expect(keys(claimed)).toEqual([inboxKey(m)])
                yield* inbox.markProcessed(inboxKey(m), now)
              }
              expect(yield* inbox.claimDue({ now, limit: 10, leaseMs: 60_000 })).toEqual([])
              const processed = yield* inbox.list({ status: "processed" })
              expect(processed.length).toBe(messages.length)
              for (const p of processed) expect(p.processedAt).toBe(now)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("hands each phone's messages out in the order they were sent, ties in delivery order", async () => {
      // Deliveries of messages from few phones, sent within a few seconds of each other (so
      // ties happen), listed in any order, and a worker that claims and processes between
      // deliveries. Every message claimed is the first its phone has open in the sender's
      // order (timestamp, then received, then position in the delivery): a delivery's
      // messages are handled in the order they were sent, and an earlier-sent message in a
      // later delivery goes first while the later-sent one still waits. One handled already
      // cannot be taken back: that order is only kept among messages open at once.
      const arbMessage = fc
        .record({ update: arbMessageUpdate(), second: fc.integer({ min: 0, max: 4 }) })
        .map(({ update, second }) =>
          update._tag === "message"
            ? {
                ...update,
                message: { ...update.message, at: at(1_780_000_000_000 + second * 1_000) },
              }
            : update,
        )
      const arbStep = fc.oneof(
        {
          weight: 2,
          arbitrary: fc
            .uniqueArray(arbMessage, { minLength: 1, maxLength: 6, selector: inboxKey })
            .map((updates) => ({ _tag: "deliver" as const, updates })),
        },
        {
          weight: 1,
          arbitrary: fc
            .record({ limit: fc.integer({ min: 1, max: 4 }), finish: fc.boolean() })
            .map(({ limit, finish }) => ({ _tag: "work" as const, limit, finish })),
        },
      )
      await fc.assert(
        fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 6 }), (steps) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              // The model's open messages, each with its place among arrivals.
              const open = new Map<string, { update: InboundUpdate; arrival: number }>()
              const seen = new Set<string>()
              let arrivals = 0
              let now = 1_780_000_000_000
              const senderOrder = (
                a: { update: InboundUpdate; arrival: number },
                b: { update: InboundUpdate; arrival: number },
              ) => sentAt(a.update) - sentAt(b.update) || a.arrival - b.arrival
              // Claimed by a worker that has not finished them yet (their lease is live).
              let held: ReadonlyArray<InboxEntry> = []
              const processed = (entries: ReadonlyArray<InboxEntry>) =>
                Effect.forEach(entries, (c) =>
                  Effect.andThen(
                    inbox.markProcessed(c.key, at(now)),
                    Effect.sync(() => open.delete(c.key)),
                  ),
                )
              // Claims; finishes what the previous claim left held; then finishes or holds.
              const work = (limit: number, finish: boolean) =>
                Effect.gen(function* () {
                  const claimed = yield* inbox.claimDue({ now: at(now), limit, leaseMs: 60_000 })
                  for (const c of claimed) {
                    expect(held.some((h) => h.phone === c.phone)).toBe(false)
                    const mine = [...open.values()]
                      .filter((o) => inboxPhone(o.update) === c.phone)
                      .sort(senderOrder)
                    expect(inboxKey(mine[0]!.update)).toBe(c.key)
                  }
                  yield* processed(held)
                  if (finish) {
                    yield* processed(claimed)
                    held = []
                  } else held = claimed
                  return claimed.length
                })
              for (const step of steps) {
                now += 1_000
                if (step._tag === "deliver") {
                  yield* inbox.record(step.updates, at(now))
                  for (const u of step.updates) {
                    const key = inboxKey(u)
                    if (seen.has(key)) continue
                    seen.add(key)
                    open.set(key, { update: u, arrival: arrivals++ })
                  }
                } else yield* work(step.limit, step.finish)
              }
              // Then work until nothing is left.
              while ((yield* work(100, true)) > 0 || open.size > 0) {
                now += 1_000
                expect(now).toBeLessThan(1_780_000_000_000 + 100_000)
              }
              expect(open.size).toBe(0)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("a message sent earlier but arriving while a later one is handled waits for it", async () => {
      const message = (id: string, second: number): InboundUpdate => ({
        _tag: "message",
        message: {
          id,
          channel: "whatsapp",
          from: "+27820000009",
          at: at(1_780_000_000_000 + second * 1_000),
          content: { _tag: "text", body: id },
        },
      })
      const [name, button, late] = [
        message("wamid.name", 5),
        message("wamid.button", 3),
        message("wamid.late", 1),
      ]
      await run(
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const claim = (now: number) =>
            Effect.map(inbox.claimDue({ now: at(now), limit: 10, leaseMs: 60_000 }), keys)
          // One delivery lists the name (sent at 5 s) before the button tap (sent at 3 s).
          yield* inbox.record([name, button], at(10_000))
          expect(yield* claim(10_000)).toEqual([inboxKey(button)])
          yield* inbox.markProcessed(inboxKey(button), at(10_000))
          expect(yield* claim(10_000)).toEqual([inboxKey(name)])
          // Sent before both, delivered while the name is being handled: it waits its turn.
          yield* inbox.record([late], at(11_000))
          expect(yield* claim(11_000)).toEqual([])
          yield* inbox.markProcessed(inboxKey(name), at(11_000))
          expect(yield* claim(11_000)).toEqual([inboxKey(late)])
        }),
      )
    })

    it("a claim whose lease ran out can be claimed again, 1 ms earlier it cannot", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbInboundUpdate,
          arbInstant,
          fc.integer({ min: 1, max: 600_000 }),
          (update, receivedAt, leaseMs) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* Inbox
                yield* inbox.record([update], receivedAt)
                const key = inboxKey(update)
                const claim = (now: number) => inbox.claimDue({ now: at(now), limit: 10, leaseMs })
                expect(keys(yield* claim(receivedAt - 1))).toEqual([])
                expect(keys(yield* claim(receivedAt))).toEqual([key])
                const expiry = receivedAt + leaseMs
                expect(yield* claim(expiry - 1)).toEqual([])
                expect(yield* claim(expiry)).toEqual([
                  {
                    ...pending(update, receivedAt),
                    status: "processing",
                    attempts: 2,
                    nextAttemptAt: expiry + leaseMs,
                  },
                ])
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("markFailed with a retry time makes it pending and due then; without, failed for good", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbInboundUpdate,
          arbInstant,
          fc.integer({ min: 1, max: 3_600_000 }),
          fc.string({ minLength: 1, maxLength: 80 }),
          (update, receivedAt, backoff, error) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* Inbox
                const key = inboxKey(update)
                yield* inbox.record([update], receivedAt)
                yield* inbox.claimDue({ now: receivedAt, limit: 1, leaseMs: 1_000 })
                const retryAt = at(receivedAt + backoff)
                yield* inbox.markFailed(key, error, Option.some(retryAt))
                expect(Option.getOrUndefined(yield* inbox.findByKey(key))).toEqual({
                  ...pending(update, receivedAt),
                  attempts: 1,
                  lastError: error,
                  nextAttemptAt: retryAt,
                })
                const claim = (now: number) =>
                  inbox.claimDue({ now: at(now), limit: 10, leaseMs: 1_000 })
                expect(yield* claim(retryAt - 1)).toEqual([])
                expect((yield* claim(retryAt)).map((e) => [e.key, e.attempts])).toEqual([[key, 2]])
                yield* inbox.markFailed(key, `${error}!`, Option.none())
                expect(Option.getOrUndefined(yield* inbox.findByKey(key))).toMatchObject({
                  status: "failed",
                  attempts: 2,
                  lastError: `${error}!`,
                })
                expect(yield* claim(retryAt + 365 * 86_400_000)).toEqual([])
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("concurrent claims never hand one entry, or one phone's messages, to two workers", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbUpdates(12),
          arbInstant,
          fc.integer({ min: 2, max: 5 }),
          fc.integer({ min: 1, max: 4 }),
          (updates, receivedAt, workers, limit) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* Inbox
                yield* inbox.record(updates, receivedAt)
                const claims = yield* Effect.all(
                  Array.from({ length: workers }, () =>
                    inbox.claimDue({ now: receivedAt, limit, leaseMs: 60_000 }),
                  ),
                  { concurrency: "unbounded" },
                )
                const claimed = claims.flat()
                expect(new Set(keys(claimed)).size).toBe(claimed.length)
                const messagePhones = claimed
                  .filter((c) => c.update._tag === "message")
                  .map((c) => c.phone)
                expect(new Set(messagePhones).size).toBe(messagePhones.length)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps each rejected delivery once, counting repeats, most recently seen first", async () => {
      const arbRejected = fc.record({
        fingerprint: fc.constantFrom("0a1b", "2c3d", "4e5f", "6a7b"),
        reason: fc.string({ minLength: 1, maxLength: 30 }),
        excerpt: fc.string({ maxLength: REJECTED_EXCERPT_MAX + 50 }),
        size: fc.nat({ max: 3 * 1024 * 1024 }),
        at: arbInstant,
      })
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbRejected, { minLength: 1, maxLength: 10 }),
          fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          (rejects, limit) =>
            run(
              Effect.gen(function* () {
                const inbox = yield* Inbox
                for (const r of rejects) yield* inbox.recordRejected(r)
                // The model: the first arrival's reason and excerpt, every arrival counted.
                const model = new Map<string, RejectedDelivery>()
                for (const r of rejects) {
                  const seen = model.get(r.fingerprint)
                  model.set(
                    r.fingerprint,
                    seen === undefined
                      ? {
                          fingerprint: r.fingerprint,
                          channel: "whatsapp",
                          reason: r.reason,
                          excerpt: r.excerpt.slice(0, REJECTED_EXCERPT_MAX),
                          size: r.size,
                          firstAt: r.at,
                          lastAt: r.at,
                          count: 1,
                        }
                      : { ...seen, lastAt: at(Math.max(seen.lastAt, r.at)), count: seen.count + 1 },
                  )
                }
                const recent = [...model.values()].sort(
                  (a, b) =>
                    b.lastAt - a.lastAt ||
                    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
                )
                expect(yield* inbox.listRejected(limit === undefined ? {} : { limit })).toEqual(
                  limit === undefined ? recent : recent.slice(0, limit),
                )
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing recorded inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbUpdates(4), arbInstant, (updates, receivedAt) =>
          run(
            Effect.gen(function* () {
              const inbox = yield* Inbox
              const tx = yield* Transactions
              const [kept, ...lost] = updates
              yield* tx.run(inbox.record([kept!], receivedAt))
              yield* inFailingTransaction(inbox.record(lost, receivedAt))
              expect(keys(yield* inbox.list({}))).toEqual([inboxKey(kept!)])
              expect((yield* inbox.record(lost, receivedAt)).recorded).toBe(lost.length)
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
