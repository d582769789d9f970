import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Random, Result, Schema } from "effect"
import * as fc from "fast-check"
import { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import {
  arbPayment,
  arbSubscription,
  arbSubscriptionCommand,
  arbVerifiedFor,
} from "../testing/subscriptions.arbitraries.ts"
import { graceDays, paymentWindowDays } from "../use-cases/support.ts"
import {
  addCalendarMonth,
  checkVerified,
  isFinal,
  isPaymentReference,
  nextPeriod,
  paymentEventRetryAt,
  planChoice,
  plansForSale,
  randomPaymentReference,
  sellsPlans,
  subscriptionTarget,
  transitionSubscription,
} from "./subscription.ops.ts"
import { type Subscription, subscriptionTransitions } from "./subscription.ts"

const numRuns = 200
const DAY = 86_400_000

const daysInMonth = (year: number, month: number) =>
  new Date(Date.UTC(year, month + 1, 0)).getUTCDate()

describe("the subscription state machine", () => {
  it("applies a command exactly when the table allows it, to the table's state", () => {
    fc.assert(
      fc.property(arbSubscription(), arbSubscriptionCommand, arbInstant, (sub, command, at) => {
        const target = subscriptionTransitions[sub.state][command._tag]
        const result = transitionSubscription(sub, command, at)
        if (target === undefined) {
          expect(Result.isFailure(result)).toBe(true)
          return
        }
        const after = Result.getOrThrow(result)
        expect(after.state).toBe(target)
        expect(after.id).toBe(sub.id)
        expect(after.updatedAt).toBe(at)
        if (target === "cancelled" || target === "expired") {
          expect(after.endedAt).toBe(at)
          expect(after.endReason).toBeDefined()
        }
        if (command._tag === "PaymentConfirmed") {
          expect(after.currentPeriodStart).toBe(command.periodStart)
          expect(after.currentPeriodEnd).toBe(command.periodEnd)
          expect(after.payBy).toBeUndefined()
        }
      }),
      { numRuns },
    )
  })

  it("no sequence of commands leaves the table; cancelled and expired are final", () => {
    fc.assert(
      fc.property(
        arbSubscription({ state: "pending_payment" }),
        fc.array(fc.tuple(arbSubscriptionCommand, arbInstant), { maxLength: 12 }),
        (start, commands) => {
          let sub: Subscription = start
          for (const [command, at] of commands) {
            const result = transitionSubscription(sub, command, at)
            if (isFinal(sub.state)) expect(Result.isFailure(result)).toBe(true)
            if (Result.isSuccess(result)) {
              expect(subscriptionTarget(sub.state, command._tag)).toBe(result.success.state)
              sub = result.success
            }
          }
        },
      ),
      { numRuns },
    )
  })
})

describe("periods", () => {
  it("a month later is the same day and time next month, clamped to its last day", () => {
    fc.assert(
      fc.property(arbInstant, (at) => {
        const before = new Date(at)
        const after = new Date(addCalendarMonth(at))
        const month = (before.getUTCMonth() + 1) % 12
        const year = before.getUTCFullYear() + (month === 0 ? 1 : 0)
        expect(after.getUTCMonth()).toBe(month)
        expect(after.getUTCFullYear()).toBe(year)
        expect(after.getUTCDate()).toBe(Math.min(before.getUTCDate(), daysInMonth(year, month)))
        expect(after.getTime() % DAY).toBe(before.getTime() % DAY)
        const length = after.getTime() - before.getTime()
        expect(length).toBeGreaterThanOrEqual(28 * DAY)
        expect(length).toBeLessThanOrEqual(31 * DAY)
      }),
      { numRuns },
    )
    expect(addCalendarMonth(Date.UTC(2028, 0, 31, 8) as Instant)).toBe(Date.UTC(2028, 1, 29, 8))
    expect(addCalendarMonth(Date.UTC(2026, 11, 15) as Instant)).toBe(Date.UTC(2027, 0, 15))
  })

  it("never goes back: a later start never ends earlier", () => {
    fc.assert(
      fc.property(arbInstant, arbInstant, (a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a]
        expect(addCalendarMonth(early)).toBeLessThanOrEqual(addCalendarMonth(late))
      }),
      { numRuns },
    )
  })

  it("a first payment starts the period when paid; a renewal continues where it ended", () => {
    fc.assert(
      fc.property(arbSubscription(), arbInstant, (sub, paidAt) => {
        const period = nextPeriod(sub, paidAt)
        const renewal = sub.state === "past_due" && sub.currentPeriodEnd !== undefined
        expect(period.start).toBe(renewal ? sub.currentPeriodEnd : paidAt)
        expect(period.end).toBe(addCalendarMonth(period.start))
      }),
      { numRuns },
    )
  })
})

describe("what the gateway verified", () => {
  it("is accepted only as a success of the same amount and currency", () => {
    fc.assert(
      fc.property(
        arbPayment().chain((p) => fc.tuple(fc.constant(p), arbVerifiedFor(p))),
        ([payment, verified]) => {
          const ok =
            verified.status === "success" &&
            verified.amountMinor === payment.amountMinor &&
            verified.currency === payment.currency
          expect(Result.isSuccess(checkVerified(payment, verified))).toBe(ok)
        },
      ),
      { numRuns },
    )
  })
})

describe("choosing a plan", () => {
  const plans = [
    { id: "pay-as-go", monthlyPriceMinor: 0 },
    { id: "premium", monthlyPriceMinor: 9_900 },
    { id: "elite", monthlyPriceMinor: 19_900 },
  ]
  it("reuses what waits for payment, refuses what is paid up, and never strands a plan", () => {
    fc.assert(
      fc.property(
        fc.array(arbSubscription(), { maxLength: 4 }),
        fc.constantFrom(...plans),
        arbInstant,
        (open, plan, at) => {
          const choice = planChoice(open, plan, at)
          const openOnes = open.filter((s) =>
            ["pending_payment", "active", "past_due"].includes(s.state),
          )
          const active = openOnes.find((s) => s.state === "active" && s.planId === plan.id)
          if (active !== undefined) {
            expect(Result.isFailure(choice)).toBe(true)
            return
          }
          const decided = Result.getOrThrow(choice)
          if (plan.monthlyPriceMinor === 0) {
            expect(decided).toEqual({ _tag: "ActivateFree", cancel: openOnes })
          } else if (decided._tag === "ReuseOpen") {
            expect(decided.subscription.planId).toBe(plan.id)
            expect(["pending_payment", "past_due"]).toContain(decided.subscription.state)
            expect(decided.subscription.payBy).toBeGreaterThan(at)
          } else {
            expect(decided._tag).toBe("NewPending")
            if (decided._tag === "NewPending") {
              // Only what waits for a first payment gives way; a paid-up plan runs on.
              expect(decided.cancel).toEqual(openOnes.filter((s) => s.state === "pending_payment"))
            }
          }
        },
      ),
      { numRuns },
    )
  })
})

describe("payment references and retries", () => {
  it.effect("references are FND-SUB- and six Crockford characters, whatever the seed", () =>
    Effect.gen(function* () {
      for (let seed = 0; seed < 200; seed++) {
        const reference = yield* randomPaymentReference.pipe(Random.withSeed(seed))
        expect(isPaymentReference(reference)).toBe(true)
      }
    }),
  )

  it("an event is retried a minute later, doubling to an hour, and given up after 72 hours", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        arbInstant,
        fc.integer({ min: 0, max: 100 * 3_600_000 }),
        (attempts, receivedAt, elapsed) => {
          const at = (receivedAt + elapsed) as Instant
          const retryAt = paymentEventRetryAt({ attempts, receivedAt }, at)
          if (elapsed >= 72 * 3_600_000) {
            expect(retryAt).toBeUndefined()
            return
          }
          expect(retryAt! - at).toBe(Math.min(60_000 * 2 ** (attempts - 1), 3_600_000))
        },
      ),
      { numRuns },
    )
  })
})

describe("the policy's payment window and grace", () => {
  it("are optional (7 days when absent) and whole positive days when given", () => {
    const decode = Schema.decodeUnknownExit(MarketplacePolicy)
    const { paymentWindowDays: _w, graceDays: _g, ...bare } = subscriptionPreset.subscription
    const without = { ...subscriptionPreset, subscription: bare }
    expect(Exit.isSuccess(decode(without))).toBe(true)
    expect(paymentWindowDays(without)).toBe(7)
    expect(graceDays(without)).toBe(7)
    const given = {
      ...subscriptionPreset,
      subscription: { ...bare, paymentWindowDays: 3, graceDays: 10 },
    }
    expect(Exit.isSuccess(decode(given))).toBe(true)
    expect(paymentWindowDays(given)).toBe(3)
    expect(graceDays(given)).toBe(10)
    for (const bad of [0, -1, 1.5]) {
      expect(
        Exit.isFailure(
          decode({ ...subscriptionPreset, subscription: { ...bare, graceDays: bad } }),
        ),
      ).toBe(true)
    }
  })
})

describe("plans for sale", () => {
  it("are the policy's plans in the subscription model and none in the credits model", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("subscription" as const, "credits" as const),
        fc.subarray([...subscriptionPreset.subscription.plans]),
        (model, plans) => {
          const base = model === "subscription" ? subscriptionPreset : creditsPreset
          const policy = { ...base, model, subscription: { ...base.subscription, plans } }
          const forSale = plansForSale(policy)
          expect(forSale).toEqual(model === "subscription" ? plans : [])
          expect(sellsPlans(policy)).toBe(model === "subscription" && plans.length > 0)
        },
      ),
      { numRuns },
    )
  })
})
