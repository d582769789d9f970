import { Effect, Option, Result } from "effect"
import type { IssuedLink } from "../../links/domain/secure-link.ts"
import { SecureLinks } from "../../links/ports/secure-links.ts"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import {
  messagesForParty,
  type RenderedMessage,
} from "../../notifications/domain/party-messages.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import {
  newEventId,
  newMessageId,
  newPaymentId,
  type PartyId,
  type SubscriptionId,
} from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { randomPaymentReference, transitionSubscription } from "../domain/subscription.ops.ts"
import type { Payment, PaymentPurpose, Subscription } from "../domain/subscription.ts"
import { PaymentNotFound, SubscriptionNotFound } from "../domain/subscriptions.errors.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"

export { audit, inTransaction } from "../../vetting/use-cases/support.ts"

const DAY_MS = 86_400_000

/** Days to pay for a newly chosen plan; 7 when the policy does not say. */
export const paymentWindowDays = (policy: MarketplacePolicy): number =>
  policy.subscription.paymentWindowDays ?? 7

/** Days a past-due plan waits for its renewal before it expires; 7 when the policy does not say. */
export const graceDays = (policy: MarketplacePolicy): number => policy.subscription.graceDays ?? 7

export const daysAfter = (at: Instant, days: number): Instant => (at + days * DAY_MS) as Instant

export const loadSubscription = (
  subscriptionId: SubscriptionId,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<
  Subscription,
  SubscriptionNotFound | PersistenceUnavailable,
  SubscriptionRepository
> =>
  Effect.gen(function* () {
    const found = yield* (yield* SubscriptionRepository).findById(subscriptionId, options)
    if (Option.isNone(found)) return yield* new SubscriptionNotFound({ subscriptionId })
    return found.value
  })

export const loadPaymentByReference = (
  reference: string,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<Payment, PaymentNotFound | PersistenceUnavailable, SubscriptionRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* SubscriptionRepository).findPaymentByReference(reference, options)
    if (Option.isNone(found)) return yield* new PaymentNotFound({ reference })
    return found.value
  })

/** A payment's subscription exists (a foreign key on Postgres): a missing one is a bug. */
export const subscriptionOf = (
  payment: Payment,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<Subscription, PersistenceUnavailable, SubscriptionRepository> =>
  Effect.catchTag(
    loadSubscription(payment.subscriptionId, options),
    "SubscriptionNotFound",
    (bug) => Effect.die(bug),
  )

/** A subscription's customer exists (a foreign key on Postgres): a missing one is a bug. */
export const customerOf = (
  subscription: Pick<Subscription, "customerId">,
): Effect.Effect<Party, PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(subscription.customerId as PartyId)
    if (Option.isNone(found)) {
      return yield* Effect.die(new PartyNotFound({ partyId: subscription.customerId }))
    }
    return found.value
  })

/** With 2^30 references a clash is rare; this many in a row means something is broken. */
const referenceAttempts = 10

/** A reference no other payment has: the gateway keys every webhook and verify on it. */
export const freshReference = Effect.gen(function* () {
  const repo = yield* SubscriptionRepository
  for (let attempt = 0; attempt < referenceAttempts; attempt++) {
    const reference = yield* randomPaymentReference
    if (Option.isNone(yield* repo.findPaymentByReference(reference))) return reference
  }
  return yield* Effect.die(
    new Error(`no free payment reference after ${referenceAttempts} attempts`),
  )
})

/** A new pending payment of one period of `subscription`, stored. */
export const createPayment = (
  subscription: Subscription,
  purpose: PaymentPurpose,
  at: Instant,
): Effect.Effect<Payment, PersistenceUnavailable, SubscriptionRepository> =>
  Effect.gen(function* () {
    const payment: Payment = {
      id: yield* newPaymentId,
      subscriptionId: subscription.id,
      customerId: subscription.customerId,
      purpose,
      reference: yield* freshReference,
      amountMinor: subscription.priceMinor,
      currency: subscription.currency,
      state: "pending",
      createdAt: at,
      updatedAt: at,
    }
    yield* (yield* SubscriptionRepository).insertPayment(payment)
    return payment
  })

/** The secure link that opens a payment's checkout, for its customer, until `expiresAt`. */
export const paymentLink = (
  payment: Payment,
  expiresAt: Instant,
): Effect.Effect<IssuedLink, PersistenceUnavailable, SecureLinks> =>
  Effect.gen(function* () {
    return yield* (yield* SecureLinks).issue({
      partyId: payment.customerId,
      scope: "payment",
      objectId: payment.id,
      expiresAt,
    })
  })

/**
 * Ends a subscription (cancelled or expired by the rules) and closes its open payments:
 * their links stop opening a checkout (PaymentClosed), and a payment the gateway still
 * reports as made later is kept as money received, not as a reason to reopen the plan.
 * The row is read again locked, since the caller may have decided on a copy read before
 * another transaction moved it: one no longer in the state the caller saw is left as it is.
 */
export const endSubscription = (
  subscription: Pick<Subscription, "id" | "state">,
  command:
    | { readonly _tag: "Cancel"; readonly by: string; readonly reason: string }
    | { readonly _tag: "GraceEnded" }
    | { readonly _tag: "PaymentWindowClosed" },
  at: Instant,
): Effect.Effect<Subscription, PersistenceUnavailable, SubscriptionRepository> =>
  Effect.gen(function* () {
    const repo = yield* SubscriptionRepository
    const current = yield* Effect.catchTag(
      loadSubscription(subscription.id, { forUpdate: true }),
      "SubscriptionNotFound",
      (bug) => Effect.die(bug),
    )
    if (current.state !== subscription.state) return current
    const moved = transitionSubscription(current, command, at)
    if (Result.isFailure(moved)) return current
    const ended = moved.success
    yield* repo.update(ended)
    for (const payment of yield* repo.listPayments(ended.id)) {
      if (payment.state !== "pending") continue
      yield* repo.updatePayment({
        ...payment,
        state: "abandoned",
        updatedAt: at,
        failureReason: `subscription ${ended.state}: ${ended.endReason ?? ""}`.trim(),
      })
    }
    return ended
  })

/** Puts a message to the homeowner in the outbox, in the caller's transaction. */
export const tell = (
  party: Party,
  rendered: RenderedMessage,
): Effect.Effect<void, PersistenceUnavailable, Outbox> =>
  Effect.gen(function* () {
    const at = yield* now
    const eventId = yield* newEventId
    const messages: Array<OutboxMessage> = []
    for (const draft of messagesForParty(eventId, party, rendered)) {
      messages.push({
        ...draft,
        id: yield* newMessageId,
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })
    }
    if (messages.length > 0) yield* (yield* Outbox).enqueue(messages)
  })

/** JSON has no bigint: amounts in audit details are strings of minor units. */
export const subscriptionDetails = (subscription: Subscription) => ({
  customerId: subscription.customerId,
  planId: subscription.planId,
  state: subscription.state,
  priceMinor: subscription.priceMinor.toString(),
  currency: subscription.currency,
})
