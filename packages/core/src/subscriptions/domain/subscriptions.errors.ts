import { Schema } from "effect"

export class SubscriptionNotFound extends Schema.TaggedError<SubscriptionNotFound>()(
  "SubscriptionNotFound",
  { subscriptionId: Schema.String },
) {
  override get message() {
    return `no subscription ${this.subscriptionId}`
  }
}

export class PaymentNotFound extends Schema.TaggedError<PaymentNotFound>()("PaymentNotFound", {
  reference: Schema.String,
}) {
  override get message() {
    return `no payment with reference ${this.reference}`
  }
}

/** The policy has no plan with this id (or the marketplace is not on the subscription model). */
export class UnknownPlan extends Schema.TaggedError<UnknownPlan>()("UnknownPlan", {
  planId: Schema.String,
  known: Schema.Array(Schema.String),
}) {
  override get message() {
    return this.known.length === 0
      ? `this marketplace sells no subscription plans (asked for ${this.planId})`
      : `no plan ${this.planId}; the plans are ${this.known.join(", ")}`
  }
}

/** The homeowner is already on this plan and it is paid up. */
export class AlreadySubscribed extends Schema.TaggedError<AlreadySubscribed>()(
  "AlreadySubscribed",
  { subscriptionId: Schema.String, planId: Schema.String },
) {
  override get message() {
    return `already subscribed to ${this.planId} (${this.subscriptionId})`
  }
}

/** The payment is no longer open (paid, failed or abandoned): there is nothing to pay. */
export class PaymentClosed extends Schema.TaggedError<PaymentClosed>()("PaymentClosed", {
  reference: Schema.String,
  state: Schema.String,
}) {
  override get message() {
    return `payment ${this.reference} is ${this.state}: there is nothing left to pay`
  }
}

/** The payment gateway could not be reached or failed; nothing was charged or changed. */
export class PaymentGatewayUnavailable extends Schema.TaggedError<PaymentGatewayUnavailable>()(
  "PaymentGatewayUnavailable",
  { detail: Schema.String },
) {
  override get message() {
    return `the payment gateway is unavailable: ${this.detail}`
  }
}

/** The gateway refused the request for a reason retrying will not fix (its message kept). */
export class PaymentGatewayRefused extends Schema.TaggedError<PaymentGatewayRefused>()(
  "PaymentGatewayRefused",
  { code: Schema.String, detail: Schema.String },
) {
  override get message() {
    return `the payment gateway refused the request (${this.code}): ${this.detail}`
  }
}

/** The gateway's verified transaction does not match the payment (amount, currency). */
export class PaymentMismatch extends Schema.TaggedError<PaymentMismatch>()("PaymentMismatch", {
  reference: Schema.String,
  detail: Schema.String,
}) {
  override get message() {
    return `payment ${this.reference} does not match what the gateway reports: ${this.detail}`
  }
}
