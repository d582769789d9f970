import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { RequestId } from "../../shared/ids.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import {
  arbOfferCommand,
  arbOfferId,
  arbOfferState,
  arbProposedSlots,
} from "../testing/dispatch.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import { type DisclosureStage, discloseLead, stageOf } from "./disclosure.ops.ts"
import { acceptLead } from "./dispatch.ops.ts"
import { makeOffer, transitionOffer } from "./offer.ops.ts"
import type { OfferCommand } from "./offer.transitions.ts"
import type { Offer, OfferState } from "./offer.ts"
import type { ServiceRequest } from "./service-request.ts"

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

const serialize = (value: unknown) =>
  JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v))

/** What happens to the request around the offer: assigned elsewhere, cancelled, given up. */
type RequestEvent = "AssignOther" | "Cancel" | "GiveUp"

type Step =
  | { readonly kind: "offer"; readonly command: OfferCommand; readonly wait: number }
  | { readonly kind: "request"; readonly event: RequestEvent }

const arbSetup = fc.record({
  policy: arbPolicy,
  offeredAt: arbInstant,
  offerId: arbOfferId,
  providerId: arbPartyId,
  otherProviderId: arbPartyId,
  customer: arbParty({ kind: "customer" }),
  request: arbServiceRequest({ state: "dispatching" }),
  marker: fc.stringMatching(/^[A-Z]{8}$/),
  photoCount: fc.integer({ min: 1, max: 3 }),
})

const arbRun = arbSetup.chain((setup) =>
  fc.record({
    setup: fc.constant(setup),
    warmUp: fc.integer({ min: 0, max: 4 }),
    slots: arbProposedSlots(setup.offeredAt),
    steps: fc.array(
      fc.oneof(
        {
          weight: 8,
          arbitrary: fc
            .tuple(
              arbOfferCommand(setup.offeredAt),
              fc.oneof(
                { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 * MINUTE }) },
                { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 * DAY }) },
              ),
            )
            .map(([command, wait]): Step => ({ kind: "offer", command, wait })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom<RequestEvent>("AssignOther", "Cancel", "GiveUp")
            .map((event): Step => ({ kind: "request", event })),
        },
      ),
      { maxLength: 25 },
    ),
  }),
)

describe("staged disclosure", () => {
  it("no command sequence shows a provider a stage early: the view never holds a later stage's field", () => {
    const seen = new Set<DisclosureStage | "nothing">()
    fc.assert(
      fc.property(arbRun, ({ setup, warmUp, slots, steps }) => {
        const { policy, offeredAt, offerId, providerId, marker } = setup
        // Markers no other field can contain, so a search of the serialized view is exact.
        const customer = {
          ...setup.customer,
          profile: { ...setup.customer.profile, displayName: `NAME-${marker}` },
        }
        const photos = Array.from(
          { length: setup.photoCount },
          (_, i) => `photos/PHOTO-${marker}-${i}.jpg`,
        )
        let request: ServiceRequest = {
          ...setup.request,
          description: `DESC-${marker} call me on ${customer.phone}`,
          location: { ...setup.request.location, street: `STREET-${marker}` },
          photos,
        }
        let offer = makeOffer({ id: offerId, request, providerId }, policy, offeredAt)
        let at = offeredAt
        let everUnlocked = false
        let acceptedHere = false

        const happyPath: ReadonlyArray<Step> = [
          { kind: "offer", command: { _tag: "Preview" }, wait: 0 },
          { kind: "offer", command: { _tag: "Unlock", credits: 3 }, wait: 0 },
          { kind: "offer", command: { _tag: "ProposeTimes", slots }, wait: 0 },
          { kind: "offer", command: { _tag: "ChooseTime", slot: 0 }, wait: 0 },
        ]
        for (const step of [...happyPath.slice(0, warmUp), ...steps]) {
          if (step.kind === "request") {
            if (request.state === "dispatching") {
              request =
                step.event === "AssignOther"
                  ? { ...request, state: "assigned", assignedProviderId: setup.otherProviderId }
                  : { ...request, state: step.event === "Cancel" ? "cancelled" : "unfulfilled" }
            }
          } else {
            at = (at + step.wait) as Instant
            const { command } = step
            if (command._tag === "Accept" || command._tag === "ChooseTime") {
              // Acceptance goes through the handover gate, which assigns the request.
              const accepted = acceptLead(request, offer, command, policy, at)
              if (Result.isSuccess(accepted)) {
                ;[request, offer] = accepted.success
                acceptedHere = true
              }
            } else {
              const moved = transitionOffer(offer, command, policy, at)
              if (Result.isSuccess(moved)) {
                offer = moved.success[0]
                if (command._tag === "Unlock") everUnlocked = true
              }
            }
          }

          const stage = stageOf(offer, request)
          seen.add(stage ?? "nothing")
          if (stage === undefined) {
            // Closed to this provider: declined, expired, or the request left dispatching
            // without being assigned to them.
            expect(
              ["declined", "expired"].includes(offer.state) || request.state !== "dispatching",
            ).toBe(true)
            expect(request.state === "assigned" && request.assignedProviderId === providerId).toBe(
              false,
            )
            continue
          }
          // The stage follows from what happened, not from what the offer claims.
          if (stage === "unlocked") expect(everUnlocked).toBe(true)
          if (stage === "assigned") {
            expect(acceptedHere).toBe(true)
            expect(request.assignedProviderId).toBe(providerId)
          }
          const view = serialize(discloseLead(request, customer, stage, 7))
          const has = (text: string) => view.includes(text)
          expect(has(request.category) && has(request.location.area)).toBe(true)
          const unlocked = stage !== "preview"
          const assigned = stage === "assigned"
          expect(has(`DESC-${marker}`)).toBe(unlocked)
          expect(photos.every(has)).toBe(unlocked)
          expect(photos.some(has)).toBe(unlocked)
          expect(has(`NAME-${marker}`)).toBe(assigned)
          expect(has(`STREET-${marker}`)).toBe(assigned)
          // The phone is also in the description: it must still appear nowhere before assignment.
          expect(has(customer.phone)).toBe(assigned)
          expect(has(customer.phone.slice(1))).toBe(assigned)
          expect(view.includes(`"customerPhone"`)).toBe(assigned)
        }
      }),
      { numRuns: 400 },
    )
    expect(seen).toEqual(new Set(["preview", "unlocked", "assigned", "nothing"]))
  })

  it("stageOf follows the table: open offers see the preview, held ones the details, the assigned provider the contact", () => {
    const expected = (
      offerState: OfferState,
      requestState: ServiceRequest["state"],
      assignedTo: "this" | "other" | "none",
      sameRequest: boolean,
    ): DisclosureStage | undefined => {
      if (!sameRequest) return undefined
      if (requestState === "assigned") {
        return assignedTo === "this" && offerState === "accepted" ? "assigned" : undefined
      }
      if (requestState !== "dispatching") return undefined
      const byOffer: { readonly [S in OfferState]: DisclosureStage | undefined } = {
        offered: "preview",
        previewed: "preview",
        unlocked: "unlocked",
        times_proposed: "unlocked",
        accepted: "unlocked",
        declined: undefined,
        expired: undefined,
      }
      return byOffer[offerState]
    }
    fc.assert(
      fc.property(
        arbServiceRequest(),
        arbOfferState,
        fc.constantFrom("this" as const, "other" as const, "none" as const),
        fc.boolean(),
        arbPartyId,
        arbPartyId,
        arbOfferId,
        (request, offerState, assignedTo, sameRequest, providerId, otherId, offerId) => {
          fc.pre(providerId !== otherId)
          const { assignedProviderId: _, ...rest } = request
          const situated: ServiceRequest =
            assignedTo === "none"
              ? rest
              : { ...rest, assignedProviderId: assignedTo === "this" ? providerId : otherId }
          const offer: Offer = {
            id: offerId,
            requestId: sameRequest ? request.id : (`req_${"0".repeat(20)}` as RequestId),
            providerId,
            state: offerState,
            offeredAt: request.createdAt,
            expiresAt: request.createdAt,
            updatedAt: request.createdAt,
          }
          fc.pre(sameRequest === (offer.requestId === request.id))
          expect(stageOf(offer, situated)).toBe(
            expected(offerState, request.state, assignedTo, sameRequest),
          )
        },
      ),
      { numRuns: 500 },
    )
  })

  it("the preview keeps to category, area, urgency, availability, mode and price", () => {
    fc.assert(
      fc.property(arbServiceRequest(), arbParty({ kind: "customer" }), (request, customer) => {
        const view = discloseLead(request, customer, "preview", 4)
        const allowed = [
          "stage",
          "requestId",
          "category",
          "area",
          "urgency",
          "availability",
          "mode",
          "priceCredits",
          "estimatedMinutes",
          "totalAmountMinor",
        ]
        for (const key of Object.keys(view)) expect(allowed).toContain(key)
        expect(view).toMatchObject({ category: request.category, priceCredits: 4 })
      }),
    )
  })
})
