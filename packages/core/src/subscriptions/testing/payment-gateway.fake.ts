import { Context, Effect, Layer } from "effect"
import { type Instant, now } from "../../shared/time.ts"
import type { VerifiedTransaction } from "../domain/subscription.ts"
import {
  PaymentGatewayRefused,
  PaymentGatewayUnavailable,
  PaymentNotFound,
} from "../domain/subscriptions.errors.ts"
import { type CheckoutRequest, PaymentGateway } from "../ports/payment-gateway.ts"

export const inMemoryCheckoutBaseUrl = "https://checkout.gateway.test/pay/"

/** How a test says the payer's attempt ended; amount and currency default to what was asked. */
export interface FakeOutcome {
  readonly status: "success" | "failed" | "abandoned" | "pending"
  readonly amountMinor?: bigint
  readonly currency?: string
  readonly paidAt?: Instant
  readonly channel?: string
}

interface Transaction {
  readonly request?: CheckoutRequest
  readonly verified: VerifiedTransaction
}

export interface InMemoryPaymentGatewayShape {
  /** Every checkout it opened, in order. */
  readonly checkouts: Effect.Effect<ReadonlyArray<CheckoutRequest & { checkoutUrl: string }>>
  /**
   * The payer finished (or gave up) at the checkout. A reference never initialized is
   * known from then on, as a transaction made elsewhere with our reference would be.
   */
  readonly settle: (reference: string, outcome: FakeOutcome) => Effect.Effect<void>
  /** The next call (either method) fails as unavailable, once. */
  readonly failNext: (detail?: string) => Effect.Effect<void>
  /** The next checkout is refused, once, as Paystack refuses a request it will not take. */
  readonly refuseNext: (code?: string, detail?: string) => Effect.Effect<void>
  /** How many times `verify` was called, to show that a decision did not ask again. */
  readonly verifications: Effect.Effect<number>
  /**
   * The next checkout runs `gate` before it answers, once: a slow gateway, held by a test.
   * With `registered`, the gateway has recorded the reference before it waits (as a slow
   * answer from a gateway that did the work would); without, it has not yet.
   */
  readonly holdNext: (
    gate: Effect.Effect<void>,
    options?: { readonly registered?: boolean },
  ) => Effect.Effect<void>
}

/** The test hooks of the in-memory gateway that `layerPaymentGatewayInMemory` provides. */
export class InMemoryPaymentGateway extends Context.Service<
  InMemoryPaymentGateway,
  InMemoryPaymentGatewayShape
>()("@fundi/core/testing/InMemoryPaymentGateway") {}

/**
 * A payment gateway in memory, behaving like Paystack where the use cases can tell:
 * a reference initializes once (again is refused), verify of an unknown reference is
 * PaymentNotFound, a new checkout is pending until a test settles it. Its state is not in
 * the InMemoryStore: the gateway is outside our database, so a rollback does not undo it.
 */
export const layerPaymentGatewayInMemory: Layer.Layer<PaymentGateway | InMemoryPaymentGateway> =
  Layer.effectContext(
    Effect.sync(() => {
      const transactions = new Map<string, Transaction>()
      const opened: Array<CheckoutRequest & { checkoutUrl: string }> = []
      let failure: string | undefined
      let refusal: { readonly code: string; readonly detail: string } | undefined
      let verifications = 0
      let counter = 0
      let held: { readonly gate: Effect.Effect<void>; readonly registered: boolean } | undefined
      const unavailable = Effect.suspend(() => {
        if (failure === undefined) return Effect.void
        const detail = failure
        failure = undefined
        return Effect.fail(new PaymentGatewayUnavailable({ detail }))
      })
      const gateway = PaymentGateway.of({
        initializeCheckout: (request) =>
          Effect.gen(function* () {
            const hold = held
            held = undefined
            if (hold !== undefined && !hold.registered) yield* hold.gate
            yield* unavailable
            if (refusal !== undefined) {
              const refused = refusal
              refusal = undefined
              return yield* new PaymentGatewayRefused(refused)
            }
            if (transactions.has(request.reference)) {
              return yield* new PaymentGatewayRefused({
                code: "duplicate_reference",
                detail: "Duplicate Transaction Reference",
              })
            }
            counter++
            const checkoutUrl = `${inMemoryCheckoutBaseUrl}${request.reference}`
            transactions.set(request.reference, {
              request,
              verified: {
                reference: request.reference,
                status: "pending",
                amountMinor: request.amountMinor,
                currency: request.currency,
                gatewayTransactionId: String(4_000_000_000 + counter),
              },
            })
            opened.push({ ...request, checkoutUrl })
            if (hold?.registered === true) yield* hold.gate
            return { checkoutUrl }
          }),
        verify: (reference) =>
          Effect.gen(function* () {
            verifications++
            yield* unavailable
            const found = transactions.get(reference)
            if (found === undefined) return yield* new PaymentNotFound({ reference })
            return found.verified
          }),
      })
      const hooks = InMemoryPaymentGateway.of({
        checkouts: Effect.sync(() => [...opened]),
        settle: (reference, outcome) =>
          Effect.gen(function* () {
            const at = outcome.paidAt ?? (yield* now)
            const known = transactions.get(reference)
            if (known === undefined) counter++
            const base: VerifiedTransaction = known?.verified ?? {
              reference,
              status: "pending",
              amountMinor: outcome.amountMinor ?? 0n,
              currency: outcome.currency ?? "ZAR",
              gatewayTransactionId: String(4_000_000_000 + counter),
            }
            const verified: VerifiedTransaction = {
              ...base,
              status: outcome.status,
              amountMinor: outcome.amountMinor ?? base.amountMinor,
              currency: outcome.currency ?? base.currency,
              ...(outcome.status === "success"
                ? { paidAt: at, channel: outcome.channel ?? "card", gatewayResponse: "Approved" }
                : { gatewayResponse: outcome.status }),
            }
            transactions.set(reference, { ...known, verified })
          }),
        failNext: (detail = "gateway timed out") =>
          Effect.sync(() => {
            failure = detail
          }),
        holdNext: (gate, options = {}) =>
          Effect.sync(() => {
            held = { gate, registered: options.registered === true }
          }),
        refuseNext: (code = "invalid_email", detail = "Invalid Email Address Passed") =>
          Effect.sync(() => {
            refusal = { code, detail }
          }),
        verifications: Effect.sync(() => verifications),
      })
      return Context.make(PaymentGateway, gateway).pipe(Context.add(InMemoryPaymentGateway, hooks))
    }),
  )
