import { Schema } from "effect"
import { MessageId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"

export const NotificationChannel = Schema.Literals(["whatsapp", "email", "sms"])
export type NotificationChannel = typeof NotificationChannel.Type

export const OutboxStatus = Schema.Literals(["pending", "sending", "sent", "failed"])
export type OutboxStatus = typeof OutboxStatus.Type

/** A message to send, written in the same transaction as the change that caused it. */
export const OutboxMessage = Schema.Struct({
  id: MessageId,
  /** Unique: the same event never yields the same message twice (event id + channel + template). */
  dedupeKey: Schema.NonEmptyString,
  channel: NotificationChannel,
  /** Phone number (E.164) for whatsapp and sms, address for email. */
  to: Schema.NonEmptyString,
  /** The template it was rendered from, e.g. "application.approved". */
  template: Schema.NonEmptyString,
  subject: Schema.optionalKey(Schema.String),
  body: Schema.String,
  partyId: Schema.optionalKey(Schema.String),
  status: OutboxStatus,
  attempts: Schema.Number,
  nextAttemptAt: Instant,
  lastError: Schema.optionalKey(Schema.String),
  createdAt: Instant,
  sentAt: Schema.optionalKey(Instant),
})
export type OutboxMessage = typeof OutboxMessage.Type

/** What a notification policy asks for; the outbox adds id, status and timing. */
export type MessageDraft = Pick<
  OutboxMessage,
  "dedupeKey" | "channel" | "to" | "template" | "body"
> & {
  readonly subject?: string
  readonly partyId?: string
}
