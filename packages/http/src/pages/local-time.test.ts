import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatWindow, parseLocalDateTime, toLocalDateTime } from "./local-time.ts"

const zones = ["Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "UTC", "Europe/London"]
const arbMinute = fc
  .integer({ min: 946_684_800_000 / 60_000, max: 4_102_444_800_000 / 60_000 })
  .map((m) => m * 60_000)

describe("local date-times in the marketplace's zone", () => {
  it("an instant shown as a datetime-local value parses back to itself (whole minutes)", () => {
    fc.assert(
      fc.property(arbMinute, fc.constantFrom(...zones), (at, zone) => {
        const local = toLocalDateTime(at, zone)
        const back = parseLocalDateTime(local, zone)
        // Only an hour repeated when clocks go back can map to the other of its two instants.
        if (back !== at) expect(Math.abs((back ?? 0) - at)).toBe(3_600_000)
        expect(toLocalDateTime(back ?? 0, zone)).toBe(local)
      }),
    )
  })

  it("Johannesburg is UTC+2 all year", () => {
    expect(parseLocalDateTime("2026-11-23T09:30", "Africa/Johannesburg")).toBe(
      Date.UTC(2026, 10, 23, 7, 30),
    )
    expect(parseLocalDateTime("2026-06-01T00:00", "Africa/Johannesburg")).toBe(
      Date.UTC(2026, 4, 31, 22, 0),
    )
  })

  it("refuses anything that is not a real YYYY-MM-DDTHH:MM", () => {
    for (const bad of [
      "",
      "tomorrow",
      "2026-02-30T10:00",
      "2026-11-23T24:00",
      "2026-11-23 10:00",
      "2026-11-23T10:00Z",
    ]) {
      expect(parseLocalDateTime(bad, "UTC"), bad).toBeUndefined()
    }
  })

  it("windows read as start – end, with the end's date only when it differs", () => {
    const start = Date.UTC(2026, 10, 23, 7, 30)
    expect(formatWindow({ start, end: start + 90 * 60_000 }, "Africa/Johannesburg")).toBe(
      "Mon, 23 Nov 2026, 09:30 – 11:00",
    )
    expect(formatWindow({ start, end: start + 24 * 3_600_000 }, "Africa/Johannesburg")).toBe(
      "Mon, 23 Nov 2026, 09:30 – Tue, 24 Nov 2026, 09:30",
    )
  })
})
