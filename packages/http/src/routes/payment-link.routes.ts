import { confirmPayment, openPaymentCheckout, Policy, paymentPage } from "@fundi/core"
import { Effect } from "effect"
import { Hono } from "hono"
import { pageHeaders, runPage, send } from "../pages/pages.routes.ts"
import { paymentLinkPage } from "../pages/payment.page.ts"
import type { RouteDeps } from "../run-effect.ts"

export const paymentLinkPath = (token: string): string => `/p/${encodeURIComponent(token)}`

/** The payment and its subscription as the link shows them, with the policy to render them. */
const viewOf = (token: string) =>
  Effect.gen(function* () {
    const view = yield* paymentPage({ token })
    return { view, policy: yield* Policy }
  })

/**
 * A homeowner's payment link. `/p/:token` sends them to the gateway's checkout (opened on
 * first use, the same one after); when there is nothing left to pay it says why instead.
 * The gateway sends the browser back to `/p/:token/return`, which asks the gateway about
 * the payment at once rather than wait for the webhook, so the homeowner sees the result;
 * both paths end in the same idempotent confirmation. The `reference` Paystack appends to
 * the return URL is ignored: the token alone says which payment this is.
 */
export const paymentLinkRoutes = (deps: RouteDeps): Hono => {
  const app = new Hono()
  app.use("/p/*", pageHeaders)

  app.get("/p/:token", (c) => {
    const token = c.req.param("token")
    return runPage(
      c,
      deps,
      openPaymentCheckout({ token }).pipe(
        // The homeowner sees a page without the gateway's words; ops need them (a bad
        // payer email, a currency the account does not take) to fix what retrying will not.
        Effect.tapErrorTag("PaymentGatewayRefused", (refused) =>
          Effect.logWarning(`payment link: the gateway refused the checkout: ${refused.message}`),
        ),
        Effect.map(({ checkoutUrl }) => ({ checkoutUrl }) as const),
        Effect.catchTag("PaymentClosed", () => viewOf(token)),
      ),
      (result) =>
        "checkoutUrl" in result
          ? c.redirect(result.checkoutUrl, 303)
          : send(
              c,
              paymentLinkPage(result.view, {
                policy: result.policy,
                payPath: paymentLinkPath(token),
              }),
            ),
    )
  })

  app.get("/p/:token/return", (c) => {
    const token = c.req.param("token")
    return runPage(
      c,
      deps,
      Effect.gen(function* () {
        const { payment } = yield* paymentPage({ token })
        if (payment.state === "pending") {
          // The gateway being down only delays the news: the page says the payment has not
          // reached us yet, and the webhook's worker confirms it when the gateway is back.
          yield* confirmPayment({ reference: payment.reference }).pipe(
            Effect.catchTag("PaymentGatewayUnavailable", () => Effect.void),
          )
        }
        return yield* viewOf(token)
      }),
      ({ view, policy }) =>
        send(c, paymentLinkPage(view, { policy, payPath: paymentLinkPath(token) })),
    )
  })

  return app
}
