import * as fc from "fast-check"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { PartyId } from "../../shared/ids.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { Application } from "../../vetting/domain/application.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { arbApplication, arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import type { EligibilityContext } from "../domain/matching.ops.ts"
import type { Offer } from "../domain/offer.ts"
import type { ServiceRequest, TimeWindow } from "../domain/service-request.ts"
import { arbGeoPoint, arbOfferId, arbOfferState, arbProviderReach } from "./dispatch.arbitraries.ts"
import { arbServiceRequest } from "./request-repository.arbitraries.ts"

const HOUR = 3_600_000

/** Mostly true, so that candidates pass most gates and each gate gets to decide. */
const likely = fc.oneof(
  { weight: 9, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
)

/** Now and then: undefined most of the time. */
const rarely = <A>(arbitrary: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary })

export interface EligibilityCase {
  readonly request: ServiceRequest
  readonly provider: Party
  readonly application: Application | undefined
  readonly context: EligibilityContext
}

/**
 * A dispatching request and a provider who passes or fails each matching gate independently
 * (mostly passing, so each gate gets to decide).
 */
export const arbEligibilityCase: fc.Arbitrary<EligibilityCase> = fc
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
      // The party has an email address about half the time, so an opt-out decides sometimes.
      whatsAppOptedOut: fc.oneof(
        { weight: 3, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
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
  .map((c): EligibilityCase => {
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
        whatsAppOptedOut: c.whatsAppOptedOut,
      },
    }
  })
