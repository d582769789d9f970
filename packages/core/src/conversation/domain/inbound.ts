import { Schema } from "effect"
import { Instant } from "../../shared/time.ts"

/**
 * Inbound updates, normalized from a channel's webhook (WhatsApp Cloud API today) into
 * channel-neutral data. The conversation engine reads only these, never a raw payload.
 */

export const MediaKind = Schema.Literals(["image", "document", "audio", "video", "sticker"])
export type MediaKind = typeof MediaKind.Type

export const InboundContent = Schema.Union([
  Schema.TaggedStruct("text", { body: Schema.String }),
  /** A tap on one of our reply buttons (interactive.button_reply). */
  Schema.TaggedStruct("button_reply", { id: Schema.String, title: Schema.String }),
  /** A pick from one of our lists (interactive.list_reply). */
  Schema.TaggedStruct("list_reply", {
    id: Schema.String,
    title: Schema.String,
    description: Schema.optionalKey(Schema.String),
  }),
  /** A template's quick-reply button (WhatsApp type "button"). */
  Schema.TaggedStruct("quick_reply", { payload: Schema.String, text: Schema.String }),
  Schema.TaggedStruct("media", {
    kind: MediaKind,
    /** The channel's media id, to fetch the bytes with. */
    mediaId: Schema.String,
    mimeType: Schema.optionalKey(Schema.String),
    sha256: Schema.optionalKey(Schema.String),
    caption: Schema.optionalKey(Schema.String),
    filename: Schema.optionalKey(Schema.String),
    /** Set once the bytes are in the ObjectStore. */
    storedKey: Schema.optionalKey(Schema.String),
  }),
  Schema.TaggedStruct("location", {
    latitude: Schema.Number,
    longitude: Schema.Number,
    name: Schema.optionalKey(Schema.String),
    address: Schema.optionalKey(Schema.String),
  }),
  Schema.TaggedStruct("contacts", {
    contacts: Schema.Array(
      Schema.Struct({ name: Schema.String, phones: Schema.Array(Schema.String) }),
    ),
  }),
  /** A reaction to one of our messages; no emoji means the reaction was removed. */
  Schema.TaggedStruct("reaction", {
    messageId: Schema.String,
    emoji: Schema.optionalKey(Schema.String),
  }),
  Schema.TaggedStruct("order", {
    catalogId: Schema.String,
    text: Schema.optionalKey(Schema.String),
    items: Schema.Array(
      Schema.Struct({
        productId: Schema.String,
        quantity: Schema.Number,
        price: Schema.Number,
        currency: Schema.String,
      }),
    ),
  }),
  /** A system notice (the customer changed number, identity changed...). */
  Schema.TaggedStruct("system", {
    body: Schema.String,
    kind: Schema.optionalKey(Schema.String),
    newPhone: Schema.optionalKey(Schema.String),
  }),
  /** Anything we cannot read (WhatsApp "unsupported", or a type we do not know yet). */
  Schema.TaggedStruct("unsupported", {
    originalType: Schema.String,
    detail: Schema.optionalKey(Schema.String),
  }),
])
export type InboundContent = typeof InboundContent.Type

export const InboundMessage = Schema.Struct({
  /** The channel's message id (WhatsApp "wamid...."): the inbox key. */
  id: Schema.NonEmptyString,
  channel: Schema.Literal("whatsapp"),
  /** E.164 with the leading "+" (WhatsApp sends digits only; the normalizer adds it). */
  from: Schema.NonEmptyString,
  /** Our business number id the message was sent to. */
  to: Schema.optionalKey(Schema.String),
  at: Instant,
  /** The sender's WhatsApp profile name, when given. */
  contactName: Schema.optionalKey(Schema.String),
  /** The id of our message this one replies to (WhatsApp context.id). */
  replyTo: Schema.optionalKey(Schema.String),
  content: InboundContent,
})
export type InboundMessage = typeof InboundMessage.Type

export const DeliveryState = Schema.Literals(["sent", "delivered", "read", "failed"])
export type DeliveryState = typeof DeliveryState.Type

export const ChannelError = Schema.Struct({
  code: Schema.Number,
  title: Schema.String,
  detail: Schema.optionalKey(Schema.String),
})
export type ChannelError = typeof ChannelError.Type

/** What the channel says happened to one of our outbound messages. */
export const DeliveryStatusUpdate = Schema.Struct({
  /** The channel's id of OUR message (the one the send call returned). */
  providerMessageId: Schema.NonEmptyString,
  channel: Schema.Literal("whatsapp"),
  state: DeliveryState,
  at: Instant,
  recipient: Schema.String,
  errors: Schema.optionalKey(Schema.Array(ChannelError)),
})
export type DeliveryStatusUpdate = typeof DeliveryStatusUpdate.Type

export const InboundUpdate = Schema.Union([
  Schema.TaggedStruct("message", { message: InboundMessage }),
  Schema.TaggedStruct("status", { status: DeliveryStatusUpdate }),
])
export type InboundUpdate = typeof InboundUpdate.Type

/**
 * The inbox key of an update: a redelivered update has the same key, so it is recorded
 * and processed once. Statuses of one message share its id, so the state is part of the key.
 */
export const inboxKey = (update: InboundUpdate): string =>
  update._tag === "message"
    ? `whatsapp:message:${update.message.id}`
    : `whatsapp:status:${update.status.providerMessageId}:${update.status.state}`
