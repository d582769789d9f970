import { Schema } from "effect"

/** A send failed. `permanent` failures are not retried (bad address, opted out…). */
export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  channel: Schema.String,
  detail: Schema.String,
  permanent: Schema.Boolean,
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
