import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyId, PaymentId, SubscriptionId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { Payment, Subscription, SubscriptionState } from "../domain/subscription.ts"

export interface SubscriptionFilter {
  readonly states?: ReadonlyArray<SubscriptionState>
  readonly customerId?: PartyId
  readonly limit?: number
}

/**
 * Subscriptions and their payments. A customer has at most one `pending_payment` and at
 * most one `active`/`past_due` subscription (unique on Postgres); references are unique.
 */
export class SubscriptionRepository extends Context.Service<
  SubscriptionRepository,
  {
    readonly insert: (subscription: Subscription) => Effect.Effect<void, PersistenceUnavailable>
    readonly update: (subscription: Subscription) => Effect.Effect<void, PersistenceUnavailable>
    readonly findById: (
      id: SubscriptionId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Subscription>, PersistenceUnavailable>
    /** Newest first (createdAt descending), ties by id. */
    readonly list: (
      filter: SubscriptionFilter,
    ) => Effect.Effect<ReadonlyArray<Subscription>, PersistenceUnavailable>
    /**
     * Subscriptions whose timer has passed at `at`: active with currentPeriodEnd <= at, or
     * pending_payment / past_due with payBy <= at; not one postponed past `at`. Earliest
     * due first, at most `limit`.
     */
    readonly listDue: (
      at: Instant,
      limit: number,
    ) => Effect.Effect<ReadonlyArray<Subscription>, PersistenceUnavailable>
    /**
     * Leaves a due subscription out of `listDue` until `until` (the scheduler failed to
     * move it, so the ones behind it go first). `update` clears it; an unknown id: nothing.
     */
    readonly postponeDue: (
      id: SubscriptionId,
      until: Instant,
    ) => Effect.Effect<void, PersistenceUnavailable>

    readonly insertPayment: (payment: Payment) => Effect.Effect<void, PersistenceUnavailable>
    readonly updatePayment: (payment: Payment) => Effect.Effect<void, PersistenceUnavailable>
    readonly findPaymentById: (
      id: PaymentId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Payment>, PersistenceUnavailable>
    readonly findPaymentByReference: (
      reference: string,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<Payment>, PersistenceUnavailable>
    /** A subscription's payments, oldest first, ties by id. */
    readonly listPayments: (
      subscriptionId: SubscriptionId,
    ) => Effect.Effect<ReadonlyArray<Payment>, PersistenceUnavailable>
  }
>()("@fundi/core/SubscriptionRepository") {}
