import { Effect, Option, Schema } from "effect"
import type { IssuedLink } from "../../links/domain/secure-link.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { newSubscriptionId, PartyId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { lockParty } from "../../vetting/use-cases/support.ts"
import { paymentLinkMessage, renewalDueMessage } from "../domain/subscription.messages.ts"
import { openSubscriptionStates, planChoice, plansForSale } from "../domain/subscription.ops.ts"
import type { Payment, Subscription } from "../domain/subscription.ts"
import { type AlreadySubscribed, UnknownPlan } from "../domain/subscriptions.errors.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import type { SubscriptionServices } from "./services.ts"
import {
  audit,
  createPayment,
  daysAfter,
  endSubscription,
  inTransaction,
  paymentLink,
  paymentWindowDays,
  subscriptionDetails,
  tell,
} from "./support.ts"

export const ChoosePlanInput = Schema.Struct({
  customerId: PartyId,
  planId: Schema.NonEmptyString,
})
export type ChoosePlanInput = typeof ChoosePlanInput.Encoded

export interface PlanChosen {
  readonly subscription: Subscription
  /** The payment to make, for a paid plan. */
  readonly payment?: Payment
  /** The link to it, also sent to the homeowner in the same transaction. */
  readonly link?: IssuedLink
}

/**
 * A homeowner picks a plan. A free plan is active at once and replaces whatever they
 * had. A paid plan waits for its payment (`paymentWindowDays`) with a payment, a secure
 * link to it and a message carrying the link; the plan they have keeps running until the
 * new one is paid. Picking the plan that already waits for payment hands out the same
 * payment with a fresh link, so tapping twice never makes two subscriptions. The
 * customer row is locked, so two choices of one homeowner are decided one after the other.
 */
export const chooseSubscriptionPlan: (
  input: unknown,
) => Effect.Effect<
  PlanChosen,
  InvalidInput | PersistenceUnavailable | UnknownPlan | AlreadySubscribed | PartyNotFound,
  SubscriptionServices
> = Effect.fn("chooseSubscriptionPlan")(function* (raw: unknown) {
  const input = yield* decodeInput(ChoosePlanInput)(raw)
  const policy = yield* Policy
  const plans = plansForSale(policy)
  const plan = plans.find((p) => p.id === input.planId)
  if (plan === undefined) {
    return yield* new UnknownPlan({ planId: input.planId, known: plans.map((p) => p.id) })
  }
  return yield* inTransaction(
    Effect.gen(function* () {
      const party = yield* lockParty(input.customerId)
      const repo = yield* SubscriptionRepository
      const at = yield* now
      // Locked before deciding: a payment confirmed meanwhile may have moved one of them.
      const open: Array<Subscription> = []
      const listed = yield* repo.list({ customerId: party.id, states: openSubscriptionStates })
      for (const { id } of [...listed].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        const locked = yield* repo.findById(id, { forUpdate: true })
        if (Option.isSome(locked)) open.push(locked.value)
      }
      const choice = yield* Effect.fromResult(planChoice(open, plan, at))
      const actor = { _tag: "party", partyId: party.id } as const

      if (choice._tag === "ReuseOpen") {
        const subscription = choice.subscription
        const payments = yield* repo.listPayments(subscription.id)
        const payment =
          payments.find((p) => p.state === "pending") ??
          (yield* createPayment(
            subscription,
            subscription.state === "past_due" ? "subscription_renewal" : "subscription_start",
            at,
          ))
        // planChoice reuses only a subscription with a deadline still ahead.
        const payBy = subscription.payBy ?? daysAfter(at, paymentWindowDays(policy))
        const link = yield* paymentLink(payment, payBy)
        yield* tell(
          party,
          subscription.state === "past_due"
            ? renewalDueMessage(party, policy, subscription, link.url, payBy)
            : paymentLinkMessage(party, policy, subscription, link.url, payBy),
        )
        yield* audit({
          actor,
          action: "subscription.payment_link_reissued",
          subjectType: "subscription",
          subjectId: subscription.id,
          details: {
            ...subscriptionDetails(subscription),
            paymentId: payment.id,
            reference: payment.reference,
            linkId: link.link.id,
          },
        })
        return { subscription, payment, link }
      }

      const id = yield* newSubscriptionId
      const replaced = `replaced by ${id}`
      // Ended before the new one is stored: a customer holds one of each open state.
      for (const old of choice.cancel) {
        yield* endSubscription(old, { _tag: "Cancel", by: party.id, reason: replaced }, at)
      }
      const base = {
        id,
        customerId: party.id,
        planId: plan.id,
        planName: plan.name,
        priceMinor: BigInt(plan.monthlyPriceMinor),
        currency: policy.currency,
        createdAt: at,
        updatedAt: at,
      }
      const created = { cancelled: choice.cancel.map((s) => s.id) }

      if (choice._tag === "ActivateFree") {
        const subscription: Subscription = { ...base, state: "active", currentPeriodStart: at }
        yield* repo.insert(subscription)
        yield* audit({
          actor,
          action: "subscription.activate_free",
          subjectType: "subscription",
          subjectId: subscription.id,
          details: { ...subscriptionDetails(subscription), ...created },
        })
        return { subscription }
      }

      const payBy = daysAfter(at, paymentWindowDays(policy))
      const subscription: Subscription = { ...base, state: "pending_payment", payBy }
      yield* repo.insert(subscription)
      const payment = yield* createPayment(subscription, "subscription_start", at)
      const link = yield* paymentLink(payment, payBy)
      yield* tell(party, paymentLinkMessage(party, policy, subscription, link.url, payBy))
      yield* audit({
        actor,
        action: "subscription.choose",
        subjectType: "subscription",
        subjectId: subscription.id,
        details: {
          ...subscriptionDetails(subscription),
          ...created,
          paymentId: payment.id,
          reference: payment.reference,
          linkId: link.link.id,
        },
      })
      return { subscription, payment, link }
    }),
  )
})
