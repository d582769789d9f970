import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { PartyId } from "../../shared/ids.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { Application } from "../../vetting/domain/application.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { arbApplication, arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import {
  arbGeoPoint,
  arbOfferId,
  arbOfferState,
  arbProviderReach,
  arbProviderStats,
} from "../testing/dispatch.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import type { IneligibleReason } from "./dispatch.errors.ts"
import {
  type EligibilityContext,
  haversineKm,
  isEligible,
  type ProviderStats,
  rankProviders,
} from "./matching.ops.ts"
import type { Offer } from "./offer.ts"
import type { ServiceRequest, TimeWindow } from "./service-request.ts"

const HOUR = 3_600_000

/** Mostly true, so that candidates pass most gates and each gate gets to decide. */
const likely = fc.oneof(
  { weight: 9, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
)

/** Now and then: undefined most of the time. */
const rarely = <A>(arbitrary: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary })

interface Case {
  readonly request: ServiceRequest
  readonly provider: Party
  readonly application: Application | undefined
  readonly context: EligibilityContext
}

/** A request and a provider who passes or fails each gate independently. */
const arbCase: fc.Arbitrary<Case> = fc
  .record({
    request: arbServiceRequest({ state: "dispatching" }),
    point: fc.option(arbGeoPoint, { nil: undefined }),
    now: arbInstant,
    policy: fc.oneof(arbPolicy, fc.constant(creditsPreset)),
    providerId: arbPartyId,
  })
  .chain(({ request, point, now, policy, providerId }) => {
    const { location, ...rest } = request
    const located: ServiceRequest = {
      ...rest,
      location: {
        area: location.area,
        ...(location.street === undefined ? {} : { street: location.street }),
        ...(point === undefined ? {} : { point }),
      },
      // Windows around `now`, so availability is sometimes met and sometimes not.
      availability:
        request.availability._tag === "now"
          ? request.availability
          : {
              _tag: "windows",
              windows: request.availability.windows.map(
                (w, i): TimeWindow => ({
                  start: (now + (i - 1) * 12 * HOUR) as Instant,
                  end: (now + (i - 1) * 12 * HOUR + (w.end - w.start)) as Instant,
                }),
              ),
            },
    }
    return fc.record({
      request: fc.constant(located),
      provider: fc.record({
        party: arbParty({ id: providerId }),
        kindOk: likely,
        statusOk: likely,
        cohortOk: likely,
        categoryOk: likely,
        areaOk: fc.boolean(),
      }),
      application: fc.oneof(
        { weight: 9, arbitrary: arbApplication({ partyId: providerId, state: "approved" }) },
        { weight: 1, arbitrary: fc.option(arbApplication(), { nil: undefined }) },
      ),
      reach: arbProviderReach(providerId, now),
      offered: rarely(fc.record({ id: arbOfferId, state: arbOfferState })),
      otherOffers: fc.array(
        fc.record({ id: arbOfferId, providerId: arbPartyId, state: arbOfferState }),
        {
          maxLength: 3,
        },
      ),
      openAssignments: fc.integer({ min: 0, max: 6 }),
      weeklyBudget: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      spentThisWeek: fc.integer({ min: 0, max: 60 }),
      leadPriceCredits: fc.oneof(
        { weight: 9, arbitrary: fc.integer({ min: 1, max: 20 }) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      now: fc.constant(now),
      policy: fc.constant(policy),
    })
  })
  .map((c): Case => {
    const { party, kindOk, statusOk, cohortOk, categoryOk, areaOk } = c.provider
    const otherCohort = c.request.cohort === "live" ? "test" : "live"
    const provider: Party = {
      ...party,
      kind: kindOk ? "provider" : party.kind,
      status: statusOk ? "active" : party.status,
      cohort: cohortOk ? c.request.cohort : otherCohort,
      profile: {
        ...party.profile,
        categories: categoryOk
          ? [...party.profile.categories, c.request.category]
          : party.profile.categories,
        serviceAreas: areaOk
          ? [...party.profile.serviceAreas, c.request.location.area]
          : party.profile.serviceAreas,
      },
    }
    const offer = (o: { id: Offer["id"]; state: Offer["state"] }, providerId: PartyId): Offer => ({
      id: o.id,
      requestId: c.request.id,
      providerId,
      state: o.state,
      offeredAt: c.now,
      expiresAt: c.now,
      updatedAt: c.now,
    })
    return {
      request: c.request,
      provider,
      application: c.application,
      context: {
        now: c.now,
        policy: c.policy,
        offersOnRequest: [
          ...c.otherOffers.map((o) => offer(o, o.providerId)),
          ...(c.offered === undefined ? [] : [offer(c.offered, provider.id)]),
        ],
        ...(c.leadPriceCredits === undefined ? {} : { leadPriceCredits: c.leadPriceCredits }),
        reach: c.reach,
        openAssignments: c.openAssignments,
        ...(c.weeklyBudget === undefined ? {} : { weeklyBudget: c.weeklyBudget }),
        spentThisWeek: c.spentThisWeek,
      },
    }
  })

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
