/**
 * Instants as people in the marketplace read them: on the clocks of the policy's time
 * zone, never UTC or ISO text (those are for logs, the API and ops). Pure: the zone's
 * rules come from Intl, not from the machine's zone or clock.
 */

/** "1 May 2025, 00:05" on the zone's calendar and clock: a deadline, a date to come back. */
export const showDateTime = (at: number, timeZone: string): string => {
  const date = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(at)
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at)
  return `${date}, ${time}`
}

/** "2 March 2026" on the zone's calendar: the day something happened, in a list. */
export const showDay = (at: number, timeZone: string): string =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(at)

const dayOf = (at: number, timeZone: string): string =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
  }).format(at)

const clockOf = (at: number, timeZone: string): string =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at)

const sameLocalDay = (a: number, b: number, timeZone: string): boolean =>
  showDay(a, timeZone) === showDay(b, timeZone)

/**
 * A time window as the chat and messages show it: "Tue 3 Mar 09:00-12:00", and with the end's
 * day when it ends on another one: "Wed 25 Nov 11:00 - Sat 28 Nov 12:00". Every message that
 * shows a proposed, agreed or available time uses this, so nobody is told a shorter booking.
 */
export const showWindow = (
  window: { readonly start: number; readonly end: number },
  timeZone: string,
): string => {
  const start = `${dayOf(window.start, timeZone)} ${clockOf(window.start, timeZone)}`
  return sameLocalDay(window.start, window.end, timeZone)
    ? `${start}-${clockOf(window.end, timeZone)}`
    : `${start} - ${dayOf(window.end, timeZone)} ${clockOf(window.end, timeZone)}`
}

/** The start alone, "Wed 25 Nov 11:00": where a whole window does not fit (a list row title). */
export const showWindowStart = (window: { readonly start: number }, timeZone: string): string =>
  `${dayOf(window.start, timeZone)} ${clockOf(window.start, timeZone)}`
