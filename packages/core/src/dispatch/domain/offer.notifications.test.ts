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

describe("times in the offer messages", () => {
  // QA defect 2: 25 Nov 11:00 to 28 Nov 12:00 (Johannesburg) was announced as 11:00-12:00.
  const longWindow = { start: Date.UTC(2026, 10, 25, 9), end: Date.UTC(2026, 10, 28, 10) } as never
  const policy = { ...creditsPreset, timeZone: "Africa/Johannesburg" }
  const shown = "Wed 25 Nov 11:00 - Sat 28 Nov 12:00"

  it("the proposed, agreed and handed-over times keep the end's day when it is another", () => {
    fc.assert(
      fc.property(
        arbParty({ kind: "customer" }),
        arbParty({ kind: "provider" }),
        (customer, provider) => {
          const bodies = [
            offerNotifications(
              "evt_1",
              {
                _tag: "TimesProposed",
                requestId: "req_1" as never,
                customer,
                category: "plumbing",
                slots: [longWindow],
              },
              policy,
            ),
            offerNotifications(
              "evt_2",
              {
                _tag: "ProviderAssigned",
                requestId: "req_1" as never,
                customer,
                provider,
                category: "plumbing",
                agreedTime: longWindow,
              },
              policy,
            ),
            offerNotifications(
              "evt_3",
              {
                _tag: "CustomerHandover",
                provider,
                offerId: "ofr_1" as never,
                agreedTime: longWindow,
                assigned: {
                  stage: "assigned",
                  category: "plumbing",
                  area: "soweto",
                  urgency: "normal",
                  availability: { _tag: "now" },
                  mode: "in_person",
                } as LeadView,
              },
              policy,
            ),
          ].map((drafts) => drafts.find((d) => d.channel === "whatsapp")?.body ?? "")
          for (const body of bodies) expect(body).toContain(shown)
        },
      ),
      { numRuns: 20 },
    )
  })
})
