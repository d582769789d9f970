import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { arbitraryInboundContent } from "../testing/conversation.arbitraries.ts"
import { actionId, classify, GlobalCommand, OfferVerb, parseActionId } from "./commands.ops.ts"

const idPart = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes(":"))

describe("commands and button ids", () => {
  it("reads back every id it makes", () => {
    fc.assert(
      fc.property(
        idPart,
        fc.constantFrom(...OfferVerb),
        fc.constantFrom<number | "none">(0, 1, 2, "none"),
        (id, verb, slot) => {
          expect(parseActionId(actionId.offer(id, verb))).toEqual({
            _tag: "offer",
            offerId: id,
            verb,
          })
          expect(parseActionId(actionId.pickTime(id, slot))).toEqual({
            _tag: "pick_time",
            offerId: id,
            slot,
          })
          expect(parseActionId(actionId.startFlow(id, "x"))).toEqual({
            _tag: "start_flow",
            flow: id,
            data: { arg: "x" },
          })
        },
      ),
    )
    for (const command of GlobalCommand)
      expect(parseActionId(actionId.command(command))).toBe(command)
  })

  it("classifies any content without throwing; a command word wins in any case or spacing", () => {
    fc.assert(
      fc.property(arbitraryInboundContent, (content) => {
        expect(["command", "action", "other"]).toContain(classify(content)._tag)
      }),
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...GlobalCommand),
        fc.boolean(),
        fc.nat(3),
        (word, upper, pad) => {
          const typed = `${" ".repeat(pad)}${upper ? word.toUpperCase() : word}${" ".repeat(pad)}`
          expect(classify({ _tag: "text", body: typed })).toEqual({
            _tag: "command",
            command: word,
          })
        },
      ),
    )
  })

  it("treats unknown and forged ids as unknown, never as someone's action", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), (id) => {
        const parsed = parseActionId(id)
        if (typeof parsed === "object" && parsed._tag === "pick_time") {
          expect([0, 1, 2, "none"]).toContain(parsed.slot)
        }
      }),
    )
    expect(parseActionId("times:ofr_1:7")).toEqual({ _tag: "unknown", id: "times:ofr_1:7" })
    expect(parseActionId("offer:ofr_1:steal")).toEqual({ _tag: "unknown", id: "offer:ofr_1:steal" })
  })
})
