import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Urgency, urgencyPhrase } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbOffer } from "../testing/offer-repository.arbitraries.ts"
import type { LeadView } from "./disclosure.ops.ts"
import { offerNotifications } from "./offer.notifications.ts"

const arbUrgency = fc.constantFrom(...Urgency.literals)

describe("the lead offered message", () => {
  it("says how urgent the lead is in words, as the homeowner chose it, not the policy's key", () => {
    fc.assert(
      fc.property(arbParty(), arbOffer(), arbUrgency, (provider, offer, urgency) => {
        const preview = {
          stage: "preview",
          requestId: offer.requestId,
          category: "plumbing",
          area: "soweto",
          urgency,
          availability: { _tag: "now" },
          mode: "in_person",
        } as LeadView
        const drafts = offerNotifications(
          "evt_00000000000000000000",
          { _tag: "LeadOffered", provider, offer, preview },
          creditsPreset,
        )
        expect(drafts.length).toBeGreaterThan(0)
        for (const draft of drafts) {
          expect(draft.body).toContain(
            `plumbing lead in soweto, ${urgencyPhrase[urgency]} (in person)`,
          )
          expect(draft.body).not.toMatch(/\b(low|normal|urgent) plumbing\b/)
        }
      }),
    )
  })
})
