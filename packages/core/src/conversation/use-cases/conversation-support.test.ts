import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { SlotNotInFuture, SlotTooFarAhead } from "../../dispatch/domain/dispatch.errors.ts"
import {
  arbFixedZone,
  arbInstant,
  localClockByHand,
} from "../../shared/testing/shared.arbitraries.ts"
import { toIso } from "../../shared/time.ts"
import { ReapplyLockedOut } from "../../vetting/domain/vetting.errors.ts"
import { WeeklyBudgetExceeded } from "../../wallet/domain/wallet.errors.ts"
import { onTheClock, refusalReason } from "./conversation-support.ts"

/** A refusal that names one or two instants, with the instants it names. */
const arbTimedRefusal = fc.oneof(
  arbInstant.map((until) => ({
    error: new ReapplyLockedOut({ partyId: "pty_x", until }),
    instants: [until],
  })),
  fc
    .tuple(arbInstant, fc.nat(50), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }))
    .map(([resetsAt, spent, requested, budget]) => ({
      error: new WeeklyBudgetExceeded({ budget, spent, requested, resetsAt }),
      instants: [resetsAt],
    })),
  fc.tuple(fc.nat(2), arbInstant).map(([index, start]) => ({
    error: new SlotNotInFuture({ index, start }),
    instants: [start],
  })),
  fc.tuple(fc.nat(2), arbInstant, arbInstant).map(([index, end, latest]) => ({
    error: new SlotTooFarAhead({ index, end, latest }),
    instants: [end, latest],
  })),
)

describe("refusals in the chat name times on the marketplace's clock", () => {
  it("every instant a refusal names is the zone's local date and time, never UTC or ISO", () => {
    fc.assert(
      fc.property(arbTimedRefusal, arbFixedZone, ({ error, instants }, { zone, offsetMinutes }) => {
        for (const text of [onTheClock(error, zone), refusalReason(error, zone)]) {
          expect(text).toBeDefined()
          for (const at of instants) {
            expect(text).toContain(localClockByHand(at, offsetMinutes).dateTime)
            expect(text).not.toContain(localClockByHand(at, 0).dateTime)
            expect(text).not.toContain(toIso(at).slice(0, 16))
          }
          expect(text).not.toContain("UTC")
        }
      }),
    )
  })

  it("a lockout until late at night UTC is the next morning in Johannesburg", () => {
    const until = Date.UTC(2025, 3, 30, 22, 5)
    expect(
      refusalReason(new ReapplyLockedOut({ partyId: "pty_x", until }), "Africa/Johannesburg"),
    ).toBe("You may apply again from 1 May 2025, 00:05.")
  })

  it("other refusals keep their words", () => {
    expect(onTheClock({ _tag: "OfferLapsed", message: "x" }, "Africa/Johannesburg")).toBe(undefined)
    expect(refusalReason({ _tag: "OfferLapsed", message: "x" }, "Africa/Johannesburg")).toBe(
      "Sorry, that lead has expired.",
    )
  })
})
