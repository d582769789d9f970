import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { acceptedAlready, declinedAlready, type Refusal } from "./repeats.ops.ts"

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
  fc
    .constantFrom(...providers)
    .map((assignedProviderId) => ({
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
