import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { Instant } from "../../shared/time.ts"

export const PaymentEventStates = ["pending", "processed", "ignored", "failed"] as const
export type PaymentEventState = (typeof PaymentEventStates)[number]

/**
 * A signed webhook event from the payment gateway, kept before it is answered 200 and
 * handled after (the gateway retries for days: a redelivery is recorded once).
 */
export interface PaymentEvent {
  /** Unique per event: the gateway's event name and its object's id ("charge.success:4099260516"). */
  readonly key: string
  readonly gateway: string
  /** The gateway's event name ("charge.success"). */
  readonly event: string
  /** The transaction reference it is about, when it has one. */
  readonly reference?: string
  /** The whole event as received (JSON). */
  readonly payload: unknown
  readonly receivedAt: Instant
  readonly state: PaymentEventState
  readonly attempts: number
  readonly nextAttemptAt: Instant
  readonly lastError?: string
  readonly processedAt?: Instant
  /** What handling it did ("activated sub_…", "not ours", "event not handled"). */
  readonly outcome?: string
}

export type NewPaymentEvent = Pick<
  PaymentEvent,
  "key" | "gateway" | "event" | "reference" | "payload" | "receivedAt"
>

/** The inbox of payment-gateway webhook events. */
export class PaymentEvents extends Context.Service<
  PaymentEvents,
  {
    /** Keeps the event unless its key is already kept; says whether it was new. */
    readonly record: (
      event: NewPaymentEvent,
    ) => Effect.Effect<{ readonly recorded: boolean }, PersistenceUnavailable>
    /**
     * Takes up to `limit` pending events due at `at`, oldest first, and leases them until
     * `leaseUntil` (their nextAttemptAt), so another worker skips them meanwhile.
     */
    readonly claimDue: (
      at: Instant,
      limit: number,
      leaseUntil: Instant,
    ) => Effect.Effect<ReadonlyArray<PaymentEvent>, PersistenceUnavailable>
    /** Done: `processed` (it changed something) or `ignored` (nothing to do), with what. */
    readonly settle: (
      key: string,
      outcome: {
        readonly state: "processed" | "ignored"
        readonly outcome: string
        readonly at: Instant
      },
    ) => Effect.Effect<void, PersistenceUnavailable>
    /** A failed attempt: tried again at `retryAt`, or `failed` for good when it is absent. */
    readonly retryOrFail: (
      key: string,
      failure: { readonly error: string; readonly retryAt?: Instant },
    ) => Effect.Effect<void, PersistenceUnavailable>
    /** Newest first; by state when given. */
    readonly list: (filter: {
      readonly states?: ReadonlyArray<PaymentEventState>
      readonly limit?: number
    }) => Effect.Effect<ReadonlyArray<PaymentEvent>, PersistenceUnavailable>
  }
>()("@fundi/core/PaymentEvents") {}
