import * as fc from "fast-check"
import type { PartyId, PaymentId, SubscriptionId } from "../../shared/ids.ts"
import {
  arbInstant,
  arbOperatorName,
  arbPartyId,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { SubscriptionCommand } from "../domain/subscription.ops.ts"
import type {
  Payment,
  PaymentPurpose,
  PaymentState,
  Subscription,
  SubscriptionState,
  VerifiedTransaction,
} from "../domain/subscription.ts"
import type { NewPaymentEvent } from "../ports/payment-events.ts"

const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")
const arbIdOf = <A extends string>(prefix: string): fc.Arbitrary<A> =>
  fc
    .array(idChar, { minLength: 20, maxLength: 20 })
    .map((body) => `${prefix}_${body.join("")}` as A)

export const arbSubscriptionId: fc.Arbitrary<SubscriptionId> = arbIdOf("sub")
export const arbPaymentId: fc.Arbitrary<PaymentId> = arbIdOf("pay")

export const subscriptionStateList: ReadonlyArray<SubscriptionState> = [
  "pending_payment",
  "active",
  "past_due",
  "cancelled",
  "expired",
]
export const arbSubscriptionState: fc.Arbitrary<SubscriptionState> = fc.constantFrom(
  ...subscriptionStateList,
)
export const paymentStateList: ReadonlyArray<PaymentState> = [
  "pending",
  "paid",
  "failed",
  "abandoned",
]
export const arbPaymentState: fc.Arbitrary<PaymentState> = fc.constantFrom(...paymentStateList)
export const arbPaymentPurpose: fc.Arbitrary<PaymentPurpose> = fc.constantFrom(
  "subscription_start",
  "subscription_renewal",
)

/** "FND-SUB-" and six Crockford base-32 characters, as `randomPaymentReference` makes them. */
export const arbPaymentReference: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ"), { minLength: 6, maxLength: 6 })
  .map((body) => `FND-SUB-${body.join("")}`)

export const arbCurrency = fc.constantFrom("ZAR", "NGN", "KES", "GHS", "USD")

/** Minor units: small prices and ones past 2^53, which must survive storage as bigints. */
export const arbAmountMinor: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 1n, max: 10_000_000n }),
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 17n }),
)

const later = (at: Instant, by: number): Instant => (at + by) as Instant
const gap = fc.integer({ min: 0, max: 40 * 86_400_000 })

export interface SubscriptionOptions {
  readonly id?: SubscriptionId
  readonly customerId?: PartyId
  readonly state?: SubscriptionState
}

/**
 * A subscription whose fields fit its state: a period once paid (or free and active),
 * payBy while owing, endedAt and a reason once ended.
 */
export const arbSubscription = (options: SubscriptionOptions = {}): fc.Arbitrary<Subscription> =>
  fc
    .record({
      id: options.id === undefined ? arbSubscriptionId : fc.constant(options.id),
      customerId: options.customerId === undefined ? arbPartyId : fc.constant(options.customerId),
      plan: fc.constantFrom(
        { planId: "pay-as-go", planName: "Pay-As-Go" },
        { planId: "premium", planName: "Premium" },
        { planId: "elite", planName: "Elite" },
      ),
      free: fc.boolean(),
      price: arbAmountMinor,
      currency: arbCurrency,
      state: options.state === undefined ? arbSubscriptionState : fc.constant(options.state),
      createdAt: arbInstant,
      gaps: fc.tuple(gap, gap, gap, gap),
      paid: fc.boolean(),
      reason: fc.oneof(arbText(120), fc.constant("not paid")),
    })
    .map(({ plan, free, price, state, createdAt, gaps, paid, reason, ...rest }) => {
      const [g1, g2, g3, g4] = gaps
      const periodStart = later(createdAt, g1)
      const periodEnd = later(periodStart, g2 + 1)
      const wasPaid = state === "active" || state === "past_due" || paid
      const subscription: Subscription = {
        ...rest,
        ...plan,
        priceMinor: free ? 0n : price,
        state,
        createdAt,
        updatedAt: later(createdAt, g1 + g2 + g3),
        ...(wasPaid && state !== "pending_payment"
          ? free
            ? { currentPeriodStart: periodStart }
            : { currentPeriodStart: periodStart, currentPeriodEnd: periodEnd }
          : {}),
        ...(state === "pending_payment" || state === "past_due"
          ? { payBy: later(createdAt, g3 + g4) }
          : {}),
        ...(state === "cancelled" || state === "expired"
          ? { endedAt: later(createdAt, g1 + g2 + g3), endReason: reason }
          : {}),
      }
      return subscription
    })

export interface PaymentOptions {
  readonly subscription?: Pick<Subscription, "id" | "customerId" | "currency">
  readonly state?: PaymentState
}

/** A payment whose fields fit its state: paidAt, channel and a gateway id once paid. */
export const arbPayment = (options: PaymentOptions = {}): fc.Arbitrary<Payment> =>
  fc
    .record({
      id: arbPaymentId,
      subscriptionId:
        options.subscription === undefined
          ? arbSubscriptionId
          : fc.constant(options.subscription.id),
      customerId:
        options.subscription === undefined
          ? arbPartyId
          : fc.constant(options.subscription.customerId),
      purpose: arbPaymentPurpose,
      reference: arbPaymentReference,
      amountMinor: arbAmountMinor,
      currency:
        options.subscription === undefined
          ? arbCurrency
          : fc.constant(options.subscription.currency),
      state: options.state === undefined ? arbPaymentState : fc.constant(options.state),
      createdAt: arbInstant,
      gaps: fc.tuple(gap, gap),
      initialized: fc.boolean(),
      transactionId: fc.integer({ min: 1, max: 2_000_000_000 }).map(String),
      channel: fc.constantFrom("card", "bank", "ussd", "eft"),
      reason: arbText(120),
    })
    .map(({ gaps, initialized, transactionId, channel, reason, ...rest }) => {
      const [g1, g2] = gaps
      const payment: Payment = {
        ...rest,
        updatedAt: later(rest.createdAt, g1 + g2),
        ...(initialized || rest.state === "paid"
          ? { checkoutUrl: `https://checkout.paystack.com/${transactionId}` }
          : {}),
        ...(rest.state === "paid"
          ? {
              gatewayTransactionId: transactionId,
              channel,
              paidAt: later(rest.createdAt, g1),
            }
          : {}),
        ...(rest.state === "failed" ? { failureReason: reason } : {}),
      }
      return payment
    })

/** What a gateway could say of a payment: as asked, or off in status, amount or currency. */
export const arbVerifiedFor = (
  payment: Pick<Payment, "reference" | "amountMinor" | "currency">,
): fc.Arbitrary<VerifiedTransaction> =>
  fc
    .record({
      status: fc.constantFrom(
        "success" as const,
        "failed" as const,
        "abandoned" as const,
        "pending" as const,
      ),
      amountMinor: fc.oneof(fc.constant(payment.amountMinor), arbAmountMinor),
      currency: fc.oneof(fc.constant(payment.currency), arbCurrency),
      paidAt: arbInstant,
      id: fc.integer({ min: 1, max: 2_000_000_000 }),
    })
    .map(({ id, ...v }) => ({
      ...v,
      reference: payment.reference,
      gatewayTransactionId: String(id),
      channel: "card",
    }))

/** Any command, with the data it carries. */
export const arbSubscriptionCommand: fc.Arbitrary<SubscriptionCommand> = fc.oneof(
  fc.record({ payment: arbPayment({ state: "paid" }), periodStart: arbInstant }).map(
    ({ payment, periodStart }): SubscriptionCommand => ({
      _tag: "PaymentConfirmed",
      payment,
      periodStart,
      periodEnd: (periodStart + 30 * 86_400_000) as Instant,
    }),
  ),
  arbInstant.map((payBy): SubscriptionCommand => ({ _tag: "PeriodEnded", payBy })),
  fc.constant<SubscriptionCommand>({ _tag: "GraceEnded" }),
  fc.constant<SubscriptionCommand>({ _tag: "PaymentWindowClosed" }),
  fc
    .record({ by: arbOperatorName, reason: arbText(80) })
    .map((c): SubscriptionCommand => ({ _tag: "Cancel", ...c })),
)

export const paymentEventNames = ["charge.success", "charge.failed", "transfer.success"] as const

/** A webhook event as the HTTP edge records it (key `<event>:<data.id>`). */
export const arbNewPaymentEvent: fc.Arbitrary<NewPaymentEvent> = fc
  .record({
    event: fc.constantFrom(...paymentEventNames),
    dataId: fc.integer({ min: 1, max: 2_000_000_000 }),
    reference: fc.option(arbPaymentReference, { nil: undefined }),
    receivedAt: arbInstant,
    amount: fc.integer({ min: 1, max: 10_000_000 }),
  })
  .map(({ event, dataId, reference, receivedAt, amount }) => ({
    key: `${event}:${dataId}`,
    gateway: "paystack",
    event,
    ...(reference === undefined ? {} : { reference }),
    payload: { event, data: { id: dataId, reference: reference ?? null, amount } },
    receivedAt,
  }))
