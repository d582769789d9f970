import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { checkIntent } from "./intent.ops.ts"
import {
  buttonsReply,
  ellipsis,
  listReply,
  locationRequestReply,
  plainText,
  textReply,
} from "./replies.ts"

const anyText = fc.oneof(
  fc.string({ maxLength: 5000 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.string({ unit: "binary", maxLength: 100 }),
)

describe("ellipsis", () => {
  it("fits the text in max code units, keeping a prefix, and leaves short text alone", () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 200 }), (text, max) => {
        const cut = ellipsis(text, max)
        expect(cut.length).toBeLessThanOrEqual(max)
        if (text.length <= max) expect(cut).toBe(text)
        else {
          expect(cut.endsWith("…")).toBe(true)
          expect(text.startsWith(cut.slice(0, -1))).toBe(true)
        }
      }),
    )
  })

  it("never leaves half of a surrogate pair before the ellipsis", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.integer({ min: 2, max: 30 }),
        (text, max) => {
          const cut = ellipsis(text, max)
          const last = cut.length >= 2 ? cut.charCodeAt(cut.length - 2) : 0
          if (cut.endsWith("…") && cut.length >= 2)
            expect(last >= 0xd800 && last <= 0xdbff).toBe(false)
        },
      ),
    )
  })
})

describe("reply builders", () => {
  it("build intents WhatsApp accepts from any text, any number of options", () => {
    const option = fc.record({ id: anyText, title: anyText, description: anyText })
    fc.assert(
      fc.property(
        anyText,
        anyText,
        fc.array(option, { maxLength: 15 }),
        (body, button, options) => {
          const replies = [
            textReply("t", body),
            locationRequestReply("t", body),
            buttonsReply("t", body, options),
            listReply("t", body, button, options),
          ]
          for (const reply of replies) {
            // An empty id or option list is the caller's to avoid; everything else must fit.
            const tappable = reply.intent._tag === "buttons" || reply.intent._tag === "list"
            if (tappable && (options.length === 0 || options.some((o) => o.id.length === 0)))
              continue
            expect(checkIntent(reply.intent)._tag).toBe("Success")
            expect(plainText(reply.intent).length).toBeGreaterThan(0)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
