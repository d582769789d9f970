import {
  type InboxCounts,
  type ProcessInboxServices,
  processDueInbox,
  type RetryPolicy,
} from "@fundi/core"
import { Effect, type ManagedRuntime } from "effect"
import { type PollingWorker, startPollingWorker } from "../workers/polling-worker.ts"

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

export type InboxWorker = PollingWorker

export type InboxWorkerRuntime = ManagedRuntime.ManagedRuntime<ProcessInboxServices, unknown>

const describeCounts = (counts: InboxCounts): string =>
  `inbox: processed ${counts.processed}, retrying ${counts.retried}, failed ${counts.failed}`

/**
 * Runs `processDueInbox` every `pollMs`, and at once again after any run that claimed
 * something: a claim takes one message per phone, so a person who sent three messages in a
 * row is answered in three quick runs, not three polls. A failed run is logged and retried
 * on the next poll; the worker never dies on its own.
 */
export const startInboxWorker = (
  runtime: InboxWorkerRuntime,
  options: InboxWorkerOptions,
): InboxWorker =>
  startPollingWorker(runtime, {
    name: "inbox",
    run: processDueInbox({
      batchSize: options.batchSize,
      leaseMs: options.leaseMs,
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    }),
    pollMs: options.pollMs,
    again: (counts) => counts.claimed > 0,
    report: (counts) => (counts.claimed > 0 ? Effect.logInfo(describeCounts(counts)) : Effect.void),
  })
