import { type DispatchServices, type ExpiryRun, expireDueOffers } from "@fundi/core"
import { Clock, Effect, type ManagedRuntime } from "effect"
import { type PollingWorker, startPollingWorker } from "../workers/polling-worker.ts"

export interface OfferSchedulerOptions {
  /** The runtime to run `expireDueOffers` in (the composition root's). */
  readonly runtime: ManagedRuntime.ManagedRuntime<DispatchServices, unknown>
  /** Milliseconds between looks for due offers when the last batch was not full. */
  readonly pollMs: number
  /** Most offers expired per run (default: the use case's). */
  readonly batchSize?: number
  /**
   * The time the runs see (deadlines are compared with it). Defaults to the runtime's
   * clock; a test sets it to jump past deadlines without waiting.
   */
  readonly clock?: Clock.Clock
  /** Called after every run that succeeded, for logs, metrics and tests. */
  readonly onRun?: (run: ExpiryRun) => void
}

export type OfferScheduler = PollingWorker

const describeRun = (run: ExpiryRun): string =>
  `scheduler: expired ${run.expired.length} of ${run.due} due offer(s)` +
  (run.skipped.length > 0 ? `, ${run.skipped.length} already closed` : "") +
  (run.failed.length > 0 ? `, ${run.failed.length} failed` : "")

/**
 * The timed transitions of offers (time-to-live, unlock hold, proposed times) as a poll
 * over the database: the deadlines are rows, not timers, so a restart loses nothing and
 * any number of processes can run it (each offer is re-checked under its request's lock).
 * After a full batch it runs again at once so a backlog drains; a failed run is logged
 * and retried on the next poll, never ending the loop.
 */
export const startOfferScheduler = (options: OfferSchedulerOptions): OfferScheduler => {
  const batchSize = options.batchSize ?? 50
  const run =
    options.clock === undefined
      ? expireDueOffers({ limit: batchSize })
      : Effect.provideService(expireDueOffers({ limit: batchSize }), Clock.Clock, options.clock)
  return startPollingWorker(options.runtime, {
    name: "offer-scheduler",
    run,
    pollMs: options.pollMs,
    // Again at once after a full batch that moved something, so a backlog drains.
    again: (result) => result.due >= batchSize && result.expired.length + result.skipped.length > 0,
    report: (result) =>
      Effect.gen(function* () {
        if (result.due > 0) yield* Effect.logInfo(describeRun(result))
        for (const failure of result.failed) {
          yield* Effect.logWarning(`scheduler: offer ${failure.offerId}: ${failure.error}`)
        }
        yield* Effect.sync(() => options.onRun?.(result))
      }),
  })
}
