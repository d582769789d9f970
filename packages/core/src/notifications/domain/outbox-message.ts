import { Schema } from "effect"
import { DeliveryState } from "../../conversation/domain/inbound.ts"
import { MessageIntent, TemplateIntent } from "../../conversation/domain/intent.ts"
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
  /** Plain text: the whole message on email and SMS, the fallback rendering elsewhere. */
  body: Schema.String,
  /** WhatsApp: what to send (buttons, a list...); without it the body goes as text. */
  intent: Schema.optionalKey(MessageIntent),
  /**
   * WhatsApp: the approved template to send instead when the recipient's 24-hour
   * customer-service window is closed. Without one such a message fails (131047).
   */
  fallbackTemplate: Schema.optionalKey(TemplateIntent),
  partyId: Schema.optionalKey(Schema.String),
  status: OutboxStatus,
  attempts: Schema.Number,
  nextAttemptAt: Instant,
  lastError: Schema.optionalKey(Schema.String),
  createdAt: Instant,
  sentAt: Schema.optionalKey(Instant),
  /** The channel's id for the sent message (WhatsApp "wamid..."), which statuses refer to. */
  providerMessageId: Schema.optionalKey(Schema.String),
  /** The furthest delivery state the channel reported: sent -> delivered -> read, or failed. */
  delivery: Schema.optionalKey(DeliveryState),
  deliveryError: Schema.optionalKey(Schema.String),
})
export type OutboxMessage = typeof OutboxMessage.Type

/** What a notification policy asks for; the outbox adds id, status and timing. */
export type MessageDraft = Pick<
  OutboxMessage,
  "dedupeKey" | "channel" | "to" | "template" | "body"
> & {
  readonly subject?: string
  readonly partyId?: string
  readonly intent?: MessageIntent
  readonly fallbackTemplate?: TemplateIntent
}
