import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { tappableIds } from "../testing/conversation.arbitraries.ts"
import { checkIntent } from "./intent.ops.ts"
import { unlockedLeadReply } from "./offer.intents.ts"
import { plainText } from "./replies.ts"

describe("unlockedLeadReply", () => {
  it("fits WhatsApp; buttons only while the lead waits for an answer; a repeat says nothing is charged", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            category: fc.string({ maxLength: 40 }),
            area: fc.string({ maxLength: 40 }),
            urgency: fc.string({ maxLength: 20 }),
            description: fc.string({ maxLength: 2000 }),
          },
          { requiredKeys: ["category", "area", "urgency"] },
        ),
        fc.constantFrom("unlocked" as const, "times_proposed" as const, "accepted" as const),
        fc.boolean(),
        (lead, state, again) => {
          const reply = unlockedLeadReply(lead, "ofr_1", state, again)
          expect(checkIntent(reply.intent)._tag).toBe("Success")
          expect(tappableIds(reply.intent).length > 0).toBe(state === "unlocked")
          const text = plainText(reply.intent)
          expect(text.startsWith(again ? "You unlocked this lead already" : "Unlocked:")).toBe(true)
          expect(text.includes("no credits taken again")).toBe(again)
        },
      ),
    )
  })
})
