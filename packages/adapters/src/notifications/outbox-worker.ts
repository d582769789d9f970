import {
  type ConversationStore,
  type DeliveryCounts,
  deliverDueMessages,
  type Notifier,
  type Outbox,
  type RetryPolicy,
  type Transactions,
} from "@fundi/core"
import { Deferred, Effect, Exit, type ManagedRuntime } from "effect"

export interface OutboxWorkerOptions {
  /** Milliseconds between looks at the outbox when the last batch was not full. */
  readonly pollMs: number
  /** Most messages claimed and sent per run. */
  readonly batchSize: number
  /** How long a claim holds a message before another worker may take it over. */
  readonly leaseMs: number
  /** Overrides `defaultRetryPolicy`. */
  readonly retry?: RetryPolicy
}

export interface OutboxWorker {
  /**
   * Stops polling and resolves once the batch in flight, if any, has been sent and recorded
   * (so no message is left `sending` until its lease ends). Call it before disposing the
   * runtime. Calling it again returns the same promise.
   */
  readonly stop: () => Promise<void>
}

/** The runtime only has to provide what `deliverDueMessages` needs. */
export type OutboxWorkerRuntime = ManagedRuntime.ManagedRuntime<
  Outbox | Notifier | Transactions | ConversationStore,
  unknown
>

const describeCounts = (counts: DeliveryCounts): string =>
  `outbox: sent ${counts.sent}, retrying ${counts.retried}, failed ${counts.failed}`

/**
 * Runs `deliverDueMessages` every `pollMs`, and at once again after a full batch so a
 * backlog drains at the speed of the notifier, not of the poll. A failed run (database
 * down, a bug) is logged and retried on the next poll: the worker never dies on its own.
 */
export const startOutboxWorker = (
  runtime: OutboxWorkerRuntime,
  options: OutboxWorkerOptions,
): OutboxWorker => {
  const stopping = Deferred.makeUnsafe<void>()
  const input = {
    batchSize: options.batchSize,
    leaseMs: options.leaseMs,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  }

  const loop = Effect.gen(function* () {
    while (!Deferred.isDoneUnsafe(stopping)) {
      // Effect.exit catches defects too: a bug in an adapter must not end the loop.
      const exit = yield* Effect.exit(deliverDueMessages(input))
      let full = false
      if (Exit.isSuccess(exit)) {
        full = exit.value.claimed >= options.batchSize
        if (exit.value.claimed > 0) yield* Effect.logInfo(describeCounts(exit.value))
      } else {
        yield* Effect.logError("outbox: delivery run failed, trying again next poll", exit.cause)
      }
      if (!full) yield* Effect.raceFirst(Effect.sleep(options.pollMs), Deferred.await(stopping))
    }
  }).pipe(Effect.annotateLogs({ worker: "outbox" }))

  // The loop handles every failure of a run; this only sees the runtime itself failing to
  // build, which the process reports elsewhere too. Swallowed so stop() still resolves.
  const done = runtime.runPromise(loop).catch((error: unknown) => {
    console.error("outbox worker could not run:", error)
  })

  return {
    stop: () => {
      Deferred.doneUnsafe(stopping, Effect.void)
      return done
    },
  }
}
