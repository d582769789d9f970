import { Result } from "effect"
import { IntentOverLimit } from "./conversation.errors.ts"
import type { MessageIntent } from "./intent.ts"

/** WhatsApp Cloud API limits on what we send (lengths in UTF-16 code units, as Meta counts). */
export const WhatsAppLimits = {
  textBody: 4_096,
  buttons: { max: 3, title: 20, id: 256, body: 1_024, header: 60, footer: 60 },
  list: {
    rows: 10,
    sections: 10,
    sectionTitle: 24,
    rowTitle: 24,
    rowDescription: 72,
    rowId: 200,
    button: 20,
    body: 4_096,
    header: 60,
    footer: 60,
  },
  caption: 1_024,
  locationRequestBody: 1_024,
} as const

type Breach = {
  readonly field: string
  readonly bound: "at most" | "at least"
  readonly limit: number
  readonly actual: number
}

const atMost = (field: string, limit: number, actual: number): Breach | undefined =>
  actual > limit ? { field, bound: "at most", limit, actual } : undefined

const atLeast = (field: string, limit: number, actual: number): Breach | undefined =>
  actual < limit ? { field, bound: "at least", limit, actual } : undefined

const len = (value: string | undefined): number => value?.length ?? 0

const breachesOf = (intent: MessageIntent): ReadonlyArray<Breach | undefined> => {
  const L = WhatsAppLimits
  switch (intent._tag) {
    case "text":
      return [
        atLeast("body", 1, intent.body.length),
        atMost("body", L.textBody, intent.body.length),
      ]
    case "buttons":
      return [
        atLeast("buttons", 1, intent.buttons.length),
        atMost("buttons", L.buttons.max, intent.buttons.length),
        atLeast("body", 1, intent.body.length),
        atMost("body", L.buttons.body, intent.body.length),
        atMost("header", L.buttons.header, len(intent.header)),
        atMost("footer", L.buttons.footer, len(intent.footer)),
        ...intent.buttons.flatMap((b, i) => [
          atLeast(`buttons[${i}].title`, 1, b.title.length),
          atMost(`buttons[${i}].title`, L.buttons.title, b.title.length),
          atLeast(`buttons[${i}].id`, 1, b.id.length),
          atMost(`buttons[${i}].id`, L.buttons.id, b.id.length),
        ]),
      ]
    case "list": {
      const rows = intent.sections.flatMap((s) => s.rows)
      return [
        atLeast("sections", 1, intent.sections.length),
        atMost("sections", L.list.sections, intent.sections.length),
        atMost("rows", L.list.rows, rows.length),
        atLeast("button", 1, intent.button.length),
        atMost("button", L.list.button, intent.button.length),
        atLeast("body", 1, intent.body.length),
        atMost("body", L.list.body, intent.body.length),
        atMost("header", L.list.header, len(intent.header)),
        atMost("footer", L.list.footer, len(intent.footer)),
        ...intent.sections.flatMap((s, i) => [
          // WhatsApp needs a section title as soon as there is more than one section.
          intent.sections.length > 1 ? atLeast(`sections[${i}].title`, 1, len(s.title)) : undefined,
          atMost(`sections[${i}].title`, L.list.sectionTitle, len(s.title)),
          atLeast(`sections[${i}].rows`, 1, s.rows.length),
          ...s.rows.flatMap((r, j) => [
            atLeast(`sections[${i}].rows[${j}].title`, 1, r.title.length),
            atMost(`sections[${i}].rows[${j}].title`, L.list.rowTitle, r.title.length),
            atLeast(`sections[${i}].rows[${j}].id`, 1, r.id.length),
            atMost(`sections[${i}].rows[${j}].id`, L.list.rowId, r.id.length),
            atMost(
              `sections[${i}].rows[${j}].description`,
              L.list.rowDescription,
              len(r.description),
            ),
          ]),
        ]),
      ]
    }
    case "media":
      return [
        atLeast(
          "link or storedKey",
          1,
          (intent.link === undefined ? 0 : 1) + (intent.storedKey === undefined ? 0 : 1),
        ),
        atMost("caption", L.caption, len(intent.caption)),
      ]
    case "template":
      return []
    case "location_request":
      return [
        atLeast("body", 1, intent.body.length),
        atMost("body", L.locationRequestBody, intent.body.length),
      ]
  }
}

/**
 * Accepts an intent only if WhatsApp would: every count and length within its limit, and
 * at least one button, row or character where WhatsApp needs one. The first breach is
 * named in the error (field, bound, limit, actual), so a flow author sees what to change.
 */
export const checkIntent = (
  intent: MessageIntent,
): Result.Result<MessageIntent, IntentOverLimit> => {
  const breach = breachesOf(intent).find((b) => b !== undefined)
  return breach === undefined ? Result.succeed(intent) : Result.fail(new IntentOverLimit(breach))
}
