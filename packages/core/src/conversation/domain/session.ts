import { Schema } from "effect"
import { Instant } from "../../shared/time.ts"

/** Where one person is in a conversation flow: the flow, its step and what was collected. */
export const FlowPosition = Schema.Struct({
  flow: Schema.NonEmptyString,
  step: Schema.NonEmptyString,
  /** Answers collected so far, as plain JSON (kept in a jsonb column). */
  data: Schema.Record(Schema.String, Schema.Unknown),
  startedAt: Instant,
})
export type FlowPosition = typeof FlowPosition.Type

/** The conversation state kept per phone number, persisted between messages. */
export const ConversationSession = Schema.Struct({
  /** E.164 phone number, the session key. */
  phone: Schema.NonEmptyString,
  channel: Schema.Literal("whatsapp"),
  /** The party this phone belongs to, once signed up. */
  partyId: Schema.optionalKey(Schema.String),
  /** The open flow, if any. */
  position: Schema.optionalKey(FlowPosition),
  /** Said "stop": nothing but the opt-out confirmation is sent until they say "start". */
  optedOut: Schema.Boolean,
  /** Their last message: WhatsApp's 24-hour customer-service window runs from it. */
  lastInboundAt: Schema.optionalKey(Instant),
  /**
   * The id of the last message the engine handled: a message handled again (a retry after
   * a crash between commit and acknowledgement) must not move the flow a second step.
   */
  lastMessageId: Schema.optionalKey(Schema.String),
  updatedAt: Instant,
})
export type ConversationSession = typeof ConversationSession.Type
