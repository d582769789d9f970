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
