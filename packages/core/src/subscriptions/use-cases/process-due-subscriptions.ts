import { Cause, Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { expiredMessage, renewalDueMessage } from "../domain/subscription.messages.ts"
import {
  dueRetryAt,
  subscriptionDueAt,
  transitionSubscription,
} from "../domain/subscription.ops.ts"
import type { Subscription } from "../domain/subscription.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import type { SubscriptionServices } from "./services.ts"
import {
  audit,
  createPayment,
  customerOf,
  daysAfter,
  endSubscription,
  graceDays,
  inTransaction,
  loadSubscription,
  paymentLink,
  subscriptionDetails,
  tell,
} from "./support.ts"

export interface DueSubscriptionsRun {
  /** How many were due when the run looked. */
  readonly due: number
  readonly pastDue: number
  readonly expired: number
  readonly failed: ReadonlyArray<{ readonly subscriptionId: string; readonly error: string }>
}

const scheduler = { _tag: "system", process: "subscription-scheduler" } as const

type Moved = "past_due" | "expired" | "skipped"

/**
 * One due subscription, in its own transaction and locked: another run (or a payment)
 * may have moved it since it was listed, so it is looked at again first.
 */
const step = (listed: Subscription): Effect.Effect<Moved, unknown, SubscriptionServices> =>
  inTransaction(
    Effect.gen(function* () {
      const subscription = yield* loadSubscription(listed.id, { forUpdate: true })
      const at = yield* now
      const due = subscriptionDueAt(subscription)
      if (due === undefined || due > at) return "skipped" as const
      const policy = yield* Policy
      const party = yield* customerOf(subscription)
      if (subscription.state === "active") {
        // The grace runs from the end of the period, not from when this run got to it.
        const payBy = daysAfter(due, graceDays(policy))
        const pastDue = yield* Effect.fromResult(
          transitionSubscription(subscription, { _tag: "PeriodEnded", payBy }, at),
        )
        yield* (yield* SubscriptionRepository).update(pastDue)
        const payment = yield* createPayment(pastDue, "subscription_renewal", at)
        const link = yield* paymentLink(payment, payBy)
        yield* tell(party, renewalDueMessage(party, policy, pastDue, link.url, payBy))
        yield* audit({
          actor: scheduler,
          action: "subscription.period_end",
          subjectType: "subscription",
          subjectId: subscription.id,
          details: {
            ...subscriptionDetails(pastDue),
            from: subscription.state,
            payBy,
            paymentId: payment.id,
            reference: payment.reference,
            linkId: link.link.id,
          },
        })
        return "past_due" as const
      }
      const expired = yield* endSubscription(
        subscription,
        subscription.state === "past_due"
          ? { _tag: "GraceEnded" }
          : { _tag: "PaymentWindowClosed" },
        at,
      )
      yield* tell(party, expiredMessage(party, policy, expired))
      yield* audit({
        actor: scheduler,
        action: "subscription.expire",
        subjectType: "subscription",
        subjectId: subscription.id,
        details: { ...subscriptionDetails(expired), from: subscription.state, payBy: due },
      })
      return "expired" as const
    }),
  )

/**
 * The subscription scheduler: periods that ended become past due with a renewal payment,
 * a link and a message (grace `graceDays`, default 7); unpaid new subscriptions and unpaid
 * renewals expire when their deadline passes, with a message. Each subscription moves in
 * its own transaction, so one that fails (reported in `failed`) does not hold back the rest;
 * it is left out of the runs of the next `dueRetryDelayMs` (then tried again), so even as
 * many failing ones as a run takes cannot keep the others waiting.
 */
export const processDueSubscriptions: (input: {
  readonly limit: number
}) => Effect.Effect<DueSubscriptionsRun, PersistenceUnavailable, SubscriptionServices> = Effect.fn(
  "processDueSubscriptions",
)(function* (input: { readonly limit: number }) {
  const due = yield* (yield* SubscriptionRepository).listDue(yield* now, input.limit)
  let pastDue = 0
  let expired = 0
  const failed: Array<{ readonly subscriptionId: string; readonly error: string }> = []
  for (const subscription of due) {
    const outcome = yield* Effect.exit(step(subscription))
    if (outcome._tag === "Success") {
      if (outcome.value === "past_due") pastDue++
      if (outcome.value === "expired") expired++
      continue
    }
    const error = Cause.pretty(outcome.cause).split("\n")[0] ?? "unknown failure"
    failed.push({ subscriptionId: subscription.id, error })
    // Left out of the next runs for a while, so that the ones behind it are not held back by
    // it; if even that fails (the database is down), the next run tries it again anyway.
    const retryAt = dueRetryAt(yield* now)
    yield* (yield* SubscriptionRepository)
      .postponeDue(subscription.id, retryAt)
      .pipe(Effect.catch(() => Effect.void))
    yield* Effect.logWarning("due subscription not moved").pipe(
      Effect.annotateLogs({ subscriptionId: subscription.id, error, retryAt }),
    )
  }
  return { due: due.length, pastDue, expired, failed }
})
