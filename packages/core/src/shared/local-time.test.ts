import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { showDateTime, showDay } from "./local-time.ts"
import { arbFixedZone, arbInstant, localClockByHand } from "./testing/shared.arbitraries.ts"

describe("local time for people", () => {
  it("showDateTime is the zone's calendar and clock, not UTC", () => {
    fc.assert(
      fc.property(arbInstant, arbFixedZone, (at, { zone, offsetMinutes }) => {
        const text = showDateTime(at, zone)
        expect(text).toBe(localClockByHand(at, offsetMinutes).dateTime)
        expect(text).not.toBe(localClockByHand(at, 0).dateTime)
        expect(text).not.toMatch(/UTC|Z$|T\d\d:/)
      }),
    )
  })

  it("showDay is the zone's calendar day", () => {
    fc.assert(
      fc.property(arbInstant, arbFixedZone, (at, { zone, offsetMinutes }) => {
        expect(showDay(at, zone)).toBe(localClockByHand(at, offsetMinutes).day)
      }),
    )
  })

  it("just before midnight UTC is already the next day in Johannesburg", () => {
    const at = Date.UTC(2025, 3, 30, 22, 5)
    expect(showDateTime(at, "Africa/Johannesburg")).toBe("1 May 2025, 00:05")
    expect(showDay(at, "Africa/Johannesburg")).toBe("1 May 2025")
    expect(showDateTime(at, "UTC")).toBe("30 April 2025, 22:05")
  })
})
