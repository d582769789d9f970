import {
  type DueSubscriptionsRun,
  processDueSubscriptions,
  type SubscriptionServices,
} from "@fundi/core"
import { Clock, Effect, type ManagedRuntime } from "effect"
import { type PollingWorker, startPollingWorker } from "../workers/polling-worker.ts"

export interface SubscriptionSchedulerOptions {
  /** The runtime to run `processDueSubscriptions` in (the composition root's). */
  readonly runtime: ManagedRuntime.ManagedRuntime<SubscriptionServices, unknown>
  /** Milliseconds between looks for due subscriptions when the last batch was not full. */
  readonly pollMs: number
  /** Most subscriptions moved per run (default 50). */
  readonly batchSize?: number
  /** The time the runs see; a test sets it to jump past period ends without waiting. */
  readonly clock?: Clock.Clock
  /** Called after every run that succeeded, for tests. */
  readonly onRun?: (run: DueSubscriptionsRun) => void
}

export type SubscriptionScheduler = PollingWorker

const describeRun = (run: DueSubscriptionsRun): string =>
  `subscriptions: ${run.due} due, ${run.pastDue} now past due, ${run.expired} expired` +
  (run.failed.length > 0 ? `, ${run.failed.length} failed` : "")

/**
 * The timed transitions of subscriptions (period end -> past_due with a renewal payment,
 * unpaid past the deadline -> expired) as a poll over the database, like the offer
 * scheduler: the deadlines are rows, so a restart loses nothing and any number of
 * processes can run it (each subscription is re-checked under its lock).
 */
export const startSubscriptionScheduler = (
  options: SubscriptionSchedulerOptions,
): SubscriptionScheduler => {
  const batchSize = options.batchSize ?? 50
  const once = processDueSubscriptions({ limit: batchSize })
  return startPollingWorker(options.runtime, {
    name: "subscription-scheduler",
    run:
      options.clock === undefined ? once : Effect.provideService(once, Clock.Clock, options.clock),
    pollMs: options.pollMs,
    // Again at once after a full batch that moved something, so a backlog drains.
    again: (run) => run.due >= batchSize && run.pastDue + run.expired > 0,
    report: (run) =>
      Effect.gen(function* () {
        if (run.due > 0) yield* Effect.logInfo(describeRun(run))
        for (const failure of run.failed) {
          yield* Effect.logWarning(`subscriptions: ${failure.subscriptionId}: ${failure.error}`)
        }
        yield* Effect.sync(() => options.onRun?.(run))
      }),
  })
}
