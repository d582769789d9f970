import { Schema } from "effect"
import { Instant } from "../../shared/time.ts"
import { InboundUpdate } from "./inbound.ts"

export const InboxStatus = Schema.Literals(["pending", "processing", "processed", "failed"])
export type InboxStatus = typeof InboxStatus.Type

/**
 * One inbound update as recorded before the webhook is acknowledged. The key (see
 * `inboxKey`) is unique, so a redelivery is recorded once and processed once.
 */
export const InboxEntry = Schema.Struct({
  key: Schema.NonEmptyString,
  channel: Schema.Literal("whatsapp"),
  /** The person's phone number (E.164): sender of a message, recipient of a status. */
  phone: Schema.String,
  update: InboundUpdate,
  status: InboxStatus,
  attempts: Schema.Number,
  nextAttemptAt: Instant,
  receivedAt: Instant,
  processedAt: Schema.optionalKey(Instant),
  lastError: Schema.optionalKey(Schema.String),
})
export type InboxEntry = typeof InboxEntry.Type
