import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { PartyId } from "../../shared/ids.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { arbGeoPoint, arbProviderReach, arbProviderStats } from "../testing/dispatch.arbitraries.ts"
import {
  arbEligibilityCase as arbCase,
  type EligibilityCase as Case,
} from "../testing/eligibility.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import type { IneligibleReason } from "./dispatch.errors.ts"
import { haversineKm, isEligible, type ProviderStats, rankProviders } from "./matching.ops.ts"
import type { TimeWindow } from "./service-request.ts"

/** Each gate, written out independently of the implementation, in the order it reports. */
const gates = ({
  request,
  provider,
  application,
  context,
}: Case): ReadonlyArray<[IneligibleReason, boolean]> => {
  const { reach, now } = context
  const point = request.location.point
  const inside = (at: number, w: TimeWindow) => w.start <= at && at < w.end
  const meet = (a: TimeWindow, b: TimeWindow) => a.start < b.end && b.start < a.end
  const pa = reach.availability
  const want = request.availability
  const available =
    want._tag === "now"
      ? pa._tag === "always" || pa.windows.some((w) => inside(now, w))
      : want.windows.some(
          (w) => w.end > now && (pa._tag === "always" || pa.windows.some((p) => meet(w, p))),
        )
  const price = context.leadPriceCredits
  return [
    [
      "not_lead_eligible",
      provider.kind === "provider" &&
        provider.status === "active" &&
        application?.state === "approved" &&
        application.partyId === provider.id,
    ],
    ["cohort", provider.cohort === request.cohort],
    // A lead offer goes by WhatsApp, and by email when there is an address.
    ["unreachable", !context.whatsAppOptedOut || provider.profile.email !== undefined],
    ["category", provider.profile.categories.includes(request.category)],
    [
      "area",
      request.mode === "virtual" ||
        provider.profile.serviceAreas.includes(request.location.area) ||
        (reach.base !== undefined &&
          point !== undefined &&
          haversineKm(reach.base.point, point) <= reach.base.radiusKm),
    ],
    ["unavailable", available],
    ["already_offered", !context.offersOnRequest.some((o) => o.providerId === provider.id)],
    ["capacity", context.openAssignments < reach.maxOpenAssignments],
    [
      "budget",
      context.policy.model !== "credits" ||
        price === undefined ||
        context.weeklyBudget === undefined ||
        context.spentThisWeek + price <= context.weeklyBudget,
    ],
  ]
}

describe("isEligible", () => {
  it("is eligible exactly when every gate passes, and otherwise names the first that fails", () => {
    const outcomes = new Set<string>()
    fc.assert(
      fc.property(arbCase, (c) => {
        const verdict = isEligible(c.provider, c.application, c.request, c.context)
        const failing = gates(c).find(([, passes]) => !passes)
        if (failing === undefined) {
          expect(Result.isSuccess(verdict)).toBe(true)
          outcomes.add("eligible")
        } else {
          expect(Result.isFailure(verdict) && verdict.failure).toMatchObject({
            _tag: "ProviderIneligible",
            providerId: c.provider.id,
            reason: failing[0],
          })
          outcomes.add(failing[0])
        }
      }),
      { numRuns: 2000 },
    )
    // Every gate was the deciding one at least once, and some providers passed them all.
    expect(outcomes).toEqual(
      new Set([
        "eligible",
        "not_lead_eligible",
        "cohort",
        "unreachable",
        "category",
        "area",
        "unavailable",
        "already_offered",
        "capacity",
        "budget",
      ]),
    )
  })

  it("never lets a provider meet a request of the other cohort", () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const crossed: Party = {
          ...c.provider,
          cohort: c.request.cohort === "live" ? "test" : "live",
        }
        expect(Result.isSuccess(isEligible(crossed, c.application, c.request, c.context))).toBe(
          false,
        )
      }),
    )
  })
})

describe("haversineKm", () => {
  const johannesburg = { lat: -26.2041, lng: 28.0473 }
  const pretoria = { lat: -25.7479, lng: 28.2293 }

  it("measures Johannesburg to Pretoria as about 54 km", () => {
    expect(haversineKm(johannesburg, pretoria)).toBeGreaterThan(53)
    expect(haversineKm(johannesburg, pretoria)).toBeLessThan(55)
  })

  it("is zero from a point to itself, symmetric, and obeys the triangle inequality", () => {
    fc.assert(
      fc.property(arbGeoPoint, arbGeoPoint, arbGeoPoint, (a, b, c) => {
        expect(haversineKm(a, a)).toBe(0)
        expect(haversineKm(a, b)).toBeCloseTo(haversineKm(b, a), 9)
        expect(haversineKm(a, c)).toBeLessThanOrEqual(haversineKm(a, b) + haversineKm(b, c) + 1e-9)
      }),
    )
  })
})

describe("rankProviders", () => {
  const arbField = fc
    .record({
      request: arbServiceRequest({ state: "dispatching" }),
      point: arbGeoPoint,
      now: arbInstant,
      ids: fc.uniqueArray(arbPartyId, { minLength: 1, maxLength: 12 }),
    })
    .chain(({ request, point, now, ids }) =>
      fc.record({
        request: fc.constant({ ...request, location: { ...request.location, point } }),
        candidates: fc.tuple(
          ...ids.map((id) =>
            fc.record({
              provider: arbParty({ id, kind: "provider" }),
              reach: arbProviderReach(id, now),
            }),
          ),
        ),
        stats: fc.tuple(...ids.map(() => fc.option(arbProviderStats, { nil: undefined }))),
        seed: fc.integer(),
      }),
    )
    .map(({ request, candidates, stats, seed }) => {
      const byId = new Map<PartyId, ProviderStats>()
      candidates.forEach((c, i) => {
        const s = stats[i]
        if (s !== undefined) byId.set(c.provider.id, s)
      })
      return { request, candidates, stats: byId, seed }
    })

  it("is a deterministic permutation of the candidates, best score first, ties by id", () => {
    fc.assert(
      fc.property(arbField, ({ request, candidates, stats, seed }) => {
        const ranked = rankProviders(candidates, request, stats)
        expect([...ranked.map((r) => r.providerId)].sort()).toEqual(
          candidates.map((c) => c.provider.id).sort(),
        )
        // The input order does not matter: a shuffled copy ranks the same.
        const shuffled = [...candidates].sort(
          (a, b) =>
            ((Number.parseInt(a.provider.id.slice(-4), 32) ^ seed) % 7) -
            ((Number.parseInt(b.provider.id.slice(-4), 32) ^ seed) % 7),
        )
        expect(rankProviders(shuffled, request, stats)).toEqual(ranked)
        for (let i = 1; i < ranked.length; i++) {
          const [a, b] = [ranked[i - 1]!, ranked[i]!]
          expect(a.score > b.score || (a.score === b.score && a.providerId < b.providerId)).toBe(
            true,
          )
        }
      }),
    )
  })

  it("is monotone in rating: a better-rated twin never ranks below", () => {
    fc.assert(
      fc.property(
        arbField,
        arbPartyId,
        arbProviderStats,
        fc.integer({ min: 0, max: 49 }),
        fc.integer({ min: 1, max: 50 }),
        ({ request, candidates, stats }, twinId, twinStats, low, step) => {
          fc.pre(!candidates.some((c) => c.provider.id === twinId))
          const high = Math.min(50, low + step)
          const [first] = candidates
          // The twin has everything the first candidate has (reach, load), but its own id.
          const twin = {
            provider: { ...first!.provider, id: twinId },
            reach: { ...first!.reach, providerId: twinId },
          }
          const all = [...candidates, twin]
          const rankOf = (rating: number, twinRating: number) => {
            const s = new Map(stats)
            s.set(first!.provider.id, { ...twinStats, rating: rating / 10 })
            s.set(twinId, { ...twinStats, rating: twinRating / 10 })
            const ids = rankProviders(all, request, s).map((r) => r.providerId)
            return [ids.indexOf(first!.provider.id), ids.indexOf(twinId)] as const
          }
          // Equal in all but rating: the better-rated one comes first.
          const [firstPos, twinPos] = rankOf(low, high)
          expect(twinPos).toBeLessThan(firstPos)
          // And raising one's rating never moves it down.
          const [before] = rankOf(low, low)
          const [after] = rankOf(high, low)
          expect(after).toBeLessThanOrEqual(before)
        },
      ),
    )
  })
})
