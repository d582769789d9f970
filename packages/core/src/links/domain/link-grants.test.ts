import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { LeadView } from "../../dispatch/domain/disclosure.ops.ts"
import {
  linkGrantFor,
  type OfferNotice,
  offerNotifications,
} from "../../dispatch/domain/offer.notifications.ts"
import { arbOffer } from "../../dispatch/testing/offer-repository.arbitraries.ts"
import { arbRequestId } from "../../dispatch/testing/request-repository.arbitraries.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { handoverLinkExpiresAt, leadLinkExpiresAt } from "./secure-link.ops.ts"

const preview = (requestId: string): LeadView =>
  ({
    stage: "preview",
    requestId,
    category: "plumbing",
    area: "soweto",
    urgency: "urgent",
    availability: { _tag: "now" },
    mode: "in_person",
  }) as LeadView

const arbNotice: fc.Arbitrary<OfferNotice> = fc.oneof(
  fc.tuple(arbParty(), arbOffer()).map(
    ([provider, offer]): OfferNotice => ({
      _tag: "LeadOffered",
      provider,
      offer,
      preview: preview(offer.requestId),
    }),
  ),
  fc.tuple(arbParty(), arbParty(), arbRequestId).map(
    ([customer, provider, requestId]): OfferNotice => ({
      _tag: "ProviderAssigned",
      requestId,
      customer,
      provider,
      category: "plumbing",
    }),
  ),
  fc.tuple(arbParty(), arbParty(), arbRequestId).map(
    ([customer, provider, requestId]): OfferNotice => ({
      _tag: "TimesProposed",
      requestId,
      customer,
      provider,
      category: "plumbing",
      slots: [],
    }),
  ),
  fc.tuple(arbParty(), arbRequestId).map(
    ([provider, requestId]): OfferNotice => ({
      _tag: "CustomerHandover",
      provider,
      assigned: { ...preview(requestId), stage: "assigned" },
    }),
  ),
  arbParty().map(
    (provider): OfferNotice => ({
      _tag: "LeadWithdrawn",
      provider,
      category: "plumbing",
    }),
  ),
)

describe("linkGrantFor: which secure link a notice's message carries", () => {
  it("a lead link to the offered provider for its offer; a handover link to the homeowner for the request; none otherwise", () => {
    fc.assert(
      fc.property(arbNotice, arbInstant, (notice, now) => {
        const grant = linkGrantFor(notice, now)
        switch (notice._tag) {
          case "LeadOffered":
            expect(grant).toEqual({
              partyId: notice.provider.id,
              scope: "lead",
              objectId: notice.offer.id,
              expiresAt: leadLinkExpiresAt(notice.offer.expiresAt),
            })
            break
          case "ProviderAssigned":
          case "TimesProposed":
            expect(grant).toEqual({
              partyId: notice.customer.id,
              scope: "handover",
              objectId: notice.requestId,
              expiresAt: handoverLinkExpiresAt(now),
            })
            break
          default:
            expect(grant).toBeUndefined()
        }
      }),
    )
  })

  it("the link goes to the message's own recipient, and every message of the notice carries it", () => {
    fc.assert(
      fc.property(arbNotice, arbInstant, (notice, now) => {
        const grant = linkGrantFor(notice, now)
        const url = "https://fundi.example.com/x/token"
        const drafts = offerNotifications("evt_00000000000000000000", notice, creditsPreset, url)
        for (const draft of drafts) {
          if (grant === undefined) expect(draft.body).not.toContain(url)
          else {
            expect(draft.partyId).toBe(grant.partyId)
            expect(draft.body.endsWith(url)).toBe(true)
          }
        }
      }),
    )
  })
})
