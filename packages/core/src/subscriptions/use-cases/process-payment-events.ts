import { Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { type Instant, now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { paymentEventRetryAt } from "../domain/subscription.ops.ts"
import { type NewPaymentEvent, type PaymentEvent, PaymentEvents } from "../ports/payment-events.ts"
import { confirmPayment } from "./confirm-payment.ts"
import type { SubscriptionServices } from "./services.ts"

export interface PaymentEventsRun {
  readonly claimed: number
  readonly processed: number
  readonly ignored: number
  readonly retried: number
  readonly failed: number
}

type Verdict =
  | { readonly _tag: "Settle"; readonly state: "processed" | "ignored"; readonly outcome: string }
  | { readonly _tag: "Retry"; readonly error: string }
  | { readonly _tag: "Fail"; readonly error: string }

const settle = (state: "processed" | "ignored", outcome: string): Verdict => ({
  _tag: "Settle",
  state,
  outcome,
})

/** What one event comes to. Only a successful charge with one of our references does anything. */
const handle = (
  event: PaymentEvent,
): Effect.Effect<Verdict, PersistenceUnavailable, SubscriptionServices> => {
  if (event.event !== "charge.success")
    return Effect.succeed(settle("ignored", "event not handled"))
  if (event.reference === undefined) return Effect.succeed(settle("ignored", "no reference"))
  return confirmPayment({ reference: event.reference }).pipe(
    Effect.map((confirmation): Verdict => {
      if (confirmation.changed) {
        return confirmation.payment.state === "paid" && confirmation.subscription.state === "active"
          ? settle("processed", `activated ${confirmation.subscription.id}`)
          : settle(
              "processed",
              `paid ${confirmation.payment.id}; ${confirmation.subscription.id} is ${confirmation.subscription.state}`,
            )
      }
      if (confirmation.payment.state === "paid") return settle("ignored", "already paid")
      // The webhook says success but the gateway's own answer does not (yet): ask again later.
      return { _tag: "Retry", error: `the gateway does not report ${event.reference} paid yet` }
    }),
    Effect.catchTags({
      PaymentNotFound: () => Effect.succeed(settle("ignored", "not ours")),
      InvalidInput: (e) => Effect.succeed(settle("ignored", `not a reference: ${e.message}`)),
      PaymentGatewayUnavailable: (e) =>
        Effect.succeed<Verdict>({ _tag: "Retry", error: e.message }),
      PaymentMismatch: (e) => Effect.succeed<Verdict>({ _tag: "Fail", error: e.message }),
    }),
  )
}

/**
 * Handles the payment webhook events that are due. The claim commits first, in its own
 * transaction, leasing the events for `leaseMs`; each event is then confirmed (its own
 * transaction, with the gateway asked outside it) and settled. confirmPayment changes
 * nothing for a payment already paid, so a redelivered, re-claimed or return-page-
 * confirmed charge settles once. The gateway down puts the event back with backoff; a
 * mismatch fails it for ops. Past half the lease no event is started: another worker may
 * soon claim the rest. If the database fails, the run stops and the rest stay leased.
 */
export const processPaymentEvents: (input: {
  readonly batchSize: number
  readonly leaseMs: number
}) => Effect.Effect<PaymentEventsRun, PersistenceUnavailable, SubscriptionServices> = Effect.fn(
  "processPaymentEvents",
)(function* (input: { readonly batchSize: number; readonly leaseMs: number }) {
  const events = yield* PaymentEvents
  const transactions = yield* Transactions
  const claimedAt = yield* now
  const claimed = yield* transactions.run(
    events.claimDue(claimedAt, input.batchSize, (claimedAt + input.leaseMs) as Instant),
  )
  let processed = 0
  let ignored = 0
  let retried = 0
  let failed = 0
  for (const event of claimed) {
    if ((yield* now) - claimedAt >= input.leaseMs / 2) break
    const verdict = yield* handle(event).pipe(
      // A bug in one event's handling is no reason to stop the others.
      Effect.catchDefect((defect) =>
        Effect.succeed<Verdict>({
          _tag: "Retry",
          error: defect instanceof Error ? defect.message : String(defect),
        }),
      ),
    )
    const at = yield* now
    if (verdict._tag === "Settle") {
      yield* transactions.run(
        events.settle(event.key, { state: verdict.state, outcome: verdict.outcome, at }),
      )
      if (verdict.state === "processed") processed++
      else ignored++
      continue
    }
    const retryAt = verdict._tag === "Retry" ? paymentEventRetryAt(event, at) : undefined
    yield* transactions.run(
      events.retryOrFail(
        event.key,
        retryAt === undefined ? { error: verdict.error } : { error: verdict.error, retryAt },
      ),
    )
    if (retryAt === undefined) failed++
    else retried++
    yield* Effect.logWarning(
      retryAt === undefined ? "payment event failed for good" : "payment event failed, will retry",
    ).pipe(Effect.annotateLogs({ key: event.key, attempts: event.attempts, error: verdict.error }))
  }
  return { claimed: claimed.length, processed, ignored, retried, failed }
})

/** What the webhook hands over: the event as verified and parsed; the time is ours. */
export type RecordPaymentEventInput = Omit<NewPaymentEvent, "receivedAt">

/** Keeps a verified gateway event for the worker; a redelivery is kept once. */
export const recordPaymentEvent: (
  input: RecordPaymentEventInput,
) => Effect.Effect<{ readonly recorded: boolean }, PersistenceUnavailable, PaymentEvents> =
  Effect.fn("recordPaymentEvent")(function* (input: RecordPaymentEventInput) {
    return yield* (yield* PaymentEvents).record({ ...input, receivedAt: yield* now })
  })
