import { WhatsAppLimits } from "./intent.ops.ts"
import type { ListRow, MessageIntent, ReplyButton } from "./intent.ts"

/**
 * One message the bot sends: what to say (an intent) and the stable template name the
 * outbox, the ops history and the simulator know it by ("conversation.menu").
 */
export interface Reply {
  readonly template: string
  readonly intent: MessageIntent
}

/**
 * Shortens text to `max` UTF-16 code units, ending in "…" when cut. Dynamic text (names
 * from the policy, a homeowner's words) goes through this so no intent breaks a limit.
 */
export const ellipsis = (text: string, max: number): string => {
  if (text.length <= max) return text
  if (max <= 0) return ""
  // Cutting between the halves of a surrogate pair would leave half an emoji.
  let cut = max - 1
  const code = text.charCodeAt(cut - 1)
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut--
  return `${text.slice(0, cut)}…`
}

const nonEmpty = (text: string, fallback: string): string =>
  text.trim().length === 0 ? fallback : text

export const textReply = (template: string, body: string): Reply => ({
  template,
  intent: {
    _tag: "text",
    body: ellipsis(nonEmpty(body, "…"), WhatsAppLimits.textBody),
  },
})

/** Reply buttons: at most three are kept; titles and the body are shortened to fit. */
export const buttonsReply = (
  template: string,
  body: string,
  buttons: ReadonlyArray<ReplyButton>,
): Reply => ({
  template,
  intent: {
    _tag: "buttons",
    body: ellipsis(nonEmpty(body, "…"), WhatsAppLimits.buttons.body),
    buttons: buttons.slice(0, WhatsAppLimits.buttons.max).map((b) => ({
      id: b.id.slice(0, WhatsAppLimits.buttons.id),
      title: ellipsis(nonEmpty(b.title, "?"), WhatsAppLimits.buttons.title),
    })),
  },
})

/** A one-section list: at most ten rows are kept; every text is shortened to fit. */
export const listReply = (
  template: string,
  body: string,
  button: string,
  rows: ReadonlyArray<ListRow>,
): Reply => ({
  template,
  intent: {
    _tag: "list",
    body: ellipsis(nonEmpty(body, "…"), WhatsAppLimits.list.body),
    button: ellipsis(nonEmpty(button, "Choose"), WhatsAppLimits.list.button),
    sections: [
      {
        rows: rows.slice(0, WhatsAppLimits.list.rows).map((r) => ({
          id: r.id.slice(0, WhatsAppLimits.list.rowId),
          title: ellipsis(nonEmpty(r.title, "?"), WhatsAppLimits.list.rowTitle),
          ...(r.description === undefined
            ? {}
            : { description: ellipsis(r.description, WhatsAppLimits.list.rowDescription) }),
        })),
      },
    ],
  },
})

export const locationRequestReply = (template: string, body: string): Reply => ({
  template,
  intent: {
    _tag: "location_request",
    body: ellipsis(nonEmpty(body, "…"), WhatsAppLimits.locationRequestBody),
  },
})

/**
 * The plain-text rendering of an intent: the outbox `body`, what email/SMS and the console
 * show, and what a channel without buttons would send (options numbered by their titles).
 */
export const plainText = (intent: MessageIntent): string => {
  switch (intent._tag) {
    case "text":
    case "location_request":
      return intent.body
    case "buttons":
      return [intent.body, ...intent.buttons.map((b) => `[${b.title}]`)].join("\n")
    case "list":
      return [
        intent.body,
        ...intent.sections
          .flatMap((s) => s.rows)
          .map((r, i) => `${i + 1}) ${r.title}${r.description ? ` - ${r.description}` : ""}`),
      ].join("\n")
    case "media":
      return intent.caption ?? intent.filename ?? `(${intent.kind})`
    case "template":
      return [intent.name, ...intent.parameters].join(" ")
  }
}
