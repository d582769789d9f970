import { formatMoney, type MarketplacePolicy, type Payment, type Subscription } from "@fundi/core"
import { html } from "hono/html"
import { type Html, layout } from "./layout.ts"
import { formatTime } from "./local-time.ts"

export interface PaymentView {
  readonly payment: Payment
  readonly subscription: Subscription
}

const until = (subscription: Subscription, zone: string): string =>
  subscription.currentPeriodEnd === undefined
    ? ""
    : ` until ${formatTime(subscription.currentPeriodEnd, zone)}`

/** The paid plan, as the homeowner should read it; a paid plan since replaced or ended says so. */
const paidText = (view: PaymentView, zone: string): { title: string; text: string } => {
  const { subscription } = view
  const plan = subscription.planName
  switch (subscription.state) {
    case "active":
      return {
        title: "Payment received",
        text: `Paid: your ${plan} plan is active${until(subscription, zone)}.`,
      }
    case "past_due":
      return {
        title: "This payment was received",
        text: `Your ${plan} plan has reached the end of its period: we sent you a new link for the next one.`,
      }
    default:
      return {
        title: "This payment was received",
        text: `Your ${plan} plan has since ${subscription.state === "cancelled" ? "been cancelled" : "ended"}.`,
      }
  }
}

/**
 * The payment link's own page, shown instead of the checkout when there is nothing to pay
 * (paid, or closed) and after the gateway sends the homeowner back.
 */
export const paymentLinkPage = (
  view: PaymentView,
  options: { readonly policy: MarketplacePolicy; readonly payPath: string },
): Html => {
  const zone = options.policy.timeZone
  const { payment, subscription } = view
  const amount = formatMoney(payment.amountMinor, payment.currency)
  const brand = options.policy.brand
  const details = html`<dl>
<dt>Plan</dt><dd>${subscription.planName}</dd>
<dt>Amount</dt><dd>${amount}</dd>
<dt>Reference</dt><dd>${payment.reference}</dd>
${payment.paidAt === undefined ? "" : html`<dt>Paid</dt><dd>${formatTime(payment.paidAt, zone)}</dd>`}
</dl>`
  const card = (title: string, text: string, extra: Html | string = "") =>
    layout({
      title: `${brand}: ${title}`,
      body: html`<h1>${title}</h1>
<div class="card"><p><strong>${text}</strong></p>${details}${extra}</div>`,
    })
  switch (payment.state) {
    case "paid": {
      const { title, text } = paidText(view, zone)
      return card(title, text)
    }
    case "pending":
      return card(
        "We have not received your payment yet",
        "If you have just paid, it can take a minute to reach us: open this page again shortly. If you have not paid yet, you can pay now.",
        html`${
          subscription.payBy === undefined
            ? ""
            : html`<p class="note">This link can be used until ${formatTime(subscription.payBy, zone)}.</p>`
        }<a class="button" href="${options.payPath}">Pay ${amount}</a>`,
      )
    case "failed":
      return card(
        "This payment did not go through",
        "Our team has been told and will contact you. Nothing more is needed from you for now.",
      )
    case "abandoned":
      return card(
        "This payment link is closed",
        "Reply to our WhatsApp message and choose your plan again for a new link.",
      )
  }
}
