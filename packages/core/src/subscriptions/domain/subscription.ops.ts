import { Effect, Random, Result } from "effect"
import { type RetryPolicy, retryDelayMs } from "../../notifications/domain/delivery.ops.ts"
import type { MarketplacePolicy, Plan } from "../../policy/policy.ts"
import type { Instant } from "../../shared/time.ts"
import { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import {
  type Payment,
  type Subscription,
  type SubscriptionCommandTag,
  type SubscriptionState,
  subscriptionTransitions,
  type VerifiedTransaction,
} from "./subscription.ts"
import { AlreadySubscribed, PaymentMismatch } from "./subscriptions.errors.ts"

/** What can happen to a subscription; the table in subscription.ts says from which states. */
export type SubscriptionCommand =
  | {
      readonly _tag: "PaymentConfirmed"
      readonly payment: Payment
      readonly periodStart: Instant
      readonly periodEnd: Instant
    }
  | { readonly _tag: "PeriodEnded"; readonly payBy: Instant }
  | { readonly _tag: "GraceEnded" }
  | { readonly _tag: "PaymentWindowClosed" }
  | { readonly _tag: "Cancel"; readonly by: string; readonly reason: string }

/** The plans homeowners may choose: the policy's, in the subscription model only. */
export const plansForSale = (
  policy: Pick<MarketplacePolicy, "model" | "subscription">,
): ReadonlyArray<Plan> => (policy.model === "subscription" ? policy.subscription.plans : [])

/** Whether homeowners choose a plan here (the chat offers one; `plans` asks again). */
export const sellsPlans = (policy: Pick<MarketplacePolicy, "model" | "subscription">): boolean =>
  plansForSale(policy).length > 0

export const subscriptionStates = Object.keys(
  subscriptionTransitions,
) as ReadonlyArray<SubscriptionState>

/** States a customer may hold at most one of at a time (pending, and paid-up-or-owing). */
export const openSubscriptionStates: ReadonlyArray<SubscriptionState> = [
  "pending_payment",
  "active",
  "past_due",
]

/**
 * When a subscription's timer runs out, if one is running: the period's end while active
 * (a free plan has none), the payment deadline while pending or past due.
 */
export const subscriptionDueAt = (subscription: Subscription): Instant | undefined =>
  subscription.state === "active"
    ? subscription.currentPeriodEnd
    : subscription.state === "pending_payment" || subscription.state === "past_due"
      ? subscription.payBy
      : undefined

export const isFinal = (state: SubscriptionState): boolean =>
  Object.keys(subscriptionTransitions[state]).length === 0

export const subscriptionTarget = (
  state: SubscriptionState,
  command: SubscriptionCommandTag,
): SubscriptionState | undefined => subscriptionTransitions[state][command]

export const subscriptionStatesAccepting = (
  command: SubscriptionCommandTag,
): ReadonlyArray<SubscriptionState> =>
  subscriptionStates.filter((state) => subscriptionTarget(state, command) !== undefined)

const notAllowed = (subscription: Subscription, command: SubscriptionCommandTag) =>
  new TransitionNotAllowed({
    entity: "subscription",
    id: subscription.id,
    from: subscription.state,
    command,
    allowedFrom: subscriptionStatesAccepting(command),
  })

/** Drops the keys a state does not carry (exactOptionalPropertyTypes: absent, not undefined). */
const without = <K extends keyof Subscription>(
  subscription: Subscription,
  ...keys: ReadonlyArray<K>
): Subscription => {
  const copy: Record<string, unknown> = { ...subscription }
  for (const key of keys) delete copy[key]
  return copy as Subscription
}

/**
 * Applies one command by the table. Cancelled and expired are final, so an ended
 * subscription never becomes active again (a late payment for it is money to refund).
 */
export const transitionSubscription = (
  subscription: Subscription,
  command: SubscriptionCommand,
  now: Instant,
): Result.Result<Subscription, TransitionNotAllowed> => {
  const state = subscriptionTarget(subscription.state, command._tag)
  if (state === undefined) return Result.fail(notAllowed(subscription, command._tag))
  const moved = { ...subscription, state, updatedAt: now }
  switch (command._tag) {
    case "PaymentConfirmed":
      return Result.succeed({
        ...without(moved, "payBy"),
        currentPeriodStart: command.periodStart,
        currentPeriodEnd: command.periodEnd,
      })
    case "PeriodEnded":
      return Result.succeed({ ...moved, payBy: command.payBy })
    case "GraceEnded":
    case "PaymentWindowClosed":
      return Result.succeed({ ...moved, endedAt: now, endReason: "not paid" })
    case "Cancel":
      return Result.succeed({ ...moved, endedAt: now, endReason: command.reason })
  }
}

const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month + 1, 0)).getUTCDate()

/**
 * One calendar month later on the UTC calendar, at the same time of day. A day the next
 * month lacks is clamped to its last day (31 Jan -> 28 or 29 Feb), as card schemes do.
 */
export const addCalendarMonth = (at: Instant): Instant => {
  const date = new Date(at)
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + 1
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month))
  return Date.UTC(
    year,
    month,
    day,
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  ) as Instant
}

/**
 * The period a payment buys. A first payment starts it when paid; a renewal continues
 * from the end of the period it renews, so a late payment within the grace does not
 * give the days it was late for free, and there is never a gap.
 */
export const nextPeriod = (
  subscription: Pick<Subscription, "state" | "currentPeriodEnd">,
  paidAt: Instant,
): { readonly start: Instant; readonly end: Instant } => {
  const start =
    subscription.state === "past_due" && subscription.currentPeriodEnd !== undefined
      ? subscription.currentPeriodEnd
      : paidAt
  return { start, end: addCalendarMonth(start) }
}

/** What the gateway verified is what we asked for: a success, the same amount and currency. */
export const checkVerified = (
  payment: Pick<Payment, "reference" | "amountMinor" | "currency">,
  verified: VerifiedTransaction,
): Result.Result<void, PaymentMismatch> => {
  const problems = [
    verified.reference === payment.reference
      ? undefined
      : `reference ${verified.reference}, expected ${payment.reference}`,
    verified.status === "success" ? undefined : `status ${verified.status}, expected success`,
    verified.amountMinor === payment.amountMinor
      ? undefined
      : `amount ${verified.amountMinor}, expected ${payment.amountMinor}`,
    verified.currency === payment.currency
      ? undefined
      : `currency ${verified.currency}, expected ${payment.currency}`,
  ].filter((p) => p !== undefined)
  return problems.length === 0
    ? Result.void
    : Result.fail(
        new PaymentMismatch({ reference: payment.reference, detail: problems.join("; ") }),
      )
}

/** What choosing `plan` means, given the customer's open subscriptions. */
export type PlanChoice =
  /** The same plan is waiting for a payment (new, or a renewal): pay that, with a fresh link. */
  | { readonly _tag: "ReuseOpen"; readonly subscription: Subscription }
  /** A paid plan: a new pending subscription; an older pending one is cancelled. */
  | { readonly _tag: "NewPending"; readonly cancel: ReadonlyArray<Subscription> }
  /** A free plan: active at once; every other open subscription is cancelled. */
  | { readonly _tag: "ActivateFree"; readonly cancel: ReadonlyArray<Subscription> }

/**
 * Decides a plan choice. A paid plan leaves the current active plan running until the
 * new one is paid (confirmation replaces it then), so nobody loses a paid-up plan by
 * tapping a button; a free plan needs no payment, so it replaces everything at once.
 */
export const planChoice = (
  open: ReadonlyArray<Subscription>,
  plan: Pick<Plan, "id" | "monthlyPriceMinor">,
  now: Instant,
): Result.Result<PlanChoice, AlreadySubscribed> => {
  const current = open.filter((s) => openSubscriptionStates.includes(s.state))
  const active = current.find((s) => s.state === "active" && s.planId === plan.id)
  if (active !== undefined) {
    return Result.fail(new AlreadySubscribed({ subscriptionId: active.id, planId: plan.id }))
  }
  if (plan.monthlyPriceMinor === 0) return Result.succeed({ _tag: "ActivateFree", cancel: current })
  // One whose deadline has passed is about to expire (the scheduler has not got to it
  // yet): its link would not open, so it is not reused.
  const owing = current.find(
    (s) =>
      (s.state === "pending_payment" || s.state === "past_due") &&
      s.planId === plan.id &&
      s.payBy !== undefined &&
      s.payBy > now,
  )
  if (owing !== undefined) return Result.succeed({ _tag: "ReuseOpen", subscription: owing })
  return Result.succeed({
    _tag: "NewPending",
    cancel: current.filter((s) => s.state === "pending_payment"),
  })
}

// Crockford's base 32, as on top-up references: no I, L, O, U to misread.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
const referenceLength = 6
const referencePattern = new RegExp(`^FND-SUB-[${referenceAlphabet}]{${referenceLength}}$`, "u")

export const isPaymentReference = (text: string): boolean => referencePattern.test(text)

/** "FND-SUB-" and six Crockford base-32 characters; the caller makes sure it is not taken. */
export const randomPaymentReference: Effect.Effect<string> = Effect.gen(function* () {
  let body = ""
  for (let i = 0; i < referenceLength; i++) {
    body += referenceAlphabet[yield* Random.nextIntBetween(0, referenceAlphabet.length - 1)]
  }
  return `FND-SUB-${body}`
})

const HOUR_MS = 3_600_000

/** A minute after the first failed try, doubling, at most an hour apart (the outbox's curve). */
const paymentEventRetries: RetryPolicy = {
  baseDelayMs: 60_000,
  maxDelayMs: HOUR_MS,
  maxAttempts: Number.POSITIVE_INFINITY,
}

/**
 * Paystack retries an unanswered webhook for 72 hours; an event we cannot handle for as
 * long will not become handleable, and ops see it failed.
 */
export const paymentEventGiveUpMs = 72 * HOUR_MS

/**
 * When to try a payment webhook event again after its `attempts`-th failed try, or none
 * once it has been tried for 72 hours since it arrived.
 */
export const paymentEventRetryAt = (
  event: { readonly attempts: number; readonly receivedAt: Instant },
  at: Instant,
): Instant | undefined =>
  at - event.receivedAt >= paymentEventGiveUpMs
    ? undefined
    : ((at + retryDelayMs(event.attempts, paymentEventRetries)) as Instant)

/**
 * How long the scheduler leaves a due subscription it failed to move before trying it
 * again: long enough that the same failure does not fill every run, short enough that a
 * passing outage (the database, a bug fixed by a deploy) delays a renewal by minutes.
 */
export const dueRetryDelayMs = 15 * 60_000

/** When the scheduler tries a due subscription again after failing to move it at `at`. */
export const dueRetryAt = (at: Instant): Instant => (at + dueRetryDelayMs) as Instant
