import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { subscriptionPreset } from "../../policy/presets.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import type { Instant } from "../../shared/time.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { addCalendarMonth } from "../domain/subscription.ops.ts"
import type { Payment } from "../domain/subscription.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import { InMemoryPaymentGateway } from "../testing/payment-gateway.fake.ts"
import { cancelSubscription } from "./cancel-subscription.ts"
import { chooseSubscriptionPlan } from "./choose-plan.ts"
import { confirmPayment, paymentTransferId } from "./confirm-payment.ts"
import { processDueSubscriptions } from "./process-due-subscriptions.ts"
import { processPaymentEvents, recordPaymentEvent } from "./process-payment-events.ts"

const DAY = 86_400_000
const customers: ReadonlyArray<PartyId> = [1, 2].map(
  (n) => `pty_${String(n).padStart(20, "0")}` as PartyId,
)

type Step =
  | { readonly _tag: "choose"; readonly who: number; readonly plan: string }
  | {
      readonly _tag: "pay"
      readonly who: number
      readonly off: "none" | "amount" | "currency"
      readonly via: "webhook" | "return" | "both"
    }
  | { readonly _tag: "time"; readonly days: number }
  | { readonly _tag: "cancel"; readonly who: number }
  | { readonly _tag: "replay" }

const who = fc.integer({ min: 0, max: customers.length - 1 })
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      _tag: fc.constant("choose" as const),
      who,
      plan: fc.constantFrom("pay-as-go", "premium", "elite"),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      _tag: fc.constant("pay" as const),
      who,
      off: fc.constantFrom(
        "none" as const,
        "none" as const,
        "amount" as const,
        "currency" as const,
      ),
      via: fc.constantFrom("webhook" as const, "return" as const, "both" as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      _tag: fc.constant("time" as const),
      days: fc.integer({ min: 1, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ _tag: fc.constant("cancel" as const), who }) },
  { weight: 1, arbitrary: fc.constant({ _tag: "replay" as const }) },
)

const seed = Effect.gen(function* () {
  yield* TestClock.setTime(Date.UTC(2026, 0, 31, 9))
  for (const [i, id] of customers.entries()) {
    yield* (yield* PartyRepository).insert({
      id,
      kind: "customer",
      phone: `+2782000000${i}` as Phone,
      cohort: "live",
      channel: "whatsapp",
      status: "active",
      profile: { categories: [], serviceAreas: [], documents: [] },
      createdAt: 0 as Instant,
      updatedAt: 0 as Instant,
    })
  }
})

const everything = Effect.gen(function* () {
  const repo = yield* SubscriptionRepository
  const subscriptions = yield* repo.list({})
  const payments: Array<Payment> = []
  for (const s of subscriptions) payments.push(...(yield* repo.listPayments(s.id)))
  return { subscriptions, payments }
})

/** Refusals the rules may give in a random interleaving; anything else fails the property. */
const expected = new Set([
  "AlreadySubscribed",
  "PaymentMismatch",
  "TransitionNotAllowed",
  "PaymentNotFound",
])
const tolerate = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.asVoid,
    Effect.catch((e) => (expected.has(e._tag) ? Effect.void : Effect.fail(e))),
  )

describe("subscriptions, through any interleaving of choices, payments, time and ops", () => {
  it("keep one pending and one paid-up plan per homeowner, and take each payment in once", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbStep, { minLength: 1, maxLength: 14 }), (steps) =>
        Effect.runPromise(
          Effect.gen(function* () {
            yield* seed
            const gateway = yield* InMemoryPaymentGateway
            const ledger = yield* Ledger
            const offPayments = new Set<string>()
            let eventId = 0
            const work = processPaymentEvents({ batchSize: 20, leaseMs: 60_000 })
            for (const step of steps) {
              const customerId = customers[
                step._tag === "time" || step._tag === "replay" ? 0 : step.who
              ] as PartyId
              const before = yield* everything
              switch (step._tag) {
                case "choose":
                  yield* tolerate(chooseSubscriptionPlan({ customerId, planId: step.plan }))
                  break
                case "pay": {
                  const payment = before.payments.find(
                    (p) => p.customerId === customerId && p.state === "pending",
                  )
                  if (payment === undefined) break
                  if (step.off !== "none") offPayments.add(payment.id)
                  yield* gateway.settle(payment.reference, {
                    status: "success",
                    amountMinor: payment.amountMinor + (step.off === "amount" ? 1n : 0n),
                    currency: step.off === "currency" ? "NGN" : payment.currency,
                  })
                  if (step.via !== "return") {
                    eventId++
                    for (let i = 0; i < 2; i++) {
                      yield* recordPaymentEvent({
                        key: `charge.success:${eventId}`,
                        gateway: "paystack",
                        event: "charge.success",
                        reference: payment.reference,
                        payload: {},
                      })
                    }
                    yield* work
                  }
                  if (step.via !== "webhook") {
                    yield* tolerate(confirmPayment({ reference: payment.reference }))
                    yield* tolerate(confirmPayment({ reference: payment.reference }))
                  }
                  break
                }
                case "time":
                  yield* TestClock.adjust(step.days * DAY)
                  yield* processDueSubscriptions({ limit: 50 })
                  yield* work
                  break
                case "cancel": {
                  const open = before.subscriptions.find(
                    (s) =>
                      s.customerId === customerId &&
                      s.state !== "cancelled" &&
                      s.state !== "expired",
                  )
                  if (open !== undefined) {
                    yield* tolerate(
                      cancelSubscription({
                        subscriptionId: open.id,
                        operator: "thandi",
                        reason: "asked to",
                      }),
                    )
                  }
                  break
                }
                case "replay":
                  for (const p of before.payments.filter((p) => p.state === "paid")) {
                    yield* tolerate(confirmPayment({ reference: p.reference }))
                  }
                  break
              }

              const after = yield* everything
              for (const id of customers) {
                const mine = after.subscriptions.filter((s) => s.customerId === id)
                expect(
                  mine.filter((s) => s.state === "pending_payment").length,
                ).toBeLessThanOrEqual(1)
                expect(
                  mine.filter((s) => s.state === "active" || s.state === "past_due").length,
                ).toBeLessThanOrEqual(1)
              }
              for (const p of after.payments) {
                // Money moves for exactly the paid payments, once each (the id is the payment's).
                const moved = yield* ledger.findTransfer(paymentTransferId(p))
                expect(Option.isSome(moved)).toBe(p.state === "paid")
                if (offPayments.has(p.id)) expect(p.state).not.toBe("paid")
              }
              for (const s of after.subscriptions) {
                if (s.currentPeriodEnd !== undefined && s.currentPeriodStart !== undefined) {
                  expect(s.currentPeriodEnd).toBe(addCalendarMonth(s.currentPeriodStart))
                }
                // A renewal continues the period it renews, without a gap.
                const was = before.subscriptions.find((b) => b.id === s.id)
                if (was?.state === "past_due" && s.state === "active") {
                  expect(s.currentPeriodStart).toBe(was.currentPeriodEnd)
                }
              }
              expect((yield* ledger.check()).ok).toBe(true)
            }
            // However often a charge was delivered or confirmed, each payment activated once.
            const audit = yield* AuditLog
            const activations = [
              ...(yield* audit.list({ action: "subscription.activate" })),
              ...(yield* audit.list({ action: "subscription.renew" })),
            ].map((e) => (e.details as { paymentId: string }).paymentId)
            expect(new Set(activations).size).toBe(activations.length)
          }).pipe(
            Effect.provide(layerInMemory(subscriptionPreset)),
            Effect.provide(TestClock.layer()),
          ),
        ),
      ),
      { numRuns: 40 },
    )
  })
})
