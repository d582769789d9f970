import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { LeadView } from "../../dispatch/domain/disclosure.ops.ts"
import {
  linkGrantFor,
  type OfferNotice,
  offerNotifications,
  visitEndsAt,
} from "../../dispatch/domain/offer.notifications.ts"
import { arbOfferId, arbProposedSlots } from "../../dispatch/testing/dispatch.arbitraries.ts"
import { arbOffer } from "../../dispatch/testing/offer-repository.arbitraries.ts"
import {
  arbAvailability,
  arbRequestId,
} from "../../dispatch/testing/request-repository.arbitraries.ts"
import { creditsPreset } from "../../policy/presets.ts"
import type { Instant } from "../../shared/time.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import {
  handoverLinkExpiresAt,
  leadLinkExpiresAt,
  leadLinkGraceDays,
  visitLinkExpiresAt,
} from "./secure-link.ops.ts"

const DAY = 86_400_000
/** A visit end up to 90 days after the arbitrary instant (or none). */
const arbVisitEnd = fc.option(fc.integer({ min: -DAY, max: 90 * DAY }), { nil: undefined })
const visit = (base: Instant, offset: number | undefined) =>
  offset === undefined ? {} : { visitEndsAt: (base + offset) as Instant }

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

/** Notices are made around this instant; `now` is drawn from a day before to a day after. */
const BASE = 1_800_000_000_000 as Instant
const arbNow = fc.integer({ min: BASE - DAY, max: BASE + DAY }).map((ms) => ms as Instant)

const arbNotice: fc.Arbitrary<OfferNotice> = fc.oneof(
  fc.tuple(arbParty(), arbOffer()).map(
    ([provider, offer]): OfferNotice => ({
      _tag: "LeadOffered",
      provider,
      offer,
      preview: preview(offer.requestId),
    }),
  ),
  fc.tuple(arbParty(), arbParty(), arbRequestId, arbVisitEnd).map(
    ([customer, provider, requestId, end]): OfferNotice => ({
      _tag: "ProviderAssigned",
      requestId,
      customer,
      provider,
      category: "plumbing",
      ...visit(BASE, end),
    }),
  ),
  fc.tuple(arbParty(), arbRequestId, arbProposedSlots(BASE)).map(
    ([customer, requestId, slots]): OfferNotice => ({
      _tag: "TimesProposed",
      requestId,
      customer,
      category: "plumbing",
      slots,
    }),
  ),
  fc.tuple(arbParty(), arbRequestId, arbOfferId, arbVisitEnd).map(
    ([provider, requestId, offerId, end]): OfferNotice => ({
      _tag: "CustomerHandover",
      provider,
      assigned: { ...preview(requestId), stage: "assigned" },
      offerId,
      ...visit(BASE, end),
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
  it("a lead link to the offered provider for its offer; a handover link to the homeowner for the request; a job link to the assigned provider for the offer; none otherwise", () => {
    fc.assert(
      fc.property(arbNotice, arbNow, (notice, now) => {
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
            expect(grant).toMatchObject({
              partyId: notice.customer.id,
              scope: "handover",
              objectId: notice.requestId,
            })
            break
          case "CustomerHandover":
            expect(grant).toMatchObject({
              partyId: notice.provider.id,
              scope: "lead",
              objectId: notice.offerId,
            })
            break
          default:
            expect(grant).toBeUndefined()
        }
      }),
    )
  })

  it("a link about a visit lasts its usual days, and at least the grace days past the visit's last moment (a chosen time, the latest window, the latest proposed time)", () => {
    fc.assert(
      fc.property(arbNotice, arbNow, (notice, now) => {
        const grant = linkGrantFor(notice, now)
        const last =
          notice._tag === "TimesProposed"
            ? Math.max(...notice.slots.map((slot) => slot.end))
            : notice._tag === "ProviderAssigned" || notice._tag === "CustomerHandover"
              ? notice.visitEndsAt
              : undefined
        if (notice._tag === "LeadOffered" || grant === undefined) return
        expect(grant.expiresAt).toBeGreaterThanOrEqual(handoverLinkExpiresAt(now))
        if (last !== undefined) {
          expect(grant.expiresAt).toBeGreaterThanOrEqual(last + leadLinkGraceDays * DAY)
        }
        expect(grant.expiresAt).toBe(
          Math.max(
            handoverLinkExpiresAt(now),
            last === undefined ? 0 : leadLinkExpiresAt(last as Instant),
          ),
        )
      }),
    )
  })

  it("the visit's last moment is the chosen time, else the latest window's end, else none", () => {
    fc.assert(
      fc.property(
        arbAvailability,
        fc.option(arbProposedSlots(BASE), { nil: undefined }),
        (availability, slots) => {
          const chosen = slots?.[0]
          const end = visitEndsAt(availability, chosen)
          if (chosen !== undefined) {
            expect(end).toBe(chosen.end)
          } else if (availability._tag === "now") {
            expect(end).toBeUndefined()
          } else {
            expect(end).toBe(Math.max(...availability.windows.map((w) => w.end)))
          }
        },
      ),
    )
    expect(visitLinkExpiresAt(BASE)).toBe(handoverLinkExpiresAt(BASE))
  })

  it("the link goes to the message's own recipient, and every message of the notice carries it", () => {
    fc.assert(
      fc.property(arbNotice, arbNow, (notice, now) => {
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
