import { Effect, Schema } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { PartyId, SubscriptionId } from "../../shared/ids.ts"
import { type Payment, type Subscription, SubscriptionState } from "../domain/subscription.ts"
import type { SubscriptionNotFound } from "../domain/subscriptions.errors.ts"
import { type PaymentEvent, PaymentEvents } from "../ports/payment-events.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import type { SubscriptionServices } from "./services.ts"
import { loadSubscription } from "./support.ts"

const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1_000 }))

export const ListSubscriptionsInput = Schema.Struct({
  state: Schema.optionalKey(SubscriptionState),
  customerId: Schema.optionalKey(PartyId),
  limit: Schema.optionalKey(Limit),
})
export type ListSubscriptionsInput = typeof ListSubscriptionsInput.Encoded

/** Ops: subscriptions, newest first, by state and customer; 100 unless told. */
export const listSubscriptions: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<Subscription>,
  InvalidInput | PersistenceUnavailable,
  SubscriptionServices
> = Effect.fn("listSubscriptions")(function* (raw: unknown) {
  const input = yield* decodeInput(ListSubscriptionsInput)(raw)
  return yield* (yield* SubscriptionRepository).list({
    ...(input.state === undefined ? {} : { states: [input.state] }),
    ...(input.customerId === undefined ? {} : { customerId: input.customerId }),
    limit: input.limit ?? 100,
  })
})

export const ShowSubscriptionInput = Schema.Struct({ subscriptionId: SubscriptionId })
export type ShowSubscriptionInput = typeof ShowSubscriptionInput.Encoded

/** Ops: one subscription with its payments, oldest first. */
export const showSubscription: (
  input: unknown,
) => Effect.Effect<
  { readonly subscription: Subscription; readonly payments: ReadonlyArray<Payment> },
  InvalidInput | PersistenceUnavailable | SubscriptionNotFound,
  SubscriptionServices
> = Effect.fn("showSubscription")(function* (raw: unknown) {
  const input = yield* decodeInput(ShowSubscriptionInput)(raw)
  const subscription = yield* loadSubscription(input.subscriptionId)
  const payments = yield* (yield* SubscriptionRepository).listPayments(subscription.id)
  return { subscription, payments }
})

export const ListPaymentEventsInput = Schema.Struct({
  failed: Schema.optionalKey(Schema.Boolean),
  limit: Schema.optionalKey(Limit),
})
export type ListPaymentEventsInput = typeof ListPaymentEventsInput.Encoded

/** Ops: the payment webhook events, newest first; only the failed ones with `failed`. */
export const listPaymentEvents: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<PaymentEvent>,
  InvalidInput | PersistenceUnavailable,
  SubscriptionServices
> = Effect.fn("listPaymentEvents")(function* (raw: unknown) {
  const input = yield* decodeInput(ListPaymentEventsInput)(raw)
  return yield* (yield* PaymentEvents).list({
    ...(input.failed === true ? { states: ["failed"] as const } : {}),
    limit: input.limit ?? 100,
  })
})
