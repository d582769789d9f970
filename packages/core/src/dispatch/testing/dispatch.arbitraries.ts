import * as fc from "fast-check"
import type { OfferId, PartyId } from "../../shared/ids.ts"
import { arbText } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { ProviderStats } from "../domain/matching.ops.ts"
import type { OfferCommand } from "../domain/offer.transitions.ts"
import type { OfferState } from "../domain/offer.ts"
import type { ProviderAvailability, ProviderReach } from "../domain/provider-reach.ts"
import type { GeoPoint, TimeWindow } from "../domain/service-request.ts"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

export const arbOfferId: fc.Arbitrary<OfferId> = fc
  .array(idChar, { minLength: 20, maxLength: 20 })
  .map((body) => `ofr_${body.join("")}` as OfferId)

export const offerStateList: ReadonlyArray<OfferState> = [
  "offered",
  "previewed",
  "unlocked",
  "accepted",
  "declined",
  "times_proposed",
  "expired",
]
export const arbOfferState: fc.Arbitrary<OfferState> = fc.constantFrom(...offerStateList)

const window = (start: number, length: number): TimeWindow => ({
  start: start as Instant,
  end: (start + length) as Instant,
})

const minutes = fc.integer({ min: 30, max: 240 })

/**
 * Three valid proposed times after `after`: each 30 minutes to 4 hours long, in a shuffled
 * order, separated by gaps of zero (back to back) up to two days.
 */
export const arbProposedSlots = (after: Instant): fc.Arbitrary<ReadonlyArray<TimeWindow>> =>
  fc
    .record({
      lead: fc.integer({ min: 1, max: 2 * DAY }),
      lengths: fc.tuple(minutes, minutes, minutes),
      gaps: fc.tuple(fc.integer({ min: 0, max: 2 * DAY }), fc.integer({ min: 0, max: 2 * DAY })),
      order: fc.constantFrom([0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]),
    })
    .map(({ lead, lengths, gaps, order }) => {
      const first = window(after + lead, lengths[0] * MINUTE)
      const second = window(first.end + gaps[0], lengths[1] * MINUTE)
      const third = window(second.end + gaps[1], lengths[2] * MINUTE)
      const sorted = [first, second, third]
      return order.map((i) => sorted[i]!)
    })

/**
 * Any list of slots near `around`, mostly invalid: wrong counts, backwards, past,
 * repeated and overlapping slots all turn up.
 */
export const arbAnySlots = (around: Instant): fc.Arbitrary<ReadonlyArray<TimeWindow>> =>
  fc.oneof(
    arbProposedSlots(around),
    fc.array(
      fc
        .tuple(
          fc.integer({ min: -DAY, max: 3 * DAY }),
          fc.integer({ min: -2 * HOUR, max: 6 * HOUR }),
        )
        .map(([offset, length]) => window(around + offset, length)),
      { maxLength: 5 },
    ),
    // A valid set with one slot repeated: distinctness is what fails.
    arbProposedSlots(around).map((slots) => [slots[0]!, slots[1]!, slots[0]!]),
  )

/**
 * Any offer command, allowed or not. Proposed times are placed after `base`, so whether
 * they are still in the future depends on how far the sequence has moved the clock.
 */
export const arbOfferCommand = (base: Instant): fc.Arbitrary<OfferCommand> => {
  // Closing commands are drawn less often, so sequences get deep into the table.
  const often = (arbitrary: fc.Arbitrary<OfferCommand>) => ({ arbitrary, weight: 3 })
  const seldom = (arbitrary: fc.Arbitrary<OfferCommand>) => ({ arbitrary, weight: 1 })
  return fc.oneof(
    often(fc.constant<OfferCommand>({ _tag: "Preview" })),
    often(
      fc.integer({ min: 1, max: 50 }).map((credits): OfferCommand => ({ _tag: "Unlock", credits })),
    ),
    often(fc.constant<OfferCommand>({ _tag: "Accept" })),
    seldom(
      fc
        .option(arbText(60), { nil: undefined })
        .map(
          (reason): OfferCommand =>
            reason === undefined ? { _tag: "Decline" } : { _tag: "Decline", reason },
        ),
    ),
    often(arbAnySlots(base).map((slots): OfferCommand => ({ _tag: "ProposeTimes", slots }))),
    often(
      fc.integer({ min: 0, max: 3 }).map((slot): OfferCommand => ({ _tag: "ChooseTime", slot })),
    ),
    seldom(fc.constant<OfferCommand>({ _tag: "RejectTimes" })),
    seldom(fc.constant<OfferCommand>({ _tag: "Expire" })),
    seldom(fc.constant<OfferCommand>({ _tag: "Withdraw", reason: "assigned to another provider" })),
  )
}

/** Points around Johannesburg (about 110 km either way), so distances are city-scale. */
export const arbGeoPoint: fc.Arbitrary<GeoPoint> = fc.record({
  lat: fc.double({ min: -27.2, max: -25.2, noNaN: true }),
  lng: fc.double({ min: 27, max: 29, noNaN: true }),
})

/** Always available, or one to three windows near `around`. */
export const arbProviderAvailability = (around: Instant): fc.Arbitrary<ProviderAvailability> =>
  fc.oneof(
    fc.constant<ProviderAvailability>({ _tag: "always" }),
    fc
      .array(
        fc
          .tuple(
            fc.integer({ min: -3 * DAY, max: 3 * DAY }),
            fc.integer({ min: HOUR, max: 2 * DAY }),
          )
          .map(([offset, length]) => window(around + offset, length)),
        { minLength: 1, maxLength: 3 },
      )
      .map((windows): ProviderAvailability => ({ _tag: "windows", windows })),
  )

export const arbProviderReach = (
  providerId: PartyId,
  around: Instant,
): fc.Arbitrary<ProviderReach> =>
  fc
    .record({
      base: fc.option(
        fc.record({ point: arbGeoPoint, radiusKm: fc.integer({ min: 0, max: 80 }) }),
        { nil: undefined },
      ),
      availability: arbProviderAvailability(around),
      maxOpenAssignments: fc.integer({ min: 1, max: 5 }),
    })
    .map(({ base, ...reach }) => ({
      providerId,
      ...reach,
      ...(base === undefined ? {} : { base }),
    }))

/** Ratings in tenths of a star, so equal ratings are exactly equal. */
export const arbProviderStats: fc.Arbitrary<ProviderStats> = fc.record(
  {
    rating: fc.integer({ min: 0, max: 50 }).map((tenths) => tenths / 10),
    responseRate: fc.integer({ min: 0, max: 100 }).map((pct) => pct / 100),
    recentLoad: fc.integer({ min: 0, max: 20 }),
  },
  { requiredKeys: ["recentLoad"] },
)
