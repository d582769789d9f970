import { Cause, Effect, Exit, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { PartyId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { compareText } from "../../shared/testing/in-memory-store.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { Payment, Subscription } from "../domain/subscription.ts"
import {
  type SubscriptionFilter,
  SubscriptionRepository,
} from "../ports/subscription-repository.ts"
import {
  arbPayment,
  arbSubscription,
  arbSubscriptionState,
  subscriptionStateList,
} from "./subscriptions.arbitraries.ts"

/** A few homeowners, so generated subscriptions share customers (and their unique slots). */
export const contractCustomers: ReadonlyArray<PartyId> = [1, 2, 3].map(
  (n) => `pty_${String(n).padStart(20, "0")}` as PartyId,
)
const arbCustomer = fc.constantFrom(...contractCustomers)

/** Subscriptions reference parties (a foreign key on Postgres): the contract creates them. */
const seedCustomers = Effect.gen(function* () {
  const parties = yield* PartyRepository
  for (const [i, id] of contractCustomers.entries()) {
    yield* parties.insert({
      id,
      kind: "customer",
      phone: `+2771000000${i}` as Phone,
      cohort: "live",
      channel: "whatsapp",
      status: "active",
      profile: { categories: [], serviceAreas: [], documents: [] },
      createdAt: 0 as Instant,
      updatedAt: 0 as Instant,
    })
  }
})

const slot = (s: Subscription) =>
  s.state === "pending_payment"
    ? "pending"
    : s.state === "active" || s.state === "past_due"
      ? "paid-up"
      : undefined

/** Subscriptions a database would accept together: distinct ids, one of each open slot. */
const arbSubscriptions = (maxLength: number) =>
  fc.uniqueArray(
    arbCustomer.chain((customerId) => arbSubscription({ customerId })),
    {
      minLength: 1,
      maxLength,
      comparator: (a, b) =>
        a.id === b.id ||
        (a.customerId === b.customerId && slot(a) !== undefined && slot(a) === slot(b)),
    },
  )

const dueAt = (s: Subscription): Instant | undefined =>
  s.state === "active"
    ? s.currentPeriodEnd
    : s.state === "pending_payment" || s.state === "past_due"
      ? s.payBy
      : undefined

const expectedList = (subscriptions: ReadonlyArray<Subscription>, filter: SubscriptionFilter) => {
  const sorted = subscriptions
    .filter(
      (s) =>
        (filter.states === undefined || filter.states.includes(s.state)) &&
        (filter.customerId === undefined || s.customerId === filter.customerId),
    )
    .sort((a, b) => b.createdAt - a.createdAt || compareText(a.id, b.id))
  return filter.limit === undefined ? sorted : sorted.slice(0, filter.limit)
}

const insertAll = (subscriptions: ReadonlyArray<Subscription>) =>
  Effect.gen(function* () {
    const repo = yield* SubscriptionRepository
    for (const s of subscriptions) yield* repo.insert(s)
  })

/** True when the effect died (a broken unique key is a bug, so a defect, not a failure). */
const dies = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.exit(effect), (exit) => Exit.isFailure(exit) && Cause.hasDies(exit.cause))

/**
 * The contract every SubscriptionRepository adapter keeps. `makeLayer` must give fresh,
 * empty storage on every call, with a PartyRepository on the same storage (the contract
 * creates the customers its subscriptions belong to).
 *
 * The keys are the database's: one `pending_payment` and one `active`/`past_due`
 * subscription per customer, payment references unique. Use cases decide under locks so
 * they never break a key; an adapter that is asked to anyway dies (a defect: a bug to
 * fix, not a condition to handle), and the transaction keeps nothing of it.
 */
export const subscriptionRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<SubscriptionRepository | PartyRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`SubscriptionRepository contract: ${name}`, () => {
    it("gives back inserted subscriptions and payments exactly as inserted", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscriptions(4).chain((subscriptions) =>
            fc.tuple(
              fc.constant(subscriptions),
              fc.uniqueArray(
                fc.constantFrom(...subscriptions).chain((s) => arbPayment({ subscription: s })),
                {
                  maxLength: 5,
                  comparator: (a, b) => a.id === b.id || a.reference === b.reference,
                },
              ),
            ),
          ),
          ([subscriptions, payments]) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                const repo = yield* SubscriptionRepository
                yield* insertAll(subscriptions)
                for (const p of payments) yield* repo.insertPayment(p)
                for (const s of subscriptions) {
                  // Prices are bigints and come back as bigints, past 2^53 too.
                  expect(Option.getOrUndefined(yield* repo.findById(s.id))).toEqual(s)
                  expect(
                    Option.getOrUndefined(yield* repo.findById(s.id, { forUpdate: true })),
                  ).toEqual(s)
                  expect(yield* repo.listPayments(s.id)).toEqual(
                    payments
                      .filter((p) => p.subscriptionId === s.id)
                      .sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id)),
                  )
                }
                for (const p of payments) {
                  expect(Option.getOrUndefined(yield* repo.findPaymentById(p.id))).toEqual(p)
                  expect(
                    Option.getOrUndefined(yield* repo.findPaymentById(p.id, { forUpdate: true })),
                  ).toEqual(p)
                  expect(
                    Option.getOrUndefined(yield* repo.findPaymentByReference(p.reference)),
                  ).toEqual(p)
                  expect(
                    Option.getOrUndefined(
                      yield* repo.findPaymentByReference(p.reference, { forUpdate: true }),
                    ),
                  ).toEqual(p)
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id or reference", () =>
      run(
        Effect.gen(function* () {
          const repo = yield* SubscriptionRepository
          expect(Option.isNone(yield* repo.findById("sub_00000000000000000000" as never))).toBe(
            true,
          )
          expect(
            Option.isNone(yield* repo.findPaymentById("pay_00000000000000000000" as never)),
          ).toBe(true)
          expect(Option.isNone(yield* repo.findPaymentByReference("FND-SUB-000000"))).toBe(true)
          expect(yield* repo.listPayments("sub_00000000000000000000" as never)).toEqual([])
        }),
      ))

    it("update replaces the whole stored row, dropping fields the new one lacks", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbCustomer.chain((customerId) =>
            fc.tuple(arbSubscription({ customerId }), arbSubscription({ customerId })),
          ),
          fc.tuple(arbPayment(), arbPayment()),
          ([original, changes], [firstPayment, paymentChanges]) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                const repo = yield* SubscriptionRepository
                const changed: Subscription = { ...changes, id: original.id }
                yield* repo.insert(original)
                yield* repo.update(changed)
                expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
                const payment: Payment = {
                  ...firstPayment,
                  subscriptionId: original.id,
                  customerId: original.customerId,
                }
                const paymentChanged: Payment = {
                  ...paymentChanges,
                  id: payment.id,
                  reference: payment.reference,
                  subscriptionId: original.id,
                  customerId: original.customerId,
                }
                yield* repo.insertPayment(payment)
                yield* repo.updatePayment(paymentChanged)
                expect(Option.getOrUndefined(yield* repo.findPaymentById(payment.id))).toEqual(
                  paymentChanged,
                )
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("lists newest first (ties by id), by state and customer, up to the limit", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscriptions(8),
          fc.record(
            {
              states: fc.subarray([...subscriptionStateList], { minLength: 1 }),
              customerId: arbCustomer,
              limit: fc.integer({ min: 1, max: 10 }),
            },
            { requiredKeys: [] },
          ),
          (subscriptions, filter) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                yield* insertAll(subscriptions)
                const repo = yield* SubscriptionRepository
                expect(yield* repo.list(filter)).toEqual(expectedList(subscriptions, filter))
                expect(yield* repo.list({})).toEqual(expectedList(subscriptions, {}))
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("listDue gives the subscriptions whose timer has passed, earliest due first", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscriptions(8),
          arbInstant,
          fc.integer({ min: 1, max: 10 }),
          (subscriptions, at, limit) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                yield* insertAll(subscriptions)
                const repo = yield* SubscriptionRepository
                const expected = subscriptions
                  .flatMap((s) => {
                    const due = dueAt(s)
                    return due !== undefined && due <= at ? [{ s, due }] : []
                  })
                  .sort((a, b) => a.due - b.due || compareText(a.s.id, b.s.id))
                  .slice(0, limit)
                  .map(({ s }) => s)
                expect(yield* repo.listDue(at, limit)).toEqual(expected)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("postponeDue leaves a due subscription out of listDue until its time; an update ends that", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscriptions(8),
          arbInstant,
          fc.nat(),
          fc.integer({ min: 1, max: 3 * 3_600_000 }),
          (subscriptions, at, pick, delay) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                yield* insertAll(subscriptions)
                const repo = yield* SubscriptionRepository
                const due = yield* repo.listDue(at, 100)
                const target = due[pick % Math.max(1, due.length)]
                if (target === undefined) return
                const until = (at + delay) as Instant
                yield* repo.postponeDue(target.id, until)
                const rest = due.filter((s) => s !== target)
                expect(yield* repo.listDue(at, 100)).toEqual(rest)
                // The postponed one is left out before the limit, not after it.
                for (let k = 1; k <= rest.length; k++) {
                  expect(yield* repo.listDue(at, k)).toEqual(rest.slice(0, k))
                }
                expect((yield* repo.listDue(until, 100)).map((s) => s.id)).toContain(target.id)
                yield* repo.update(target)
                expect(yield* repo.listDue(at, 100)).toEqual(due)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps one pending and one active-or-past-due subscription per customer", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbCustomer.chain((customerId) =>
            fc.tuple(
              arbSubscription({ customerId }),
              arbSubscription({ customerId }),
              arbSubscription({ customerId, state: "cancelled" }),
            ),
          ),
          ([first, second, ended]) => {
            fc.pre(first.id !== second.id && first.id !== ended.id && second.id !== ended.id)
            return run(
              Effect.gen(function* () {
                yield* seedCustomers
                const repo = yield* SubscriptionRepository
                yield* repo.insert(first)
                const clash = slot(first) !== undefined && slot(first) === slot(second)
                const tx = inFailingTransaction(repo.insert(second))
                expect(yield* dies(tx)).toBe(clash)
                if (clash) {
                  expect(Option.isNone(yield* repo.findById(second.id))).toBe(true)
                  // An ended subscription takes no slot; moving it into one that is taken dies.
                  yield* repo.insert(ended)
                  expect(yield* dies(repo.update({ ...ended, state: second.state }))).toBe(true)
                }
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("keeps payment references unique", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscription({ customerId: contractCustomers[0] as PartyId, state: "active" }),
          arbPayment(),
          arbPayment(),
          (subscription, a, b) => {
            fc.pre(a.id !== b.id)
            return run(
              Effect.gen(function* () {
                yield* seedCustomers
                const repo = yield* SubscriptionRepository
                yield* repo.insert(subscription)
                const own = { subscriptionId: subscription.id, customerId: subscription.customerId }
                yield* repo.insertPayment({ ...a, ...own })
                expect(
                  yield* dies(repo.insertPayment({ ...b, ...own, reference: a.reference })),
                ).toBe(true)
                expect(Option.isNone(yield* repo.findPaymentById(b.id))).toBe(true)
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("keeps nothing a failed transaction wrote", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSubscription({ customerId: contractCustomers[1] as PartyId }),
          arbPayment(),
          arbSubscriptionState,
          (subscription, payment, state) =>
            run(
              Effect.gen(function* () {
                yield* seedCustomers
                const repo = yield* SubscriptionRepository
                const own = { subscriptionId: subscription.id, customerId: subscription.customerId }
                yield* inFailingTransaction(
                  Effect.andThen(
                    repo.insert(subscription),
                    repo.insertPayment({ ...payment, ...own }),
                  ),
                )
                expect(Option.isNone(yield* repo.findById(subscription.id))).toBe(true)
                expect(Option.isNone(yield* repo.findPaymentByReference(payment.reference))).toBe(
                  true,
                )
                yield* repo.insert(subscription)
                yield* inFailingTransaction(repo.update({ ...subscription, state }))
                expect(Option.getOrUndefined(yield* repo.findById(subscription.id))).toEqual(
                  subscription,
                )
              }),
            ),
        ),
        { numRuns },
      )
    })
  })
}
