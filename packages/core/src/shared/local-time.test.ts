import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { showDateTime, showDay, showWindow } from "./local-time.ts"
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

  it("showWindow names the end's day exactly when the window ends on another day of the zone", () => {
    fc.assert(
      fc.property(
        arbInstant,
        fc.integer({ min: 60_000, max: 5 * 24 * 3_600_000 }),
        arbFixedZone,
        (start, length, { zone }) => {
          const window = { start, end: start + length }
          const text = showWindow(window, zone)
          const endClock = showDateTime(window.end, zone).split(", ").at(-1)!
          const startClock = showDateTime(window.start, zone).split(", ").at(-1)!
          const endDay = new Intl.DateTimeFormat("en-GB", {
            timeZone: zone,
            weekday: "short",
            day: "numeric",
            month: "short",
          }).format(window.end)
          if (showDay(window.start, zone) === showDay(window.end, zone)) {
            expect(text).toMatch(new RegExp(` ${startClock}-${endClock}$`))
          } else {
            expect(text).toMatch(new RegExp(` ${startClock} - ${endDay} ${endClock}$`))
          }
        },
      ),
    )
    // The QA case: 25 Nov 11:00 to 28 Nov 12:00 in Johannesburg (UTC+2).
    const qa = { start: Date.UTC(2026, 10, 25, 9), end: Date.UTC(2026, 10, 28, 10) }
    expect(showWindow(qa, "Africa/Johannesburg")).toBe("Wed 25 Nov 11:00 - Sat 28 Nov 12:00")
  })
})
