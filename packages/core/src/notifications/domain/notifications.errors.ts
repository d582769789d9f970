import { Schema } from "effect"

/**
 * A send failed. `permanent` failures are not retried (bad address, opted out…). `code`
 * is the channel's error code (WhatsApp 131047...). `retryAfterMs` is how long the
 * channel asked us to wait (a rate limit): the next attempt is no sooner than that.
 */
export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  channel: Schema.String,
  detail: Schema.String,
  permanent: Schema.Boolean,
  code: Schema.optionalKey(Schema.Number),
  retryAfterMs: Schema.optionalKey(Schema.Number),
  /** Nothing was sent (our own pacing said wait `retryAfterMs`): not an attempt that failed. */
  notAttempted: Schema.optionalKey(Schema.Boolean),
}) {
  override get message() {
    return `${this.channel} delivery failed${this.permanent ? " permanently" : ""}: ${this.detail}`
  }
}

export class OutboxMessageNotFound extends Schema.TaggedError<OutboxMessageNotFound>()(
  "OutboxMessageNotFound",
  { messageId: Schema.String },
) {
  override get message() {
    return `no outbox message with id ${this.messageId}`
  }
}

/** An operator asked to retry a message that is being sent or was already sent. */
export class OutboxMessageNotRetryable extends Schema.TaggedError<OutboxMessageNotRetryable>()(
  "OutboxMessageNotRetryable",
  { messageId: Schema.String, status: Schema.String },
) {
  override get message() {
    return `outbox message ${this.messageId} is ${this.status}: only failed or pending messages can be retried`
  }
}

/**
 * A delivery status for a message the outbox does not know yet. Meta can report a send
 * before the worker has recorded it as sent (the status webhook races the send's commit),
 * so for a few minutes this is worth retrying rather than dropping.
 */
export class DeliveryStatusTooEarly extends Schema.TaggedError<DeliveryStatusTooEarly>()(
  "DeliveryStatusTooEarly",
  { providerMessageId: Schema.String },
) {
  override get message() {
    return `no sent message ${this.providerMessageId} yet; the status will be tried again`
  }
}
