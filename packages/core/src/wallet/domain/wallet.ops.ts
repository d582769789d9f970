import { Result } from "effect"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import { WeeklyBudgetExceeded } from "./wallet.errors.ts"

// ---------------------------------------------------------------------------------------
// The platform fee on a virtual consultation

export interface FeeSplit {
  /** What the platform keeps: floor(gross x bps / 10 000). */
  readonly feeMinor: bigint
  /** What the provider earns: gross - fee. */
  readonly netMinor: bigint
}

/**
 * Splits what a homeowner paid between the platform and the provider. Rounding favours
 * the provider (the fee is rounded down), and fee + net is always exactly the gross.
 * Defined for gross >= 0 and a whole number of basis points in [0, 10 000].
 */
export const splitConsultationFee = (
  grossMinor: bigint,
  platformFeeBps: number,
): Result.Result<FeeSplit, RangeError> => {
  if (grossMinor < 0n) return Result.fail(new RangeError(`gross ${grossMinor} is negative`))
  if (!Number.isInteger(platformFeeBps) || platformFeeBps < 0 || platformFeeBps > 10_000) {
    return Result.fail(new RangeError(`platform fee ${platformFeeBps} bps is not in [0, 10000]`))
  }
  // bigint division truncates towards zero, which is floor for non-negative operands.
  const feeMinor = (grossMinor * BigInt(platformFeeBps)) / 10_000n
  return Result.succeed({ feeMinor, netMinor: grossMinor - feeMinor })
}

// ---------------------------------------------------------------------------------------
// The budget week: Monday 00:00 to the next Monday 00:00 in the policy's time zone

export interface BudgetWeek {
  /** The first instant of the week's Monday in the time zone. */
  readonly start: Instant
  /** The first instant of the next Monday: the week is [start, end). */
  readonly end: Instant
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** Intl reads the time-zone database; it is a pure lookup, not I/O. Throws on an unknown zone. */
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/**
 * The wall-clock time at `at` in the zone, as milliseconds since the epoch of a UTC clock
 * showing the same date and time. `wallClock(at) - at` is the zone's offset at `at`.
 */
export const wallClock = (at: number, timeZone: string): number => {
  const parts: Record<string, number> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value)
  }
  const millis = ((at % 1000) + 1000) % 1000
  return (
    Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) +
    millis
  )
}

const offsetAt = (at: number, timeZone: string): number => wallClock(at, timeZone) - at

/**
 * The first instant at which the zone's clocks show `wall` (a UTC-coded wall time) or
 * later. Usually the one instant showing exactly `wall`; when clocks fall back over it,
 * the earlier of the two; when they spring forward over it (the time never happens), the
 * instant of the jump.
 */
export const firstInstantShowing = (wall: number, timeZone: string): number => {
  // Offsets in force around `wall`: time zones change their offset at most once in a few days.
  const candidates = [-2 * DAY_MS, 0, 2 * DAY_MS].map(
    (shift) => wall - offsetAt(wall + shift, timeZone),
  )
  const exact = candidates.filter((t) => wallClock(t, timeZone) === wall)
  if (exact.length > 0) return Math.min(...exact)
  // A gap: before the jump clocks show less than `wall`, after it more. Find the jump.
  let before = Math.min(...candidates)
  let after = Math.max(...candidates)
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2)
    if (wallClock(middle, timeZone) >= wall) after = middle
    else before = middle
  }
  return after
}

/** The start of the Monday `weeks` weeks after the Monday of the local date `wall` falls on. */
const mondayStart = (wall: number, weeks: number, timeZone: string): number => {
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS
  const daysSinceMonday = (new Date(midnight).getUTCDay() + 6) % 7
  return firstInstantShowing(midnight + (7 * weeks - daysSinceMonday) * DAY_MS, timeZone)
}

/**
 * The budget week containing `now`: from Monday 00:00 to the next Monday 00:00 on the
 * clocks of `timeZone` (an IANA name such as "Africa/Johannesburg"). Weeks with a
 * daylight-saving change are an hour shorter or longer; a Monday whose midnight is
 * skipped starts when the clocks jump; one whose midnight happens twice, at the first.
 * An unknown zone throws: the policy is checked when it is loaded.
 */
export const budgetWeek = (now: Instant, timeZone: string): BudgetWeek => {
  const wall = wallClock(now, timeZone)
  let weeks = 0
  let start = mondayStart(wall, weeks, timeZone)
  let end = mondayStart(wall, weeks + 1, timeZone)
  // Where clocks fall back across midnight the local date can repeat; keep `now` inside.
  while (now >= end) {
    weeks++
    start = end
    end = mondayStart(wall, weeks + 1, timeZone)
  }
  while (now < start) {
    weeks--
    end = start
    start = mondayStart(wall, weeks, timeZone)
  }
  return { start: start as Instant, end: end as Instant }
}

/** Whether the zone is one Intl knows, so a policy can be checked before it is used. */
export { isKnownTimeZone } from "../../policy/policy.ts"

/**
 * The provider's own weekly limit: spending `requested` credits more is allowed when the
 * week's spending stays within the budget (reaching it exactly is fine). No budget, no
 * limit.
 */
export const checkBudget = (
  budget: number | undefined,
  spentThisWeek: number,
  requested: number,
  week: BudgetWeek,
): Result.Result<void, WeeklyBudgetExceeded> =>
  budget === undefined || spentThisWeek + requested <= budget
    ? Result.void
    : Result.fail(
        new WeeklyBudgetExceeded({ budget, spent: spentThisWeek, requested, resetsAt: week.end }),
      )

// ---------------------------------------------------------------------------------------
// Money as people read it

/**
 * "ZAR 1,234.50" from 123450n minor units: every policy currency has two decimals.
 * Exact for any size (bigint arithmetic, never a float).
 */
export const formatMoney = (minor: bigint, currency: string): string => {
  const sign = minor < 0n ? "-" : ""
  const magnitude = minor < 0n ? -minor : minor
  const whole = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  const cents = (magnitude % 100n).toString().padStart(2, "0")
  return `${sign}${currency} ${whole}.${cents}`
}

/** "1 credit", "12 credits". */
export const formatCredits = (credits: number | bigint): string =>
  `${credits} credit${credits === 1 || credits === 1n ? "" : "s"}`
