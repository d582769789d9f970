import {
  type ConversationStore,
  type DeliveryCounts,
  deliverDueMessages,
  type Notifier,
  type Outbox,
  type RetryPolicy,
  type Transactions,
} from "@fundi/core"
import { Effect, type ManagedRuntime } from "effect"
import { type PollingWorker, startPollingWorker } from "../workers/polling-worker.ts"

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

export type OutboxWorker = PollingWorker

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
): OutboxWorker =>
  startPollingWorker(runtime, {
    name: "outbox",
    run: deliverDueMessages({
      batchSize: options.batchSize,
      leaseMs: options.leaseMs,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    }),
    pollMs: options.pollMs,
    again: (counts) => counts.claimed >= options.batchSize,
    report: (counts) => (counts.claimed > 0 ? Effect.logInfo(describeCounts(counts)) : Effect.void),
  })
