import { Schema } from "effect"

/**
 * What the bot wants to say, channel-neutral. The WhatsApp adapter turns each intent into
 * one Cloud API message; the console and the simulator render the same data. The limits
 * WhatsApp puts on interactive messages are checked by `checkIntent` (intent.ops.ts)
 * before anything is enqueued or sent.
 */

export const ReplyButton = Schema.Struct({ id: Schema.String, title: Schema.String })
export type ReplyButton = typeof ReplyButton.Type

export const ListRow = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  description: Schema.optionalKey(Schema.String),
})
export type ListRow = typeof ListRow.Type

export const ListSection = Schema.Struct({
  title: Schema.optionalKey(Schema.String),
  rows: Schema.Array(ListRow),
})
export type ListSection = typeof ListSection.Type

/** An approved template, the only kind of message allowed outside the 24-hour window. */
export const TemplateIntent = Schema.TaggedStruct("template", {
  name: Schema.NonEmptyString,
  language: Schema.NonEmptyString,
  /** Body parameters {{1}}, {{2}}... in order. */
  parameters: Schema.Array(Schema.String),
})
export type TemplateIntent = typeof TemplateIntent.Type

export const MessageIntent = Schema.Union([
  Schema.TaggedStruct("text", { body: Schema.String }),
  /** Up to 3 reply buttons under a body. */
  Schema.TaggedStruct("buttons", {
    body: Schema.String,
    header: Schema.optionalKey(Schema.String),
    footer: Schema.optionalKey(Schema.String),
    buttons: Schema.Array(ReplyButton),
  }),
  /** A list: a button that opens up to 10 rows over up to 10 sections. */
  Schema.TaggedStruct("list", {
    body: Schema.String,
    header: Schema.optionalKey(Schema.String),
    footer: Schema.optionalKey(Schema.String),
    button: Schema.String,
    sections: Schema.Array(ListSection),
  }),
  /** A file: by public link, or by a key in our ObjectStore (the adapter uploads it). */
  Schema.TaggedStruct("media", {
    kind: Schema.Literals(["image", "document", "audio", "video"]),
    link: Schema.optionalKey(Schema.String),
    storedKey: Schema.optionalKey(Schema.String),
    caption: Schema.optionalKey(Schema.String),
    filename: Schema.optionalKey(Schema.String),
  }),
  TemplateIntent,
  /** Asks the person to share a location pin. */
  Schema.TaggedStruct("location_request", { body: Schema.String }),
])
export type MessageIntent = typeof MessageIntent.Type
