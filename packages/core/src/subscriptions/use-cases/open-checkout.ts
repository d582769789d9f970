import { Effect, Option, Result, Schema } from "effect"
import type { LinkInvalid } from "../../links/domain/links.errors.ts"
import type { LinkCheckError } from "../../links/domain/secure-link.ops.ts"
import { linkPath, type SecureLink } from "../../links/domain/secure-link.ts"
import { SecureLinks } from "../../links/ports/secure-links.ts"
import { LinkToken } from "../../links/use-cases/link-pages.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { PaymentId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { Payment, Subscription } from "../domain/subscription.ts"
import {
  PaymentClosed,
  type PaymentGatewayRefused,
  type PaymentGatewayUnavailable,
  PaymentNotFound,
} from "../domain/subscriptions.errors.ts"
import { PaymentGateway } from "../ports/payment-gateway.ts"
import { PaymentSettings } from "../ports/payment-settings.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import type { SubscriptionServices } from "./services.ts"
import { audit, customerOf, freshReference, inTransaction, subscriptionOf } from "./support.ts"

/** Paystack's code for a reference it has initialized before (the fakes use it too). */
export const duplicateReference = "duplicate_reference"

export const PaymentLinkInput = Schema.Struct({ token: LinkToken })
export type PaymentLinkInput = typeof PaymentLinkInput.Encoded

type LinkError = InvalidInput | PersistenceUnavailable | LinkInvalid | LinkCheckError

/** The payment a link opens, for the party it was issued to. */
const paymentBehind = (
  link: SecureLink,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<Payment, PaymentNotFound | PersistenceUnavailable, SubscriptionRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* SubscriptionRepository).findPaymentById(
      link.objectId as PaymentId,
      options,
    )
    // A link names its party and object together; another party's payment is not there.
    if (Option.isNone(found) || found.value.customerId !== link.partyId) {
      return yield* new PaymentNotFound({ reference: link.objectId })
    }
    return found.value
  })

/** The gateway needs an email; a homeowner on WhatsApp may have none (see PaymentSettings). */
export const payerEmail = (party: Party, fallbackDomain: string): string =>
  party.profile.email ?? `${party.phone.replace(/\D/g, "")}@${fallbackDomain}`

/**
 * The homeowner opens their payment link: on to the gateway's checkout. The first opening
 * asks the gateway for a checkout and keeps its URL (a gateway initializes a reference
 * once); later openings go to the same checkout. The gateway is asked outside any
 * transaction, so a slow gateway holds no lock (on the embedded database an open
 * transaction holds the whole session); then, with the payment locked, the URL is kept
 * unless another opening kept one first, and everyone goes to the one kept. A checkout that
 * is not kept is never shown, so nobody pays it. A payment that is no longer pending has
 * nothing to pay: PaymentClosed.
 */
export const openPaymentCheckout: (
  input: unknown,
) => Effect.Effect<
  { readonly payment: Payment; readonly checkoutUrl: string },
  LinkError | PaymentClosed | PaymentNotFound | PaymentGatewayUnavailable | PaymentGatewayRefused,
  SubscriptionServices
> = Effect.fn("openPaymentCheckout")(function* (raw: unknown) {
  const input = yield* decodeInput(PaymentLinkInput)(raw)
  const link = yield* (yield* SecureLinks).resolve(input.token, { scope: "payment" })
  const settings = yield* PaymentSettings
  const seen = yield* paymentBehind(link)
  if (seen.state !== "pending") {
    return yield* new PaymentClosed({ reference: seen.reference, state: seen.state })
  }
  if (seen.checkoutUrl !== undefined) return { payment: seen, checkoutUrl: seen.checkoutUrl }
  const subscription = yield* subscriptionOf(seen)
  const party = yield* customerOf(subscription)
  const gateway = yield* PaymentGateway
  const initialize = (reference: string) =>
    gateway.initializeCheckout({
      reference,
      amountMinor: seen.amountMinor,
      currency: seen.currency,
      email: payerEmail(party, settings.payerEmailDomain),
      callbackUrl: `${settings.publicUrl.replace(/\/+$/, "")}${linkPath("payment", input.token)}/return`,
      metadata: {
        paymentId: seen.id,
        subscriptionId: subscription.id,
        planId: subscription.planId,
        customerId: party.id,
      },
    })
  // A checkout another opening kept while we asked the gateway: everyone goes there.
  const keptMeanwhile = Effect.map(paymentBehind(link), (payment) =>
    payment.state === "pending" && payment.checkoutUrl !== undefined
      ? { payment, checkoutUrl: payment.checkoutUrl }
      : undefined,
  )
  const asked = yield* Effect.result(initialize(seen.reference))
  let initialized: { readonly reference: string; readonly checkoutUrl: string }
  if (Result.isSuccess(asked)) {
    initialized = { reference: seen.reference, checkoutUrl: asked.success.checkoutUrl }
  } else {
    const kept = yield* keptMeanwhile
    if (kept !== undefined) return kept
    if (
      asked.failure._tag !== "PaymentGatewayRefused" ||
      asked.failure.code !== duplicateReference
    ) {
      return yield* asked.failure
    }
    // The gateway knows the reference but we kept no URL for it: an opening initialized it
    // and then rolled back, or is about to keep its URL. Nobody was sent to it, so nobody
    // can have paid it: a fresh reference is initialized.
    const fresh = yield* freshReference
    const retried = yield* Effect.result(initialize(fresh))
    if (Result.isFailure(retried)) {
      const keptNow = yield* keptMeanwhile
      if (keptNow !== undefined) return keptNow
      return yield* retried.failure
    }
    initialized = { reference: fresh, checkoutUrl: retried.success.checkoutUrl }
  }
  return yield* inTransaction(
    Effect.gen(function* () {
      const payment = yield* paymentBehind(link, { forUpdate: true })
      if (payment.state !== "pending") {
        return yield* new PaymentClosed({ reference: payment.reference, state: payment.state })
      }
      // Another opening kept its checkout first: everyone goes there; ours is never shown.
      if (payment.checkoutUrl !== undefined) {
        return { payment, checkoutUrl: payment.checkoutUrl }
      }
      const { reference, checkoutUrl } = initialized
      const opened: Payment = { ...payment, reference, checkoutUrl, updatedAt: yield* now }
      yield* (yield* SubscriptionRepository).updatePayment(opened)
      yield* audit({
        actor: { _tag: "party", partyId: party.id },
        action: "payment.checkout_open",
        subjectType: "payment",
        subjectId: payment.id,
        details: {
          reference,
          ...(reference === payment.reference ? {} : { replacedReference: payment.reference }),
          subscriptionId: subscription.id,
          checkoutUrl,
        },
      })
      return { payment: opened, checkoutUrl }
    }),
  )
})

/** What the payment link's pages show: the payment and its subscription as they are now. */
export const paymentPage: (
  input: unknown,
) => Effect.Effect<
  { readonly payment: Payment; readonly subscription: Subscription },
  LinkError | PaymentNotFound,
  SubscriptionServices
> = Effect.fn("paymentPage")(function* (raw: unknown) {
  const input = yield* decodeInput(PaymentLinkInput)(raw)
  const link = yield* (yield* SecureLinks).resolve(input.token, { scope: "payment" })
  const payment = yield* paymentBehind(link)
  return { payment, subscription: yield* subscriptionOf(payment) }
})
