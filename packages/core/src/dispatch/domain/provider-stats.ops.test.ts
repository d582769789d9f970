import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbOffer } from "../testing/offer-repository.arbitraries.ts"
import { providerScore } from "./matching.ops.ts"
import type { Offer } from "./offer.ts"
import { providerStats, recentLoadWindowMs } from "./provider-stats.ops.ts"

const HOUR = 3_600_000
const now = 1_780_000_000_000 as Instant

/** Offers of one provider (and a few of another), decided around the week boundary. */
const arbOffers = (providerId: string, other: string) =>
  fc.array(
    fc
      .record({
        offer: arbOffer(),
        mine: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
        decidedAgo: fc.integer({ min: -2 * 24 * HOUR, max: 10 * 24 * HOUR }),
      })
      .map(
        ({ offer, mine, decidedAgo }): Offer => ({
          ...offer,
          providerId: (mine ? providerId : other) as Offer["providerId"],
          ...(offer.decidedAt === undefined ? {} : { decidedAt: (now - decidedAgo) as Instant }),
        }),
      ),
    { maxLength: 12 },
  )

const arbCase = fc
  .tuple(arbPartyId, arbPartyId)
  .filter(([a, b]) => a !== b)
  .chain(([id, other]) => fc.tuple(fc.constant(id), arbOffers(id, other)))

describe("providerStats", () => {
  it("never rates anyone: ratings wait for feedback on jobs", () => {
    fc.assert(
      fc.property(arbCase, ([id, offers]) => {
        expect(providerStats(id, offers, now).rating).toBeUndefined()
      }),
    )
  })

  it("response rate is in [0, 1], unknown exactly when no offer was answered or lapsed", () => {
    fc.assert(
      fc.property(arbCase, ([id, offers]) => {
        const { responseRate } = providerStats(id, offers, now)
        const counted = offers.filter(
          (o) =>
            o.providerId === id &&
            (o.state === "accepted" ||
              o.state === "declined" ||
              (o.state === "expired" &&
                (o.expiryCause === "ttl" ||
                  o.expiryCause === "hold" ||
                  o.expiryCause === "slots_passed"))),
        )
        if (counted.length === 0) expect(responseRate).toBeUndefined()
        else {
          expect(responseRate).toBeGreaterThanOrEqual(0)
          expect(responseRate).toBeLessThanOrEqual(1)
        }
      }),
    )
  })

  it("ignores other providers' offers, open offers, and offers dispatch withdrew", () => {
    fc.assert(
      fc.property(arbCase, ([id, offers]) => {
        const kept = offers.filter(
          (o) =>
            o.providerId === id &&
            !["offered", "previewed", "unlocked", "times_proposed"].includes(o.state) &&
            !(o.state === "expired" && (o.expiryCause ?? "withdrawn") === "withdrawn"),
        )
        expect(providerStats(id, kept, now)).toEqual(providerStats(id, offers, now))
      }),
    )
  })

  it("one more answered offer never lowers the rate; one more lapsed never raises it", () => {
    fc.assert(
      fc.property(arbCase, arbOffer(), ([id, offers], extra) => {
        const base = providerStats(id, offers, now).responseRate
        const mine = { ...extra, providerId: id as Offer["providerId"] }
        const answered = providerStats(id, [...offers, { ...mine, state: "declined" }], now)
        const lapsed = providerStats(
          id,
          [...offers, { ...mine, state: "expired", expiryCause: "ttl" }],
          now,
        )
        expect(answered.responseRate!).toBeGreaterThanOrEqual(base ?? 0)
        expect(lapsed.responseRate!).toBeLessThanOrEqual(base ?? 1)
        // And so the score moves the same way (everything else equal).
        expect(providerScore(answered, undefined)).toBeGreaterThanOrEqual(
          providerScore(lapsed, undefined),
        )
      }),
    )
  })

  it("recent load counts accepted offers decided in the 7 days up to now, and nothing else", () => {
    fc.assert(
      fc.property(arbCase, ([id, offers]) => {
        const expected = offers.filter(
          (o) =>
            o.providerId === id &&
            o.state === "accepted" &&
            o.decidedAt !== undefined &&
            now - o.decidedAt < recentLoadWindowMs &&
            o.decidedAt <= now,
        ).length
        expect(providerStats(id, offers, now).recentLoad).toBe(expected)
      }),
    )
  })
})
