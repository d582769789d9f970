import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import { showWindow } from "./availability.ops.ts"
import {
  acceptedAlready,
  declinedAlready,
  homeownerPickRefusal,
  type PickFacts,
  proposeClosedReason,
  type Refusal,
} from "./repeats.ops.ts"

const states = [
  "offered",
  "previewed",
  "unlocked",
  "times_proposed",
  "accepted",
  "declined",
  "expired",
]
const commands = [
  "Preview",
  "Unlock",
  "Accept",
  "Decline",
  "ProposeTimes",
  "ChooseTime",
  "RejectTimes",
]
const providers = ["pty_a", "pty_b"]

/** Any refusal the offer use cases give, with the fields the chat reads. */
const arbRefusal: fc.Arbitrary<Refusal> = fc.oneof(
  fc
    .record({ from: fc.constantFrom(...states), command: fc.constantFrom(...commands) })
    .map((e) => ({ _tag: "OfferTransitionNotAllowed", message: "no", ...e })),
  fc.constantFrom(...providers).map((assignedProviderId) => ({
    _tag: "LeadAlreadyAssigned",
    message: "no",
    assignedProviderId,
  })),
  fc
    .constantFrom("OfferLapsed", "RequestNotDispatching", "InsufficientFunds", "NotOfferProvider")
    .map((_tag) => ({ _tag, message: "no" })),
)

describe("repeated taps", () => {
  it("Accept is done already only for the provider who has the job", () => {
    fc.assert(
      fc.property(arbRefusal, fc.constantFrom(...providers), (error, providerId) => {
        const mine =
          (error._tag === "OfferTransitionNotAllowed" &&
            error.command === "Accept" &&
            error.from === "accepted") ||
          (error._tag === "LeadAlreadyAssigned" && error.assignedProviderId === providerId)
        expect(acceptedAlready(error, providerId)).toBe(mine)
      }),
    )
  })

  it("Decline is done already only when the offer is declined", () => {
    fc.assert(
      fc.property(arbRefusal, (error) => {
        expect(declinedAlready(error)).toBe(
          error._tag === "OfferTransitionNotAllowed" &&
            error.command === "Decline" &&
            error.from === "declined",
        )
      }),
    )
  })
})

describe("homeownerPickRefusal", () => {
  const arbSlot = fc
    .integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })
    .map((start) => ({ start, end: start + 7_200_000 }) as TimeWindow)
  const arbFacts: fc.Arbitrary<PickFacts> = fc.record(
    {
      offer: fc.record(
        {
          state: fc.constantFrom(...states),
          providerId: fc.constantFrom(...providers),
          chosenSlot: arbSlot,
        },
        { requiredKeys: ["state", "providerId"] },
      ),
      request: fc.record(
        {
          state: fc.constantFrom("dispatching", "assigned", "cancelled", "unfulfilled"),
          assignedProviderId: fc.constantFrom(...providers),
        },
        { requiredKeys: ["state"] },
      ),
    },
    { requiredKeys: [] },
  )

  it("speaks to the homeowner, never in a provider's words; booked already names the time", () => {
    fc.assert(
      fc.property(arbRefusal, arbFacts, (error, facts) => {
        const text = homeownerPickRefusal(error, facts, "Africa/Johannesburg")
        expect(text).not.toMatch(/lead|taken this job|moved on/iu)
        const bookedHere =
          facts.offer !== undefined &&
          facts.request?.state === "assigned" &&
          facts.request.assignedProviderId === facts.offer.providerId
        expect(text.includes("already booked this provider")).toBe(bookedHere)
        if (bookedHere && facts.offer?.chosenSlot !== undefined) {
          expect(text).toContain(showWindow(facts.offer.chosenSlot, "Africa/Johannesburg"))
        }
      }),
    )
  })
})

describe("proposeClosedReason", () => {
  it("lets a propose-times flow go on only while its offer is unlocked, theirs, dispatching and held", () => {
    fc.assert(
      fc.property(
        fc.option(
          fc.record(
            {
              state: fc.constantFrom(...states),
              providerId: fc.constantFrom(...providers),
              expiryCause: fc.constantFrom("ttl", "hold", "slots_passed", "withdrawn"),
            },
            { requiredKeys: ["state", "providerId"] },
          ),
          { nil: undefined },
        ),
        fc.option(fc.constantFrom("dispatching", "assigned", "cancelled", "unfulfilled"), {
          nil: undefined,
        }),
        fc.boolean(),
        fc.constantFrom(...providers),
        (offer, requestState, lapsed, providerId) => {
          const reason = proposeClosedReason(
            {
              ...(offer === undefined ? {} : { offer }),
              ...(requestState === undefined ? {} : { requestState }),
              lapsed,
            },
            providerId,
          )
          const open =
            offer?.providerId === providerId &&
            offer.state === "unlocked" &&
            requestState === "dispatching" &&
            !lapsed
          expect(reason === undefined).toBe(open)
          if (reason !== undefined) expect(reason).toMatch(/stopped asking/u)
        },
      ),
    )
  })
})
