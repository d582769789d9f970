import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { checkIntent } from "../../conversation/domain/intent.ops.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { asTemplateParameter, messagesForParty, UPDATE_TEMPLATE } from "./party-messages.ts"

const body = fc.oneof(
  fc.string({ maxLength: 3_000 }),
  fc
    .array(fc.constantFrom("a", " ", "\n", "\t", "é", "🙂", "https://x.test/l/abc"), {
      maxLength: 400,
    })
    .map((parts) => parts.join("")),
)

describe("asTemplateParameter", () => {
  it("gives text WhatsApp accepts as a template parameter: one line, no long runs of spaces, bounded", () => {
    fc.assert(
      fc.property(body, (text) => {
        const parameter = asTemplateParameter(text)
        expect(parameter).not.toMatch(/[\n\t\r]/)
        expect(parameter).not.toMatch(/ {5}/)
        expect(parameter.length).toBeLessThanOrEqual(1_000)
      }),
    )
  })

  it("keeps every word of a message that fits", () => {
    fc.assert(
      fc.property(body, (text) => {
        const words = text.split(/\s+/).filter((w) => w !== "")
        const parameter = asTemplateParameter(text)
        if (words.join(" ").length <= 1_000) expect(parameter).toBe(words.join(" "))
      }),
    )
  })
})

describe("messagesForParty", () => {
  it("gives every WhatsApp message the update template to fall back to, and email none", () => {
    fc.assert(
      fc.property(arbParty(), body, (party, text) => {
        const drafts = messagesForParty("evt_1", party, {
          template: "t.any",
          subject: "Subject",
          body: text,
        })
        for (const draft of drafts) {
          if (draft.channel === "whatsapp") {
            expect(draft.fallbackTemplate).toEqual({
              _tag: "template",
              ...UPDATE_TEMPLATE,
              parameters: [asTemplateParameter(text)],
            })
            expect(Result.isSuccess(checkIntent(draft.fallbackTemplate!))).toBe(true)
          } else {
            expect(draft.fallbackTemplate).toBeUndefined()
          }
        }
        expect(drafts.filter((d) => d.channel === "whatsapp")).toHaveLength(1)
      }),
    )
  })
})
