import { Schema } from "effect"
import { PartyId, PaymentId, SubscriptionId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"

export const SubscriptionState = Schema.Literals([
  "pending_payment",
  "active",
  "past_due",
  "cancelled",
  "expired",
])
export type SubscriptionState = typeof SubscriptionState.Type

/**
 * A homeowner's plan (the subscription model). A paid plan starts `pending_payment` and is
 * `active` from the payment for one period; at the period's end it is `past_due` with a
 * renewal payment until paid (active again) or the grace ends (`expired`). A free plan
 * (monthly price 0) is active at once and has no period end. The plan's price and name
 * are copied at choice time, so a later policy change does not reprice what was sold.
 */
export const Subscription = Schema.Struct({
  id: SubscriptionId,
  customerId: PartyId,
  planId: Schema.NonEmptyString,
  planName: Schema.NonEmptyString,
  /** Per period, minor units of `currency`; 0 for a free plan. */
  priceMinor: Schema.BigInt,
  currency: Schema.String,
  state: SubscriptionState,
  /** Set from the first payment (or at once for a free plan). */
  currentPeriodStart: Schema.optionalKey(Instant),
  /** Absent for a free plan: it runs until replaced or cancelled. */
  currentPeriodEnd: Schema.optionalKey(Instant),
  /**
   * While `pending_payment` or `past_due`: when it expires if still unpaid (the payment
   * window of a new subscription, the grace of a renewal).
   */
  payBy: Schema.optionalKey(Instant),
  createdAt: Instant,
  updatedAt: Instant,
  endedAt: Schema.optionalKey(Instant),
  /** Why it was cancelled or expired ("replaced by sub_…", "not paid", an operator's reason). */
  endReason: Schema.optionalKey(Schema.String),
})
export type Subscription = typeof Subscription.Type

export type SubscriptionCommandTag =
  | "PaymentConfirmed"
  | "PeriodEnded"
  | "GraceEnded"
  | "PaymentWindowClosed"
  | "Cancel"

/**
 * The subscription state machine (DESIGN.md): pending_payment -> active -> past_due ->
 * cancelled | expired. A renewal payment makes a past_due subscription active again; an
 * unpaid one expires at the end of its grace, a never-paid one when its payment window
 * closes. Cancelled and expired are final.
 */
export const subscriptionTransitions: {
  readonly [S in SubscriptionState]: { readonly [C in SubscriptionCommandTag]?: SubscriptionState }
} = {
  pending_payment: {
    PaymentConfirmed: "active",
    PaymentWindowClosed: "expired",
    Cancel: "cancelled",
  },
  active: { PeriodEnded: "past_due", Cancel: "cancelled" },
  past_due: { PaymentConfirmed: "active", GraceEnded: "expired", Cancel: "cancelled" },
  cancelled: {},
  expired: {},
}

export const PaymentState = Schema.Literals(["pending", "paid", "failed", "abandoned"])
export type PaymentState = typeof PaymentState.Type

export const PaymentPurpose = Schema.Literals(["subscription_start", "subscription_renewal"])
export type PaymentPurpose = typeof PaymentPurpose.Type

/**
 * One amount a homeowner is asked to pay through the payment gateway, for one period of
 * one subscription. `reference` is the gateway's transaction reference: unique, and the
 * key every webhook and verification is matched on. The checkout URL is asked of the
 * gateway the first time the homeowner opens the payment link, and kept, because a
 * gateway reference can be initialized only once.
 */
export const Payment = Schema.Struct({
  id: PaymentId,
  subscriptionId: SubscriptionId,
  customerId: PartyId,
  purpose: PaymentPurpose,
  reference: Schema.NonEmptyString,
  amountMinor: Schema.BigInt,
  currency: Schema.String,
  state: PaymentState,
  /** The gateway's hosted checkout page, once initialized. */
  checkoutUrl: Schema.optionalKey(Schema.String),
  /** The gateway's own id for the transaction, once known. */
  gatewayTransactionId: Schema.optionalKey(Schema.String),
  /** The gateway's channel ("card", "bank", "ussd"...), once paid. */
  channel: Schema.optionalKey(Schema.String),
  createdAt: Instant,
  updatedAt: Instant,
  paidAt: Schema.optionalKey(Instant),
  failureReason: Schema.optionalKey(Schema.String),
})
export type Payment = typeof Payment.Type

/** What the gateway says of a transaction, from its verify API (never from a webhook alone). */
export interface VerifiedTransaction {
  readonly reference: string
  readonly status: "success" | "failed" | "abandoned" | "pending"
  readonly amountMinor: bigint
  readonly currency: string
  readonly gatewayTransactionId: string
  readonly paidAt?: Instant
  readonly channel?: string
  readonly gatewayResponse?: string
}
