import { type DispatchServices, type ExpiryRun, expireDueOffers } from "@fundi/core"
import { Clock, Deferred, Effect, Exit, type ManagedRuntime } from "effect"

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

export interface OfferScheduler {
  /**
   * Stops polling and resolves once the run in flight, if any, has committed or rolled
   * back. Call it before disposing the runtime. Calling it again returns the same promise.
   */
  readonly stop: () => Promise<void>
}

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
  const stopping = Deferred.makeUnsafe<void>()
  const batchSize = options.batchSize ?? 50
  const run =
    options.clock === undefined
      ? expireDueOffers({ limit: batchSize })
      : Effect.provideService(expireDueOffers({ limit: batchSize }), Clock.Clock, options.clock)

  const loop = Effect.gen(function* () {
    while (!Deferred.isDoneUnsafe(stopping)) {
      // Effect.exit catches defects too: a bug in an adapter must not end the loop.
      const exit = yield* Effect.exit(run)
      let again = false
      if (Exit.isSuccess(exit)) {
        const result = exit.value
        // Offers that keep failing stay due; only progress earns an immediate rerun.
        again = result.due >= batchSize && result.expired.length + result.skipped.length > 0
        if (result.due > 0) yield* Effect.logInfo(describeRun(result))
        for (const failure of result.failed) {
          yield* Effect.logWarning(`scheduler: offer ${failure.offerId}: ${failure.error}`)
        }
        // A throwing observer is its own bug; it must not stop expiries.
        yield* Effect.exit(Effect.sync(() => options.onRun?.(result)))
      } else {
        yield* Effect.logError("scheduler: run failed, trying again next poll", exit.cause)
      }
      if (!again) yield* Effect.raceFirst(Effect.sleep(options.pollMs), Deferred.await(stopping))
    }
  }).pipe(Effect.annotateLogs({ worker: "offer-scheduler" }))

  // The loop handles every failure of a run; this only sees the runtime failing to build.
  const done = options.runtime.runPromise(loop).catch((error: unknown) => {
    console.error("offer scheduler could not run:", error)
  })

  return {
    stop: () => {
      Deferred.doneUnsafe(stopping, Effect.void)
      return done
    },
  }
}
