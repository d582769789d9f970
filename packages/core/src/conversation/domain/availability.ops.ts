import { Result } from "effect"
import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import { firstInstantShowing, wallClock } from "../../wallet/domain/wallet.ops.ts"

/**
 * Reads the times people type in a chat: "now", or windows such as "tomorrow 9-12",
 * "today 14:30-16:00", "sat 9am-1pm", "2-5pm", several separated by commas. Times are
 * on the clocks of the marketplace's time zone; a day left out means today.
 */

const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const

/** Full names and common short forms, each to its weekday number (Sunday 0). */
const dayWords: Readonly<Record<string, number>> = Object.fromEntries(
  weekdays.flatMap((short, n) => {
    const full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][n]!
    return [
      [short, n],
      [full, n],
      [full.slice(0, 4), n],
    ]
  }),
)

export const windowExample = "tomorrow 9-12"
export const availabilityHint = `Type "now", or when you are free, like "${windowExample}" or "sat 9am-1pm".`

interface ClockTime {
  readonly hour: number
  readonly minute: number
  readonly suffix: "am" | "pm" | undefined
}

const timePattern = /^(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm)?$/u

const readTime = (text: string): ClockTime | undefined => {
  const match = timePattern.exec(text.trim())
  if (match === null) return undefined
  const suffix = match[3] as "am" | "pm" | undefined
  return { hour: Number(match[1]), minute: match[2] === undefined ? 0 : Number(match[2]), suffix }
}

/** Minutes after midnight, or undefined for an impossible clock time ("25:00", "13pm"). */
const minutesOf = (time: ClockTime, suffix = time.suffix): number | undefined => {
  if (time.minute > 59) return undefined
  if (suffix === undefined) return time.hour <= 24 ? time.hour * 60 + time.minute : undefined
  if (time.hour < 1 || time.hour > 12) return undefined
  return ((time.hour % 12) + (suffix === "pm" ? 12 : 0)) * 60 + time.minute
}

/** How many days after today the words name: today 0, tomorrow 1, a weekday its next date. */
const dayOffset = (word: string | undefined, todayWeekday: number): number | undefined => {
  if (word === undefined || word === "today") return 0
  if (word === "tomorrow" || word === "tmrw" || word === "tmr") return 1
  const weekday = dayWords[word]
  return weekday === undefined ? undefined : (weekday - todayWeekday + 7) % 7
}

/** One window: "[day] start-end", on the zone's clocks, ending after `now`. */
export const parseWindow = (
  text: string,
  now: Instant,
  timeZone: string,
): Result.Result<TimeWindow, string> => {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/\s+/gu, " ")
    .replace(/\bfrom /u, "")
  const match = /^(?:([a-z]+) )?(.+?) ?(?:-|–|to|until) ?(.+)$/u.exec(cleaned)
  if (match === null) {
    return Result.fail(`I could not read "${text.trim()}" as a time. ${availabilityHint}`)
  }
  const wall = wallClock(now, timeZone)
  const todayWeekday = new Date(wall).getUTCDay()
  const days = dayOffset(match[1], todayWeekday)
  if (days === undefined) {
    return Result.fail(`"${match[1]}" is not a day I know: use today, tomorrow or a weekday.`)
  }
  const from = readTime(match[2]!)
  const to = readTime(match[3]!)
  if (from === undefined || to === undefined) {
    return Result.fail(`I could not read "${text.trim()}" as a time. ${availabilityHint}`)
  }
  const end = minutesOf(to)
  // "2-5pm" means 14:00-17:00, but "9-12pm" means 09:00-12:00: the start borrows the end's
  // am/pm only when that keeps it before the end.
  const borrowed =
    from.suffix === undefined && to.suffix !== undefined ? minutesOf(from, to.suffix) : undefined
  const start =
    borrowed !== undefined && end !== undefined && borrowed < end ? borrowed : minutesOf(from)
  if (start === undefined || end === undefined || start >= 24 * 60) {
    return Result.fail(`"${text.trim()}" has a time that does not exist on a clock.`)
  }
  if (end <= start) return Result.fail("The end of the time must come after its start.")
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS + days * DAY_MS
  const window = {
    start: firstInstantShowing(midnight + start * 60_000, timeZone) as Instant,
    end: firstInstantShowing(midnight + end * 60_000, timeZone) as Instant,
  }
  if (window.end <= now) return Result.fail("That time has already passed: give a later one.")
  return Result.succeed(window)
}

export type AvailabilityAnswer = "now" | ReadonlyArray<TimeWindow>

/** "now", or one or more windows separated by commas or semicolons (at most 5). */
export const parseAvailability = (
  text: string,
  now: Instant,
  timeZone: string,
): Result.Result<AvailabilityAnswer, string> => {
  const cleaned = text.trim().toLowerCase()
  if (cleaned === "now" || cleaned === "asap" || cleaned === "right now")
    return Result.succeed("now")
  const parts = cleaned
    .split(/[,;]/u)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
  if (parts.length === 0) return Result.fail(availabilityHint)
  if (parts.length > 5) return Result.fail("Give at most 5 times.")
  const windows: Array<TimeWindow> = []
  for (const part of parts) {
    const parsed = parseWindow(part, now, timeZone)
    if (parsed._tag === "Failure") return Result.fail(parsed.failure)
    windows.push(parsed.success)
  }
  return Result.succeed(windows)
}

/** How a window is shown back to people: one formatter for every message (see there). */
export { showWindow } from "../../shared/local-time.ts"
