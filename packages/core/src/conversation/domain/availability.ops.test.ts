import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import { wallClock } from "../../wallet/domain/wallet.ops.ts"
import { parseAvailability, parseWindow } from "./availability.ops.ts"

const zones = fc.constantFrom("Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "UTC")
// 2026 to 2030: any moment, so "today" falls on every weekday and at every hour.
const moments = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => ms as Instant)
const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const
const pad = (n: number) => String(n).padStart(2, "0")

/** The local day number and minute of the day of an instant, on the zone's clocks. */
const local = (at: number, zone: string) => {
  const wall = wallClock(at, zone)
  return { day: Math.floor(wall / DAY_MS), minute: (wall % DAY_MS) / 60_000 }
}

describe("parseWindow", () => {
  it("reads '[day] hh:mm-hh:mm' as that time on that day, on the zone's clocks", () => {
    fc.assert(
      fc.property(
        moments,
        zones,
        fc.constantFrom<string | undefined>(undefined, "today", "tomorrow", ...days),
        fc.integer({ min: 0, max: 23 * 60 + 59 }),
        fc.integer({ min: 1, max: 600 }),
        (now, zone, day, startMinute, length) => {
          const endMinute = Math.min(startMinute + length, 24 * 60)
          const time = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`
          const text = `${day === undefined ? "" : `${day} `}${time(startMinute)}-${time(endMinute)}`
          const parsed = parseWindow(text, now, zone)
          const today = local(now, zone)
          const weekday = new Date(wallClock(now, zone)).getUTCDay()
          const offset =
            day === undefined || day === "today"
              ? 0
              : day === "tomorrow"
                ? 1
                : (days.indexOf(day as (typeof days)[number]) - weekday + 7) % 7
          const midnight = (today.day + offset) * DAY_MS
          const endsAt = midnight + endMinute * 60_000
          // The window has passed exactly when its end, on the zone's clocks, is not after now.
          if (endsAt <= wallClock(now, zone)) {
            expect(parsed._tag).toBe("Failure")
            return
          }
          expect(parsed._tag).toBe("Success")
          if (parsed._tag !== "Success") return
          const start = local(parsed.success.start, zone)
          expect(start).toEqual({ day: today.day + offset, minute: startMinute })
          expect(parsed.success.end - parsed.success.start).toBe((endMinute - startMinute) * 60_000)
          expect(parsed.success.end).toBeGreaterThan(now)
        },
      ),
    )
  })

  it("reads am/pm like the 24-hour clock, and lets '2-5pm' mean 14:00-17:00", () => {
    fc.assert(
      fc.property(moments, zones, fc.integer({ min: 1, max: 11 }), (now, zone, hour) => {
        const later = (now + 2 * DAY_MS) as Instant
        const twelve = parseWindow(`sat ${hour}am-${hour}pm`, later, zone)
        const twentyFour = parseWindow(`sat ${pad(hour)}:00-${hour + 12}:00`, later, zone)
        expect(twelve).toEqual(twentyFour)
        if (hour < 11) {
          expect(parseWindow(`sat ${hour}-${hour + 1}pm`, later, zone)).toEqual(
            parseWindow(`sat ${hour + 12}-${hour + 13}`, later, zone),
          )
        }
      }),
    )
  })

  it("refuses an end before the start, impossible clock times and unknown days, with a reason", () => {
    const now = Date.UTC(2026, 2, 2, 6) as Instant
    for (const text of [
      "tomorrow 12-9",
      "tomorrow 25-26",
      "tomorrow 9:75-10",
      "someday 9-12",
      "13pm-14pm",
      "9",
    ]) {
      const parsed = parseWindow(text, now, "Africa/Johannesburg")
      expect(parsed._tag).toBe("Failure")
      if (parsed._tag === "Failure") expect(parsed.failure.length).toBeGreaterThan(10)
    }
  })

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), moments, zones, (text, now, zone) => {
        const parsed = parseAvailability(text, now, zone)
        if (parsed._tag === "Failure") expect(parsed.failure.length).toBeGreaterThan(0)
        else if (parsed.success !== "now") {
          for (const w of parsed.success) expect(w.end).toBeGreaterThan(Math.max(w.start, now - 1))
        }
      }),
    )
  })
})

describe("parseAvailability", () => {
  it("takes 'now' or up to five windows separated by commas", () => {
    const now = Date.UTC(2026, 2, 2, 6) as Instant
    const asap = parseAvailability(" Now ", now, "UTC")
    expect(asap._tag === "Success" && asap.success).toBe("now")
    const two = parseAvailability("tomorrow 9-12, wed 14-16", now, "UTC")
    expect(two._tag === "Success" && two.success !== "now" ? two.success.length : 0).toBe(2)
    expect(
      parseAvailability("1-2,3-4,5-6,7-8,9-10,11-12", (now + DAY_MS) as Instant, "UTC")._tag,
    ).toBe("Failure")
  })
})
