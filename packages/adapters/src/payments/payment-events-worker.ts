import { type PaymentEventsRun, processPaymentEvents, type SubscriptionServices } from "@fundi/core"
import { Effect, type ManagedRuntime } from "effect"
import { type PollingWorker, startPollingWorker } from "../workers/polling-worker.ts"

export interface PaymentEventsWorkerOptions {
  /** The runtime to run `processPaymentEvents` in (the composition root's). */
  readonly runtime: ManagedRuntime.ManagedRuntime<SubscriptionServices, unknown>
  /** Milliseconds between looks at the inbox of gateway events when the last run found none. */
  readonly pollMs: number
  /** Most events claimed per run (default 20). */
  readonly batchSize?: number
  /**
   * How long a claim holds an event (default 2 minutes): each one waits on a call to the
   * gateway (15 s at most) and a transaction, and no event is started past half of it.
   */
  readonly leaseMs?: number
  /** Called after every run that succeeded, for tests. */
  readonly onRun?: (run: PaymentEventsRun) => void
}

export type PaymentEventsWorker = PollingWorker

const describeRun = (run: PaymentEventsRun): string =>
  `payment events: processed ${run.processed}, ignored ${run.ignored}, retrying ${run.retried}, failed ${run.failed}`

/**
 * Handles the gateway's webhook events after they were answered 200 (charge.success ->
 * confirmPayment, which asks the gateway itself). Runs again at once after a run that
 * claimed something, so a burst drains; a failed run is logged and retried next poll.
 */
export const startPaymentEventsWorker = (
  options: PaymentEventsWorkerOptions,
): PaymentEventsWorker =>
  startPollingWorker(options.runtime, {
    name: "payment-events",
    run: processPaymentEvents({
      batchSize: options.batchSize ?? 20,
      leaseMs: options.leaseMs ?? 120_000,
    }),
    pollMs: options.pollMs,
    again: (run) => run.claimed > 0,
    report: (run) =>
      Effect.gen(function* () {
        if (run.claimed > 0) yield* Effect.logInfo(describeRun(run))
        yield* Effect.sync(() => options.onRun?.(run))
      }),
  })
