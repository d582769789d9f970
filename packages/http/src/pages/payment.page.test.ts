import { formatMoney, subscriptionPreset } from "@fundi/core"
import { arbPayment, arbSubscription } from "@fundi/core/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type PaymentView, paymentLinkPage } from "./payment.page.ts"

const PAY_PATH = "/p/token-of-this-link"

/** A payment with its own subscription, in any pair of states the two can be in. */
const arbView = arbSubscription().chain((subscription) =>
  arbPayment({ subscription }).map((payment) => ({ payment, subscription })),
)

const render = (view: PaymentView) =>
  String(paymentLinkPage(view, { policy: subscriptionPreset, payPath: PAY_PATH }))

const headings = [
  "Payment received",
  "This payment was received",
  "We have not received your payment yet",
  "This payment did not go through",
  "This payment link is closed",
] as const

const headingOf = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1]

describe("the payment link's page", () => {
  it("says what became of the payment: one heading, the amount and reference, a way to pay only while owing", () => {
    fc.assert(
      fc.property(arbView, (view) => {
        const html = render(view)
        const heading = headingOf(html)
        expect(headings).toContain(heading)
        expect(html).toContain(formatMoney(view.payment.amountMinor, view.payment.currency))
        expect(html).toContain(view.payment.reference)
        const payLink = html.includes(`href="${PAY_PATH}"`)
        expect(payLink).toBe(view.payment.state === "pending")
        expect(heading === "We have not received your payment yet").toBe(
          view.payment.state === "pending",
        )
        if (view.payment.state !== "paid") return
        // "active until" only for the plan that is active now, and with the date it ends.
        const active = html.includes(`your ${view.subscription.planName} plan is active`)
        expect(active).toBe(view.subscription.state === "active")
        expect(html.includes(" plan is active until ")).toBe(
          view.subscription.state === "active" && view.subscription.currentPeriodEnd !== undefined,
        )
      }),
      { numRuns: 300 },
    )
  })

  it("shows the plan name as text, never as markup", () => {
    fc.assert(
      fc.property(
        arbView,
        fc.string({ minLength: 1, maxLength: 40 }).map((s) => `<b>${s}</b>"'&`),
        (view, planName) => {
          const html = render({ ...view, subscription: { ...view.subscription, planName } })
          expect(html).not.toContain(planName)
          expect(html).not.toContain("<b>")
        },
      ),
      { numRuns: 100 },
    )
  })
})
