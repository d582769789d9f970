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
