import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import { tappableIds } from "../testing/conversation.arbitraries.ts"
import { checkIntent } from "./intent.ops.ts"
import {
  leadOfferedIntent,
  offerOfTimesMessage,
  timesProposedIntent,
  unlockedLeadIntent,
  unlockedLeadReply,
} from "./offer.intents.ts"
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

describe("offerOfTimesMessage", () => {
  const arbOfferId = fc.stringMatching(/^ofr_[a-z0-9]{1,20}$/u)
  const arbSlots = fc.array(
    fc
      .integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })
      .map((start) => ({ start, end: start + 3_600_000 }) as TimeWindow),
    { minLength: 3, maxLength: 3 },
  )

  it("reads back the offer a proposed-times message is about, and nothing from other messages", () => {
    fc.assert(
      fc.property(arbOfferId, arbSlots, fc.string({ maxLength: 200 }), (offerId, slots, body) => {
        expect(
          offerOfTimesMessage(timesProposedIntent(body, offerId, slots, "Africa/Johannesburg")),
        ).toBe(offerId)
        expect(offerOfTimesMessage(unlockedLeadIntent(body, offerId))).toBeUndefined()
        expect(offerOfTimesMessage(leadOfferedIntent(body, offerId, "credits"))).toBeUndefined()
        expect(offerOfTimesMessage({ _tag: "text", body: body || "x" })).toBeUndefined()
      }),
    )
  })
})
