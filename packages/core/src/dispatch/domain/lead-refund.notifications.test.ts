import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { creditsPreset } from "../../policy/presets.ts"
import { arbEventId } from "../../shared/testing/shared.arbitraries.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbLeadRefund } from "../testing/lead-refund.arbitraries.ts"
import { leadRefundNotifications, leadRefundTemplates } from "./lead-refund.notifications.ts"

describe("the lead refund notification policy", () => {
  it("tells the provider of a decision, on WhatsApp and by email when they have one, and nothing before", () => {
    fc.assert(
      fc.property(arbEventId, arbLeadRefund(), arbParty(), (eventId, refund, provider) => {
        const drafts = leadRefundNotifications(eventId, refund, provider, creditsPreset)
        if (refund.state === "requested") {
          expect(drafts).toEqual([])
          return
        }
        expect(drafts.map((d) => d.channel)).toEqual(
          provider.profile.email === undefined ? ["whatsapp"] : ["whatsapp", "email"],
        )
        expect(drafts[0]!.to).toBe(provider.phone)
        for (const draft of drafts) {
          expect(draft.partyId).toBe(provider.id)
          expect(draft.body).toContain(refund.offerId)
          expect(draft.dedupeKey.startsWith(`${eventId}:`)).toBe(true)
          if (refund.state === "approved") {
            expect(draft.template).toBe(leadRefundTemplates.approved)
            expect(draft.body).toContain(`${refund.credits} credits`)
          } else {
            expect(draft.template).toBe(leadRefundTemplates.rejected)
            expect(draft.body).toContain(refund.decisionReason!)
          }
        }
      }),
    )
  })
})
