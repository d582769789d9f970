import { Context, type Effect } from "effect"
import type { VerifiedTransaction } from "../domain/subscription.ts"
import type {
  PaymentGatewayRefused,
  PaymentGatewayUnavailable,
  PaymentNotFound,
} from "../domain/subscriptions.errors.ts"

export interface CheckoutRequest {
  /** Our payment's reference: the gateway keeps it unique (a reused one is refused). */
  readonly reference: string
  readonly amountMinor: bigint
  readonly currency: string
  /** The payer's email (the gateway requires one and sends its receipt there). */
  readonly email: string
  /** Where the gateway sends the payer's browser after paying. */
  readonly callbackUrl: string
  /** Shown to ops in the gateway's dashboard and echoed in its webhooks. */
  readonly metadata: Readonly<Record<string, string>>
}

/**
 * A card/EFT payment gateway with a hosted checkout (Paystack in production, a local
 * simulator of it by default). Calls are over the network: never inside a transaction
 * that holds locks other people wait on for long.
 */
export class PaymentGateway extends Context.Service<
  PaymentGateway,
  {
    /** Opens a checkout for one reference; the payer is sent to `checkoutUrl`. */
    readonly initializeCheckout: (
      request: CheckoutRequest,
    ) => Effect.Effect<
      { readonly checkoutUrl: string },
      PaymentGatewayUnavailable | PaymentGatewayRefused
    >
    /** What the gateway itself says of the transaction (a webhook alone is never trusted). */
    readonly verify: (
      reference: string,
    ) => Effect.Effect<VerifiedTransaction, PaymentGatewayUnavailable | PaymentNotFound>
  }
>()("@fundi/core/PaymentGateway") {}
