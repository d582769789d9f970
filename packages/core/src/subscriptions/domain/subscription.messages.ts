import { planPrice } from "../../conversation/domain/flows/plan.flow.ts"
import type { RenderedMessage } from "../../notifications/domain/party-messages.ts"
import { greeting } from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { showDay } from "../../shared/local-time.ts"
import type { Instant } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { Payment, Subscription } from "./subscription.ts"

/** The templates of the messages a homeowner gets about their plan. */
export const subscriptionTemplates = {
  paymentLink: "subscription.payment_link",
  renewalDue: "subscription.renewal_due",
  active: "subscription.active",
  expired: "subscription.expired",
  cancelled: "subscription.cancelled",
} as const

/** "12 March 2026" on the marketplace's calendar. */
const showDate = (at: Instant, timeZone: string): string => showDay(at, timeZone)

const price = (policy: MarketplacePolicy, subscription: Subscription): string =>
  planPrice(policy, Number(subscription.priceMinor))

/** The link to pay a new plan: what it is, what it costs, where, and until when. */
export const paymentLinkMessage = (
  party: Party,
  policy: MarketplacePolicy,
  subscription: Subscription,
  url: string,
  validUntil: Instant,
): RenderedMessage => ({
  template: subscriptionTemplates.paymentLink,
  subject: `Pay for your ${policy.brand} ${subscription.planName} plan`,
  body: `${greeting(party)}, to start your ${subscription.planName} plan (${price(policy, subscription)}), pay here: ${url} The link is valid until ${showDate(validUntil, policy.timeZone)}.`,
})

/** A period ended: the renewal to pay to keep the plan, and by when. */
export const renewalDueMessage = (
  party: Party,
  policy: MarketplacePolicy,
  subscription: Subscription,
  url: string,
  payBy: Instant,
): RenderedMessage => ({
  template: subscriptionTemplates.renewalDue,
  subject: `Renew your ${policy.brand} ${subscription.planName} plan`,
  body: `${greeting(party)}, your ${subscription.planName} plan is due for renewal (${price(policy, subscription)}). Pay here to keep it: ${url} The link is valid until ${showDate(payBy, policy.timeZone)}.`,
})

export const activeMessage = (
  party: Party,
  policy: MarketplacePolicy,
  subscription: Subscription,
  payment: Payment,
): RenderedMessage => ({
  template: subscriptionTemplates.active,
  subject: `Your ${policy.brand} ${subscription.planName} plan is active`,
  body: `${greeting(party)}, thank you: we received your payment (reference ${payment.reference}). Your ${subscription.planName} plan is active until ${showDate(subscription.currentPeriodEnd ?? payment.updatedAt, policy.timeZone)}.`,
})

export const expiredMessage = (
  party: Party,
  policy: MarketplacePolicy,
  subscription: Subscription,
): RenderedMessage => ({
  template: subscriptionTemplates.expired,
  subject: `Your ${policy.brand} ${subscription.planName} plan has ended`,
  body: `${greeting(party)}, your ${subscription.planName} plan has ended because it was not paid in time. Reply to this message if you would like to choose a plan again.`,
})

export const cancelledMessage = (
  party: Party,
  policy: MarketplacePolicy,
  subscription: Subscription,
  reason: string,
): RenderedMessage => ({
  template: subscriptionTemplates.cancelled,
  subject: `Your ${policy.brand} ${subscription.planName} plan was cancelled`,
  body: `${greeting(party)}, our team cancelled your ${subscription.planName} plan. Reason: ${reason}. Reply to this message if you have questions.`,
})

/** One line on a homeowner's plan, for the chat's "status" answer. */
export const planStatusLine = (subscription: Subscription, timeZone: string): string => {
  const name = subscription.planName
  switch (subscription.state) {
    case "active":
      return subscription.currentPeriodEnd === undefined
        ? `Your plan: ${name}.`
        : `Your plan: ${name}, active until ${showDate(subscription.currentPeriodEnd, timeZone)}.`
    case "pending_payment":
      return `Your plan: ${name}, waiting for your payment${subscription.payBy === undefined ? "" : ` (the link works until ${showDate(subscription.payBy, timeZone)})`}.`
    case "past_due":
      return `Your plan: ${name}, renewal due${subscription.payBy === undefined ? "" : ` by ${showDate(subscription.payBy, timeZone)}`}.`
    default:
      return `Your plan: ${name} (${subscription.state}).`
  }
}
