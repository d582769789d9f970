import { Deferred, Effect, Exit, type ManagedRuntime } from "effect"

export interface PollingWorker {
  /**
   * Stops polling and resolves once the run in flight, if any, has finished (so nothing it
   * claimed is left waiting for its lease to end). Call it before disposing the runtime.
   * Calling it again returns the same promise.
   */
  readonly stop: () => Promise<void>
}

export interface PollingWorkerOptions<A, E, R> {
  /** Names the worker in its log lines ("outbox", "inbox", "offer-scheduler"). */
  readonly name: string
  /** One run: claim what is due and handle it. */
  readonly run: Effect.Effect<A, E, R>
  /** Milliseconds between runs when the last one said there is no more to do now. */
  readonly pollMs: number
  /** Whether to run again at once (a full batch: a backlog drains at the worker's speed). */
  readonly again: (result: A) => boolean
  /** What a run did, for the log, or nothing when it found nothing to do. */
  readonly report: (result: A) => Effect.Effect<void>
}

/**
 * The loop behind the outbox worker, the inbox worker and the offer scheduler: a run, then
 * another at once or after `pollMs`. A failed run (database down, a bug: `Effect.exit`
 * catches defects too) is logged and retried on the next poll, so the worker never dies on
 * its own. Stopping waits for the run in flight, never for the sleep.
 */
export const startPollingWorker = <A, E, R>(
  runtime: ManagedRuntime.ManagedRuntime<R, unknown>,
  options: PollingWorkerOptions<A, E, R>,
): PollingWorker => {
  const stopping = Deferred.makeUnsafe<void>()
  const loop = Effect.gen(function* () {
    while (!Deferred.isDoneUnsafe(stopping)) {
      const exit = yield* Effect.exit(options.run)
      let again = false
      if (Exit.isSuccess(exit)) {
        again = options.again(exit.value)
        // A report that throws must not end the loop either.
        yield* Effect.exit(options.report(exit.value))
      } else {
        yield* Effect.logError(`${options.name}: run failed, trying again next poll`, exit.cause)
      }
      if (!again) yield* Effect.raceFirst(Effect.sleep(options.pollMs), Deferred.await(stopping))
    }
  }).pipe(Effect.annotateLogs({ worker: options.name }))

  // The loop handles every failure of a run; this only sees the runtime itself failing to
  // build, which the process reports elsewhere too. Swallowed so stop() still resolves.
  const done = runtime.runPromise(loop).catch((error: unknown) => {
    console.error(`${options.name} worker could not run:`, error)
  })

  return {
    stop: () => {
      Deferred.doneUnsafe(stopping, Effect.void)
      return done
    },
  }
}
