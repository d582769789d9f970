import { DateTime, Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import { arbFeeBps, arbGrossMinor, arbTimeZone, timeZones } from "../testing/wallet.arbitraries.ts"
import {
  budgetWeek,
  checkBudget,
  formatCredits,
  formatMoney,
  isKnownTimeZone,
  splitConsultationFee,
} from "./wallet.ops.ts"

const HOUR_MS = 3_600_000

describe("the consultation fee split", () => {
  it("fee + net = gross, 0 <= fee <= gross, and the fee is gross x bps / 10 000 rounded down", () => {
    fc.assert(
      fc.property(arbGrossMinor, arbFeeBps, (gross, bps) => {
        const split = splitConsultationFee(gross, bps)
        expect(Result.isSuccess(split)).toBe(true)
        if (Result.isFailure(split)) return
        const { feeMinor: fee, netMinor: net } = split.success
        expect(fee + net).toBe(gross)
        expect(fee >= 0n && fee <= gross).toBe(true)
        expect(net >= 0n).toBe(true)
        // floor: fee x 10 000 <= gross x bps < (fee + 1) x 10 000
        expect(fee * 10_000n <= gross * BigInt(bps)).toBe(true)
        expect(gross * BigInt(bps) < (fee + 1n) * 10_000n).toBe(true)
      }),
      { numRuns: 1_000 },
    )
  })

  it("a higher fee never leaves the provider more", () => {
    fc.assert(
      fc.property(arbGrossMinor, arbFeeBps, arbFeeBps, (gross, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a]
        const netLow = Result.getOrThrow(splitConsultationFee(gross, low)).netMinor
        const netHigh = Result.getOrThrow(splitConsultationFee(gross, high)).netMinor
        expect(netHigh <= netLow).toBe(true)
      }),
    )
  })

  it("no fee leaves everything to the provider; a 100% fee leaves nothing", () => {
    fc.assert(
      fc.property(arbGrossMinor, (gross) => {
        expect(Result.getOrThrow(splitConsultationFee(gross, 0))).toEqual({
          feeMinor: 0n,
          netMinor: gross,
        })
        expect(Result.getOrThrow(splitConsultationFee(gross, 10_000))).toEqual({
          feeMinor: gross,
          netMinor: 0n,
        })
      }),
    )
    // 15% of R 3.33 is 49.95 cents: the platform gets 49, the provider 284.
    expect(Result.getOrThrow(splitConsultationFee(333n, 1_500))).toEqual({
      feeMinor: 49n,
      netMinor: 284n,
    })
  })

  it("refuses a negative gross and basis points outside [0, 10 000] or fractional", () => {
    expect(Result.isFailure(splitConsultationFee(-1n, 100))).toBe(true)
    for (const bps of [-1, 10_001, 1.5, Number.NaN]) {
      expect(Result.isFailure(splitConsultationFee(100n, bps))).toBe(true)
    }
  })
})

/** The local date, weekday and time at an instant in a zone, as Intl shows them. */
const local = (at: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    weekday: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ""
  return {
    weekday: get("weekday"),
    date: `${get("year")}-${get("month")}-${get("day")}`,
    time: `${get("hour")}:${get("minute")}:${get("second")}`,
  }
}

/** Instants near the zones' daylight-saving changes, where week arithmetic goes wrong. */
const arbNearTransition: fc.Arbitrary<Instant> = fc
  .tuple(
    fc.constantFrom(
      Date.UTC(2025, 2, 30, 1), // Europe/London springs forward
      Date.UTC(2025, 9, 26, 1), // and falls back
      Date.UTC(2024, 8, 8, 4), // America/Santiago springs forward at midnight
      Date.UTC(2024, 3, 7, 3), // and falls back at midnight
      Date.UTC(2025, 2, 30, 22), // Asia/Beirut at midnight
      Date.UTC(2011, 11, 30, 10), // Pacific/Apia skips a whole day
      Date.UTC(2025, 3, 5, 15), // Australia/Lord_Howe: half an hour
      Date.UTC(1997, 9, 6, 3), // America/Sao_Paulo skips Monday 00:00-01:00
      Date.UTC(2002, 9, 6, 21), // Asia/Jerusalem has Monday 00:00 twice
    ),
    fc.integer({ min: -8 * DAY_MS, max: 8 * DAY_MS }),
  )
  .map(([at, shift]) => (at + shift) as Instant)

describe("the budget week", () => {
  it("contains now, and runs from the first instant of a Monday to the first of the next", () => {
    fc.assert(
      fc.property(fc.oneof(arbInstant, arbNearTransition), arbTimeZone, (now, zone) => {
        const week = budgetWeek(now, zone)
        expect(week.start <= now && now < week.end).toBe(true)
        for (const edge of [week.start, week.end]) {
          expect(local(edge, zone).weekday).toBe("Mon")
          // The instant before is still Sunday (or, where a day was skipped, earlier).
          expect(local(edge - 1, zone).weekday).not.toBe("Mon")
        }
        // Seven days, give or take a daylight-saving change (or Apia's skipped day).
        const length = week.end - week.start
        expect(length).toBeGreaterThanOrEqual(6 * DAY_MS)
        expect(length).toBeLessThanOrEqual(7 * DAY_MS + 2 * HOUR_MS)
        // Every instant of the week is in that week: the boundaries are consistent.
        expect(budgetWeek(week.start, zone)).toEqual(week)
        expect(budgetWeek((week.end - 1) as Instant, zone)).toEqual(week)
        expect(budgetWeek(week.end, zone).start).toBe(week.end)
      }),
      { numRuns: 1_000 },
    )
  })

  it("starts at local midnight wherever midnight exists, as Effect's DateTime also says", () => {
    fc.assert(
      fc.property(fc.oneof(arbInstant, arbNearTransition), arbTimeZone, (now, zone) => {
        const week = budgetWeek(now, zone)
        const zoned = DateTime.makeZonedUnsafe(now, { timeZone: zone })
        const effectStart = DateTime.toEpochMillis(
          DateTime.startOf(zoned, "week", { weekStartsOn: 1 }),
        )
        expect(week.start).toBe(effectStart)
      }),
      { numRuns: 300 },
    )
  })

  it("is exactly 7 x 24 hours in a zone without daylight saving", () => {
    fc.assert(
      fc.property(
        arbInstant,
        fc.constantFrom("Africa/Johannesburg", "Africa/Lagos", "UTC"),
        (now, zone) => {
          const week = budgetWeek(now, zone)
          expect(week.end - week.start).toBe(7 * DAY_MS)
          expect(local(week.start, zone).time).toBe("00:00:00")
        },
      ),
    )
  })

  it("is an hour shorter when clocks spring forward and longer when they fall back", () => {
    const spring = budgetWeek(Date.UTC(2025, 2, 27, 12) as Instant, "Europe/London")
    expect(spring).toEqual({ start: Date.UTC(2025, 2, 24), end: Date.UTC(2025, 2, 30, 23) })
    const autumn = budgetWeek(Date.UTC(2025, 9, 22, 12) as Instant, "Europe/London")
    expect(autumn).toEqual({ start: Date.UTC(2025, 9, 19, 23), end: Date.UTC(2025, 9, 27) })
    // Johannesburg (UTC+2): Monday 00:00 SAST is Sunday 22:00 UTC.
    const sast = budgetWeek(Date.UTC(2025, 10, 22, 10) as Instant, "Africa/Johannesburg")
    expect(sast).toEqual({ start: Date.UTC(2025, 10, 16, 22), end: Date.UTC(2025, 10, 23, 22) })
  })

  it("a Monday whose midnight is skipped starts when the clocks jump; one that happens twice, the first time", () => {
    // Sao Paulo, 1997-10-06: clocks went from Sunday 23:59:59 (-03) to Monday 01:00 (-02).
    const skipped = budgetWeek(Date.UTC(1997, 9, 8) as Instant, "America/Sao_Paulo")
    expect(skipped.start).toBe(Date.UTC(1997, 9, 6, 3))
    expect(local(skipped.start, "America/Sao_Paulo").time).toBe("01:00:00")
    expect(budgetWeek(Date.UTC(1997, 9, 5) as Instant, "America/Sao_Paulo").end).toBe(skipped.start)
    // Jerusalem, 2002-10-07: 01:00 (+03) went back to 00:00 (+02), so Monday 00:00 came twice.
    const repeated = budgetWeek(Date.UTC(2002, 9, 8) as Instant, "Asia/Jerusalem")
    expect(repeated.start).toBe(Date.UTC(2002, 9, 6, 21))
    // Damascus, 2002-04-01 and Casablanca, 2009-06-01: the same skip, other offsets.
    expect(budgetWeek(Date.UTC(2002, 3, 3) as Instant, "Asia/Damascus").start).toBe(
      Date.UTC(2002, 2, 31, 22),
    )
    expect(budgetWeek(Date.UTC(2009, 5, 3) as Instant, "Africa/Casablanca").start).toBe(
      Date.UTC(2009, 5, 1),
    )
  })

  it("every zone it is tested with is known; a made-up zone is not", () => {
    for (const zone of timeZones) expect(isKnownTimeZone(zone)).toBe(true)
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false)
  })
})

describe("the weekly budget check", () => {
  const week = { start: 0 as Instant, end: (7 * DAY_MS) as Instant }

  it("allows spending up to the budget exactly, refuses a credit more, and no budget no limit", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
        fc.nat(10_000),
        fc.integer({ min: 1, max: 10_000 }),
        (budget, spent, requested) => {
          const outcome = checkBudget(budget, spent, requested, week)
          if (budget === undefined || spent + requested <= budget) {
            expect(Result.isSuccess(outcome)).toBe(true)
          } else {
            expect(Result.isFailure(outcome)).toBe(true)
            if (Result.isFailure(outcome)) {
              expect(outcome.failure).toMatchObject({
                _tag: "WeeklyBudgetExceeded",
                budget,
                spent,
                requested,
                resetsAt: week.end,
              })
            }
          }
        },
      ),
    )
    expect(Result.isSuccess(checkBudget(10, 7, 3, week))).toBe(true)
    expect(Result.isFailure(checkBudget(10, 7, 4, week))).toBe(true)
  })
})

describe("money and credits as people read them", () => {
  it("formats minor units with two decimals and thousands separators, exactly", () => {
    expect(formatMoney(0n, "ZAR")).toBe("ZAR 0.00")
    expect(formatMoney(5n, "ZAR")).toBe("ZAR 0.05")
    expect(formatMoney(123_450n, "NGN")).toBe("NGN 1,234.50")
    expect(formatMoney(-99n, "USD")).toBe("-USD 0.99")
    expect(formatMoney(900_719_925_474_099_301n, "ZAR")).toBe("ZAR 9,007,199,254,740,993.01")
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (minor) => {
        const text = formatMoney(minor, "KES")
        expect(BigInt(text.slice(4).replace(/[,.]/g, ""))).toBe(minor)
      }),
    )
  })

  it("counts credits in the singular and the plural", () => {
    expect(formatCredits(1)).toBe("1 credit")
    expect(formatCredits(1n)).toBe("1 credit")
    expect(formatCredits(0)).toBe("0 credits")
    expect(formatCredits(12n)).toBe("12 credits")
  })
})
