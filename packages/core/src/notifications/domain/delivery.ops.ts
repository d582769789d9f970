import { Option, Result } from "effect"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { OutboxMessageNotRetryable } from "./notifications.errors.ts"
import type { OutboxStatus } from "./outbox-message.ts"

/** How the outbox worker spaces out attempts at a message that could not be delivered. */
export interface RetryPolicy {
  /** Wait after the first failed attempt; each later failure doubles it. */
  readonly baseDelayMs: number
  /** No wait is ever longer than this. */
  readonly maxDelayMs: number
  /** Attempts in total (the first one included); after this many the message fails for good. */
  readonly maxAttempts: number
}

/**
 * 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min, then failed: eight attempts spread over
 * about an hour, long enough to ride out a provider's short outage, short enough that a
 * welcome message that cannot be delivered is flagged to ops the same hour.
 */
export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  maxAttempts: 8,
}

/**
 * The wait before the next attempt after `attempts` attempts failed (attempts >= 1):
 * `baseDelayMs * 2^(attempts - 1)`, capped at `maxDelayMs`.
 */
export const retryDelayMs = (
  attempts: number,
  policy: RetryPolicy = defaultRetryPolicy,
): number => {
  // A claimed message has made at least one attempt; anything lower is treated as the first.
  const n = Math.max(1, Math.floor(attempts))
  // 2 ** 1100 is Infinity and Math.min handles it, so huge attempt counts cannot overflow.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1))
}

/**
 * When to try a message again after an attempt failed, or none when it has failed for good:
 * a permanent failure (bad address, recipient opted out) never retries, and neither does a
 * message that has used up `maxAttempts`. `attempts` counts the attempt that just failed
 * (the outbox increments it when it claims the message).
 */
export const nextAttemptAt = (
  failure: { readonly attempts: number; readonly now: Instant; readonly permanent: boolean },
  policy: RetryPolicy = defaultRetryPolicy,
): Option.Option<Instant> =>
  failure.permanent || failure.attempts >= policy.maxAttempts
    ? Option.none()
    : Option.some((failure.now + retryDelayMs(failure.attempts, policy)) as Instant)

/**
 * An operator may put a message back in the queue when it failed for good, or move a
 * pending message's next attempt to now. A message being sent may still succeed (the
 * worker holds it), and a sent one would be delivered twice.
 */
export const operatorRetryAllowed = (message: {
  readonly id: MessageId
  readonly status: OutboxStatus
}): Result.Result<void, OutboxMessageNotRetryable> =>
  message.status === "failed" || message.status === "pending"
    ? Result.succeed(undefined)
    : Result.fail(new OutboxMessageNotRetryable({ messageId: message.id, status: message.status }))
