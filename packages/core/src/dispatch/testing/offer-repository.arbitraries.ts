import * as fc from "fast-check"
import { arbInstant, arbPartyId, arbText } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { ExpiryCause, Offer } from "../domain/offer.ts"
import { arbOfferId, arbOfferState, arbProposedSlots } from "./dispatch.arbitraries.ts"
import { arbRequestId } from "./request-repository.arbitraries.ts"

const HOUR = 3_600_000
const arbExpiryCause: fc.Arbitrary<ExpiryCause> = fc.constantFrom(
  "ttl",
  "hold",
  "slots_passed",
  "withdrawn",
)

/** Any stored offer: every optional field present or absent, in any state. */
export const arbOffer = (): fc.Arbitrary<Offer> =>
  arbInstant.chain((offeredAt) =>
    fc
      .record(
        {
          id: arbOfferId,
          requestId: arbRequestId,
          providerId: arbPartyId,
          state: arbOfferState,
          ttl: fc.integer({ min: 1, max: 48 }),
          previewedAt: fc.integer({ min: 0, max: HOUR }),
          unlockedAt: fc.integer({ min: 0, max: HOUR }),
          creditsCharged: fc.integer({ min: 1, max: 500 }),
          proposedTimes: arbProposedSlots(offeredAt),
          decidedAt: fc.integer({ min: 0, max: 2 * HOUR }),
          declineReason: arbText(80),
          expiryCause: arbExpiryCause,
        },
        { requiredKeys: ["id", "requestId", "providerId", "state", "ttl"] },
      )
      .map((r): Offer => {
        const at = (delta: number) => (offeredAt + delta) as Instant
        return {
          id: r.id,
          requestId: r.requestId,
          providerId: r.providerId,
          state: r.state,
          offeredAt,
          expiresAt: at(r.ttl * HOUR),
          ...(r.previewedAt === undefined ? {} : { previewedAt: at(r.previewedAt) }),
          ...(r.unlockedAt === undefined
            ? {}
            : { unlockedAt: at(r.unlockedAt), holdExpiresAt: at(r.unlockedAt + HOUR) }),
          ...(r.creditsCharged === undefined ? {} : { creditsCharged: r.creditsCharged }),
          ...(r.proposedTimes === undefined
            ? {}
            : { proposedTimes: r.proposedTimes, chosenSlot: r.proposedTimes[0]! }),
          ...(r.decidedAt === undefined ? {} : { decidedAt: at(r.decidedAt) }),
          ...(r.declineReason === undefined ? {} : { declineReason: r.declineReason }),
          ...(r.expiryCause === undefined ? {} : { expiryCause: r.expiryCause }),
          updatedAt: at(2 * HOUR),
        }
      }),
  )
