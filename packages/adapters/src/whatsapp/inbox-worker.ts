import {
  type InboxCounts,
  type ProcessInboxServices,
  processDueInbox,
  type RetryPolicy,
} from "@fundi/core"
import { Deferred, Effect, Exit, type ManagedRuntime } from "effect"

export interface InboxWorkerOptions {
  /** Milliseconds between looks at the inbox when the last run found nothing. */
  readonly pollMs: number
  /** Most entries claimed and processed per run. */
  readonly batchSize: number
  /** How long a claim holds an entry before another worker may take it over. */
  readonly leaseMs: number
  /** Overrides `defaultRetryPolicy`. */
  readonly retry?: RetryPolicy
}

export interface InboxWorker {
  /**
   * Stops polling and resolves once the run in flight, if any, has finished (so nothing is
   * left `processing` until its lease ends). Call it before disposing the runtime.
   */
  readonly stop: () => Promise<void>
}

export type InboxWorkerRuntime = ManagedRuntime.ManagedRuntime<ProcessInboxServices, unknown>

const describeCounts = (counts: InboxCounts): string =>
  `inbox: processed ${counts.processed}, retrying ${counts.retried}, failed ${counts.failed}`

/**
 * Runs `processDueInbox` every `pollMs`, and at once again after any run that claimed
 * something: a claim takes one message per phone, so a person who sent three messages in a
 * row is answered in three quick runs, not three polls. A failed run is logged and retried
 * on the next poll; the worker never dies on its own. (Modelled on the outbox worker.)
 */
export const startInboxWorker = (
  runtime: InboxWorkerRuntime,
  options: InboxWorkerOptions,
): InboxWorker => {
  const stopping = Deferred.makeUnsafe<void>()
  const input = {
    batchSize: options.batchSize,
    leaseMs: options.leaseMs,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  }

  const loop = Effect.gen(function* () {
    while (!Deferred.isDoneUnsafe(stopping)) {
      // Effect.exit catches defects too: a bug in a flow must not end the loop.
      const exit = yield* Effect.exit(processDueInbox(input))
      let again = false
      if (Exit.isSuccess(exit)) {
        again = exit.value.claimed > 0
        if (exit.value.claimed > 0) yield* Effect.logInfo(describeCounts(exit.value))
      } else {
        yield* Effect.logError("inbox: processing run failed, trying again next poll", exit.cause)
      }
      if (!again) yield* Effect.raceFirst(Effect.sleep(options.pollMs), Deferred.await(stopping))
    }
  }).pipe(Effect.annotateLogs({ worker: "inbox" }))

  const done = runtime.runPromise(loop).catch((error: unknown) => {
    console.error("inbox worker could not run:", error)
  })

  return {
    stop: () => {
      Deferred.doneUnsafe(stopping, Effect.void)
      return done
    },
  }
}
