import { Schema } from "effect"
import { MessageId } from "../../shared/ids.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"

const PositiveInt = (maximum: number) =>
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum }))

/** Overrides of the default retry policy (see `defaultRetryPolicy`). */
export const RetryPolicyInput = Schema.Struct({
  baseDelayMs: PositiveInt(86_400_000),
  maxDelayMs: PositiveInt(7 * 86_400_000),
  maxAttempts: PositiveInt(100),
})

export const DeliverDueMessagesInput = Schema.Struct({
  /** Most messages claimed (and sent) in one run. */
  batchSize: PositiveInt(1_000),
  /**
   * How long a claim holds a message: if this worker dies mid-batch, another one picks the
   * message up after the lease. Sends are cut off after half of it (see deliverDueMessages).
   */
  leaseMs: PositiveInt(86_400_000),
  retry: Schema.optionalKey(RetryPolicyInput),
})
export type DeliverDueMessagesInput = typeof DeliverDueMessagesInput.Encoded

export const RetryOutboxMessageInput = Schema.Struct({
  messageId: MessageId,
  operator: OperatorName,
  reason: Reason,
})
export type RetryOutboxMessageInput = typeof RetryOutboxMessageInput.Encoded
