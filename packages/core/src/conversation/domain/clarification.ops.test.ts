import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { answerText, clarificationTarget, maxAnswerLength } from "./clarification.ops.ts"
import type { InboundContent } from "./inbound.ts"

const arbWaiting = fc.uniqueArray(
  fc.record({
    id: fc.stringMatching(/^req_[a-z0-9]{4}$/u),
    category: fc.constantFrom("plumbing", "electrical", "roofing"),
    question: fc.string({ minLength: 1, maxLength: 40 }),
  }),
  { selector: (w) => w.id, maxLength: 6 },
)

describe("clarificationTarget", () => {
  it("without a reply context: nothing waits -> not an answer; one -> it; several -> ask which of all", () => {
    fc.assert(
      fc.property(arbWaiting, (waiting) => {
        const target = clarificationTarget(waiting, undefined)
        if (waiting.length === 0) {
          expect(target).toEqual({ _tag: "Nothing" })
        } else if (waiting.length === 1) {
          expect(target).toEqual({ _tag: "Answer", request: waiting[0] })
        } else {
          expect(target).toEqual({ _tag: "Which", among: waiting })
        }
      }),
    )
  })

  it("a reply in context answers only a request the replied-to message asked about", () => {
    fc.assert(
      fc.property(
        arbWaiting.chain((waiting) =>
          fc.tuple(fc.constant(waiting), fc.subarray(waiting.map((w) => w.id))),
        ),
        ([waiting, namedIds]) => {
          const target = clarificationTarget(waiting, (w) => namedIds.includes(w.id))
          const named = waiting.filter((w) => namedIds.includes(w.id))
          switch (target._tag) {
            case "Nothing":
              // A reply in context is never ignored: it is answered or told it is answered.
              expect.unreachable()
              break
            case "Answer": {
              expect(named).toEqual([target.request])
              break
            }
            case "Which":
              expect(target.among).toEqual(named)
              expect(named.length).toBeGreaterThan(1)
              break
            case "AnsweredAlready":
              expect(named).toEqual([])
              expect(target.still).toEqual(waiting)
          }
        },
      ),
    )
  })
})

describe("answerText", () => {
  const arbContent: fc.Arbitrary<InboundContent> = fc.oneof(
    fc.string({ maxLength: 2100 }).map((body) => ({ _tag: "text" as const, body })),
    fc.option(fc.string({ maxLength: 50 }), { nil: undefined }).map((caption) => ({
      _tag: "media" as const,
      kind: "image" as const,
      mediaId: "m1",
      ...(caption === undefined ? {} : { caption }),
    })),
    fc.constant({ _tag: "location" as const, latitude: 1, longitude: 2 }),
    fc.constant({ _tag: "unsupported" as const, originalType: "poll" }),
  )

  it("passes on words only: trimmed, not blank, within the limit; anything else is asked again", () => {
    fc.assert(
      fc.property(arbContent, (content) => {
        const answer = answerText(content)
        const typed =
          content._tag === "text"
            ? content.body
            : content._tag === "media"
              ? content.caption
              : undefined
        if (answer._tag === "Success") {
          expect(typed).toBeDefined()
          expect(answer.success).toBe(answer.success.trim())
          expect(answer.success.length).toBeGreaterThan(0)
          expect(answer.success.length).toBeLessThanOrEqual(maxAnswerLength)
          expect(typed).toContain(answer.success.slice(0, 1))
        } else {
          expect(answer.failure.length).toBeGreaterThan(0)
          if (typed !== undefined) {
            const trimmed = typed.trim()
            // Refused only when blank (once invisible bytes go) or too long.
            expect(
              trimmed.length === 0 || trimmed.length > maxAnswerLength || /\p{Cc}/u.test(typed),
            ).toBe(true)
          }
        }
      }),
    )
  })
})
