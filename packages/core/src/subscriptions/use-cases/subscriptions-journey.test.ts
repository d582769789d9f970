import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { platformRevenueAccountId } from "../../ledger/domain/ledger.ops.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { subscriptionPreset } from "../../policy/presets.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import type { Instant } from "../../shared/time.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { balanceOrZero } from "../../wallet/use-cases/support.ts"
import { subscriptionTemplates } from "../domain/subscription.messages.ts"
import { addCalendarMonth } from "../domain/subscription.ops.ts"
import { PaymentEvents } from "../ports/payment-events.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import { InMemoryPaymentGateway } from "../testing/payment-gateway.fake.ts"
import { chooseSubscriptionPlan } from "./choose-plan.ts"
import { confirmPayment } from "./confirm-payment.ts"
import { openPaymentCheckout, paymentPage } from "./open-checkout.ts"
import { processDueSubscriptions } from "./process-due-subscriptions.ts"
import { processPaymentEvents, recordPaymentEvent } from "./process-payment-events.ts"

const DAY = 86_400_000
const lerato = "pty_00000000000000000042" as PartyId
const start = Date.UTC(2026, 0, 31, 9, 0) as Instant

const seedHomeowner = Effect.gen(function* () {
  yield* TestClock.setTime(start)
  yield* (yield* PartyRepository).insert({
    id: lerato,
    kind: "customer",
    phone: "+27831110042" as Phone,
    cohort: "live",
    channel: "whatsapp",
    status: "active",
    profile: { displayName: "Lerato", categories: [], serviceAreas: [], documents: [] },
    createdAt: start,
    updatedAt: start,
  })
})

const messages = (template: string) =>
  Effect.gen(function* () {
    const all = yield* (yield* Outbox).list({ partyId: lerato, channel: "whatsapp" })
    return all.filter((m) => m.template === template)
  })

/** The token of the newest link in a message (as the homeowner would tap it). */
const tokenIn = (body: string) => {
  const match = /\/p\/([^\s]+)/.exec(body)
  if (match?.[1] === undefined) throw new Error(`no payment link in: ${body}`)
  return match[1]
}

/** Paystack posts charge.success to the webhook; the worker handles it. */
const webhook = (reference: string, id: number) =>
  Effect.gen(function* () {
    const event = {
      key: `charge.success:${id}`,
      gateway: "paystack",
      event: "charge.success",
      reference,
      payload: { event: "charge.success", data: { id, reference } },
    }
    return yield* recordPaymentEvent(event)
  })

const work = processPaymentEvents({ batchSize: 10, leaseMs: 60_000 })

describe("a homeowner's subscription, from WhatsApp to the ledger", () => {
  it.effect("Premium: link, checkout, paid by webhook, renewed without a gap, then expired", () =>
    Effect.gen(function* () {
      yield* seedHomeowner
      const gateway = yield* InMemoryPaymentGateway
      const repo = yield* SubscriptionRepository

      const chosen = yield* chooseSubscriptionPlan({ customerId: lerato, planId: "premium" })
      expect(chosen.subscription).toMatchObject({
        state: "pending_payment",
        priceMinor: 9_900n,
        currency: "ZAR",
        payBy: start + 7 * DAY,
      })
      const payment = chosen.payment!
      expect(payment.reference).toMatch(/^FND-SUB-[0-9A-Z]{6}$/)
      const [linkMessage] = yield* messages(subscriptionTemplates.paymentLink)
      expect(linkMessage?.body).toContain("Premium plan (ZAR 99.00/month)")
      expect(linkMessage?.body).toContain(chosen.link!.url)
      expect(linkMessage?.body).toContain("valid until 7 February 2026")
      expect(linkMessage?.fallbackTemplate?.name).toBe("fundi_update")

      // Opening the link twice opens one checkout.
      const token = tokenIn(linkMessage!.body)
      const opened = yield* openPaymentCheckout({ token })
      expect((yield* openPaymentCheckout({ token })).checkoutUrl).toBe(opened.checkoutUrl)
      expect(yield* gateway.checkouts).toEqual([
        {
          reference: payment.reference,
          amountMinor: 9_900n,
          currency: "ZAR",
          email: "27831110042@customers.fundi.invalid",
          callbackUrl: `http://fundi.test/p/${token}/return`,
          metadata: {
            paymentId: payment.id,
            subscriptionId: chosen.subscription.id,
            planId: "premium",
            customerId: lerato,
          },
          checkoutUrl: opened.checkoutUrl,
        },
      ])

      // The payer pays; Paystack posts the webhook (twice, as it may), the worker confirms.
      yield* TestClock.adjust(3_600_000)
      const paidAt = (start + 3_600_000) as Instant
      yield* gateway.settle(payment.reference, { status: "success", paidAt })
      expect(yield* webhook(payment.reference, 4_001)).toEqual({ recorded: true })
      expect(yield* webhook(payment.reference, 4_001)).toEqual({ recorded: false })
      expect(yield* work).toMatchObject({ claimed: 1, processed: 1 })
      // The browser comes back to the return page: it confirms too, and nothing changes.
      const back = yield* confirmPayment({ reference: payment.reference })
      expect(back.changed).toBe(false)
      const page = yield* paymentPage({ token })
      expect(page.payment.state).toBe("paid")
      expect(page.subscription).toMatchObject({
        state: "active",
        currentPeriodStart: paidAt,
        // 31 January + one month is the last day of February.
        currentPeriodEnd: Date.UTC(2026, 1, 28, 10, 0),
      })
      const [active] = yield* messages(subscriptionTemplates.active)
      expect(active?.body).toContain("Premium plan is active until 28 February 2026")
      const ledger = yield* Ledger
      expect(yield* ledger.balance(platformRevenueAccountId("ZAR"))).toBe(9_900n)
      expect(Option.isSome(yield* ledger.findTransfer(`payment:${payment.id}`))).toBe(true)

      // The period ends: past due, with a renewal payment and its link.
      const firstEnd = page.subscription.currentPeriodEnd!
      yield* TestClock.setTime(firstEnd + 1_000)
      expect(yield* processDueSubscriptions({ limit: 10 })).toEqual({
        due: 1,
        pastDue: 1,
        expired: 0,
        failed: [],
      })
      const pastDue = Option.getOrThrow(yield* repo.findById(chosen.subscription.id))
      expect(pastDue).toMatchObject({ state: "past_due", payBy: firstEnd + 7 * DAY })
      const [renewalMessage] = yield* messages(subscriptionTemplates.renewalDue)
      const renewalToken = tokenIn(renewalMessage!.body)
      const renewal = (yield* openPaymentCheckout({ token: renewalToken })).payment
      expect(renewal).toMatchObject({ purpose: "subscription_renewal", amountMinor: 9_900n })

      // Paid three days late, confirmed from the return page: the new period starts where
      // the old one ended.
      yield* TestClock.adjust(3 * DAY)
      yield* gateway.settle(renewal.reference, { status: "success" })
      const renewed = yield* confirmPayment({ reference: renewal.reference })
      expect(renewed.subscription).toMatchObject({
        state: "active",
        currentPeriodStart: firstEnd,
        currentPeriodEnd: addCalendarMonth(firstEnd),
      })
      expect(yield* ledger.balance(platformRevenueAccountId("ZAR"))).toBe(19_800n)

      // Not renewed again: past due at the end, expired when the grace runs out.
      yield* TestClock.setTime(addCalendarMonth(firstEnd) + 1)
      expect(yield* processDueSubscriptions({ limit: 10 })).toMatchObject({ pastDue: 1 })
      yield* TestClock.adjust(7 * DAY)
      expect(yield* processDueSubscriptions({ limit: 10 })).toMatchObject({ expired: 1 })
      const ended = Option.getOrThrow(yield* repo.findById(chosen.subscription.id))
      expect(ended).toMatchObject({ state: "expired", endReason: "not paid" })
      expect(yield* messages(subscriptionTemplates.expired)).toHaveLength(1)
      expect((yield* ledger.check()).ok).toBe(true)
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )

  it.effect("an unpaid choice expires when its payment window closes; its link then stops", () =>
    Effect.gen(function* () {
      yield* seedHomeowner
      const chosen = yield* chooseSubscriptionPlan({ customerId: lerato, planId: "elite" })
      yield* TestClock.adjust(7 * DAY)
      expect(yield* processDueSubscriptions({ limit: 10 })).toEqual({
        due: 1,
        pastDue: 0,
        expired: 1,
        failed: [],
      })
      const repo = yield* SubscriptionRepository
      expect(Option.getOrThrow(yield* repo.findById(chosen.subscription.id)).state).toBe("expired")
      expect(Option.getOrThrow(yield* repo.findPaymentById(chosen.payment!.id)).state).toBe(
        "abandoned",
      )
      const opened = yield* Effect.flip(openPaymentCheckout({ token: chosen.link!.token }))
      expect(opened._tag).toBe("LinkExpired")
      expect(yield* messages(subscriptionTemplates.expired)).toHaveLength(1)
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )

  it.effect("a charge for another amount is not accepted: the payment fails for ops to see", () =>
    Effect.gen(function* () {
      yield* seedHomeowner
      const gateway = yield* InMemoryPaymentGateway
      const chosen = yield* chooseSubscriptionPlan({ customerId: lerato, planId: "premium" })
      const payment = chosen.payment!
      yield* openPaymentCheckout({ token: chosen.link!.token })
      yield* gateway.settle(payment.reference, { status: "success", amountMinor: 100n })
      yield* webhook(payment.reference, 77)
      expect(yield* work).toMatchObject({ claimed: 1, failed: 1 })
      const repo = yield* SubscriptionRepository
      expect(Option.getOrThrow(yield* repo.findPaymentById(payment.id))).toMatchObject({
        state: "failed",
        failureReason: "amount 100, expected 9900",
      })
      expect(Option.getOrThrow(yield* repo.findById(chosen.subscription.id)).state).toBe(
        "pending_payment",
      )
      const audited = yield* (yield* AuditLog).list({ subjectId: payment.id })
      expect(audited.map((e) => e.action)).toContain("payment.mismatch")
      expect(yield* balanceOrZero(platformRevenueAccountId("ZAR"))).toBe(0n)
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )

  it.effect(
    "events that are not ours or not handled are ignored; a gateway outage is retried",
    () =>
      Effect.gen(function* () {
        yield* seedHomeowner
        const gateway = yield* InMemoryPaymentGateway
        const chosen = yield* chooseSubscriptionPlan({ customerId: lerato, planId: "premium" })
        yield* recordPaymentEvent({
          key: "transfer.success:1",
          gateway: "paystack",
          event: "transfer.success",
          payload: {},
        })
        yield* webhook("FND-SUB-ZZZZZZ", 2)
        yield* openPaymentCheckout({ token: chosen.link!.token })
        yield* gateway.settle(chosen.payment!.reference, { status: "success" })
        yield* webhook(chosen.payment!.reference, 3)
        yield* gateway.failNext()
        // Received in this order, all due now: the outage hits the first verify.
        const first = yield* work
        expect(first).toMatchObject({ claimed: 3, ignored: 2, retried: 1 })
        const events = yield* (yield* PaymentEvents).list({})
        expect(events.map((e) => [e.key, e.state, e.outcome ?? e.lastError])).toEqual(
          expect.arrayContaining([
            ["transfer.success:1", "ignored", "event not handled"],
            ["charge.success:2", "ignored", "not ours"],
            [
              "charge.success:3",
              "pending",
              "the payment gateway is unavailable: gateway timed out",
            ],
          ]),
        )
        // Retried a minute later, it activates.
        yield* TestClock.adjust(60_000)
        expect(yield* work).toMatchObject({ claimed: 1, processed: 1 })
      }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )
})
