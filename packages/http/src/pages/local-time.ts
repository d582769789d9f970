/**
 * Times on the pages are the marketplace's local time (the policy's time zone), the way
 * people read and type them; `<input type="datetime-local">` sends "YYYY-MM-DDTHH:MM"
 * with no zone, so the zone is applied here.
 */

const partsIn = (at: number, zone: string) => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  }
}

/** How far `zone` is ahead of UTC at the instant `at`, in milliseconds. */
const offsetAt = (at: number, zone: string): number => {
  const p = partsIn(at, zone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(at / 1000) * 1000
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/**
 * "2026-11-23T09:30" in `zone` -> epoch milliseconds, or undefined when it is not such a
 * value (or names a day or time that does not exist). In a gap (clocks going forward)
 * the time maps to the instant after it; in an overlap, to the earlier of the two.
 */
export const parseLocalDateTime = (value: string, zone: string): number | undefined => {
  const m = LOCAL.exec(value.trim())
  if (m === null) return undefined
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  const naive = Date.UTC(year, month - 1, day, hour, minute)
  const check = new Date(naive)
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59
  ) {
    return undefined
  }
  // Two rounds settle on the offset in force at the result (they differ only near a change).
  const first = naive - offsetAt(naive, zone)
  const second = naive - offsetAt(first, zone)
  return Math.min(first, second)
}

const pad = (n: number) => String(n).padStart(2, "0")

/** Epoch milliseconds -> the "YYYY-MM-DDTHH:MM" a datetime-local input shows, in `zone`. */
export const toLocalDateTime = (at: number, zone: string): string => {
  const p = partsIn(at, zone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`
}

/** For people: "Mon, 23 Nov 2026, 09:30" in `zone`. */
export const formatTime = (at: number, zone: string): string =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at)

/** A window as "Mon, 23 Nov 2026, 09:30 – 11:00" (the end's date only when it differs). */
export const formatWindow = (w: { readonly start: number; readonly end: number }, zone: string) => {
  const start = formatTime(w.start, zone)
  const end = formatTime(w.end, zone)
  const sameDay =
    toLocalDateTime(w.start, zone).slice(0, 10) === toLocalDateTime(w.end, zone).slice(0, 10)
  return `${start} – ${sameDay ? end.slice(end.lastIndexOf(" ") + 1) : end}`
}
