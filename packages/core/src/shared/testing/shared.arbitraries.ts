import * as fc from "fast-check"
import type { Actor } from "../actor.ts"
import type { ApplicationId, AuditId, EventId, MessageId, PartyId } from "../ids.ts"
import type { Email, Phone } from "../phone.ts"
import type { Instant } from "../time.ts"

const digit = fc.constantFrom(..."0123456789")
const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

/** E.164: "+", a non-zero digit, then 7 to 14 more digits. */
export const arbPhone: fc.Arbitrary<Phone> = fc
  .tuple(fc.constantFrom(..."123456789"), fc.array(digit, { minLength: 7, maxLength: 14 }))
  .map(([first, rest]) => `+${first}${rest.join("")}` as Phone)

export const arbEmail: fc.Arbitrary<Email> = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/),
    fc.stringMatching(/^[a-z0-9]{1,12}$/),
    fc.constantFrom("com", "co.za", "ng", "org"),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}` as Email)

const arbIdOf = <A extends string>(prefix: string): fc.Arbitrary<A> =>
  fc
    .array(idChar, { minLength: 20, maxLength: 20 })
    .map((body) => `${prefix}_${body.join("")}` as A)

export const arbPartyId: fc.Arbitrary<PartyId> = arbIdOf("pty")
export const arbApplicationId: fc.Arbitrary<ApplicationId> = arbIdOf("app")
export const arbMessageId: fc.Arbitrary<MessageId> = arbIdOf("msg")
export const arbAuditId: fc.Arbitrary<AuditId> = arbIdOf("aud")
export const arbEventId: fc.Arbitrary<EventId> = arbIdOf("evt")

/** 2000-01-01 to 2100-01-01: any instant a marketplace will meet. */
export const arbInstant: fc.Arbitrary<Instant> = fc
  .integer({ min: 946_684_800_000, max: 4_102_444_800_000 })
  .map((ms) => ms as Instant)

/**
 * Marketplace time zones whose offset from UTC never changed from 2000 to 2100 (no summer
 * time), with that offset in minutes: a test can work out the local clock on its own,
 * without Intl, and tell local time from UTC (every offset here is not zero).
 */
export const arbFixedZone: fc.Arbitrary<{ readonly zone: string; readonly offsetMinutes: number }> =
  fc.constantFrom(
    { zone: "Africa/Johannesburg", offsetMinutes: 120 },
    { zone: "Africa/Lagos", offsetMinutes: 60 },
    { zone: "Africa/Nairobi", offsetMinutes: 180 },
    { zone: "Asia/Kolkata", offsetMinutes: 330 },
  )

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
]

/**
 * The wall clock of a zone `offsetMinutes` ahead of UTC at `at`, worked out by hand (the
 * UTC fields of the shifted instant), as `showDay` and `showDateTime` should print it.
 */
export const localClockByHand = (at: number, offsetMinutes: number) => {
  const d = new Date(at + offsetMinutes * 60_000)
  const day = `${d.getUTCDate()} ${monthNames[d.getUTCMonth()]} ${d.getUTCFullYear()}`
  const pad = (n: number) => String(n).padStart(2, "0")
  return { day, dateTime: `${day}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` }
}

/** Printable text without control characters (Postgres text refuses NUL). */
export const arbText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ minLength: 1, maxLength })

export const arbOperatorName: fc.Arbitrary<string> = fc.constantFrom(
  "thandi",
  "sipho",
  "amara",
  "ops-bot",
  "Nomvula Dlamini",
)

export const arbActor: fc.Arbitrary<Actor> = fc.oneof(
  arbOperatorName.map((name): Actor => ({ _tag: "operator", name })),
  arbPartyId.map((partyId): Actor => ({ _tag: "party", partyId })),
  fc
    .constantFrom("outbox-worker", "webhook")
    .map((process): Actor => ({ _tag: "system", process })),
)
