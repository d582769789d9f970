import { Result } from "effect"
import { reachableChannels } from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { Application } from "../../vetting/domain/application.ts"
import { isLeadEligible } from "../../vetting/domain/party.ops.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { budgetWeek, checkBudget } from "../../wallet/domain/wallet.ops.ts"
import { ProviderIneligible } from "./dispatch.errors.ts"
import type { Offer } from "./offer.ts"
import type { ProviderAvailability, ProviderReach } from "./provider-reach.ts"
import type { GeoPoint, ServiceRequest, TimeWindow } from "./service-request.ts"

/** Mean Earth radius (IUGG), km. */
const EARTH_RADIUS_KM = 6371.0088

const radians = (degrees: number) => (degrees * Math.PI) / 180

/** Great-circle distance in km by the haversine formula: accurate to ~0.5% at city scale. */
export const haversineKm = (a: GeoPoint, b: GeoPoint): number => {
  const dLat = radians(b.lat - a.lat)
  const dLng = radians(b.lng - a.lng)
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** The request's facts about one request, the same for every provider considered. */
export interface MatchingContext {
  readonly now: Instant
  readonly policy: MarketplacePolicy
  /** Every offer made so far on this request, whatever its state. */
  readonly offersOnRequest: ReadonlyArray<Offer>
  /** The lead price in credits where the marketplace sells leads; undefined otherwise. */
  readonly leadPriceCredits?: number
}

/** One provider's facts that matching needs beyond the party and its application. */
export interface ProviderLoad {
  readonly reach: ProviderReach
  /** Assigned jobs not yet completed. */
  readonly openAssignments: number
  /** The provider's own weekly credit budget, if they set one. */
  readonly weeklyBudget?: number
  readonly spentThisWeek: number
  /**
   * The provider said "stop" on WhatsApp (their conversation session, keyed by their
   * phone) and has not said "start" since.
   */
  readonly whatsAppOptedOut: boolean
}

export type EligibilityContext = MatchingContext & ProviderLoad

/** The distance from the provider's base to the job, when both points are known. */
export const distanceKm = (reach: ProviderReach, request: ServiceRequest): number | undefined => {
  const point = request.location.point
  return reach.base === undefined || point === undefined
    ? undefined
    : haversineKm(reach.base.point, point)
}

/**
 * Virtual consultations happen anywhere. An in-person job is covered when its area code is
 * one the provider serves, or its point lies within the provider's radius of their base
 * (the boundary counts as inside).
 */
export const coversArea = (
  provider: Party,
  reach: ProviderReach,
  request: ServiceRequest,
): boolean => {
  if (request.mode === "virtual") return true
  if (provider.profile.serviceAreas.includes(request.location.area)) return true
  const distance = distanceKm(reach, request)
  return distance !== undefined && reach.base !== undefined && distance <= reach.base.radiusKm
}

const within = (at: Instant, window: TimeWindow) => window.start <= at && at < window.end
const overlaps = (a: TimeWindow, b: TimeWindow) => a.start < b.end && b.start < a.end

/**
 * Windows are half-open [start, end). A `now` request needs the provider available at
 * `now`; a request with windows needs one of its windows that has not yet ended to overlap
 * one of the provider's (any overlap will do: the exact time is agreed on acceptance).
 */
export const isAvailable = (
  availability: ProviderAvailability,
  request: ServiceRequest,
  now: Instant,
): boolean => {
  const wanted = request.availability
  if (wanted._tag === "now") {
    return availability._tag === "always" || availability.windows.some((w) => within(now, w))
  }
  const open = wanted.windows.filter((w) => w.end > now)
  if (availability._tag === "always") return open.length > 0
  return open.some((w) => availability.windows.some((p) => overlaps(w, p)))
}

const ineligible = (
  provider: Party,
  reason: ProviderIneligible["reason"],
  detail: string,
): Result.Result<never, ProviderIneligible> =>
  Result.fail(new ProviderIneligible({ providerId: provider.id, reason, detail }))

/**
 * Whether this request may be offered to this provider, with the first reason why not.
 * Every gate must pass: lead-eligible (active, latest application approved), same cohort
 * (live never meets test), reachable (a lead offer goes by WhatsApp, and by email when the
 * profile has an address: someone who said "stop" on WhatsApp needs an email address), the
 * category, the area, available, never offered this request
 * before (declined, expired or still open: nobody is offered a request twice), under
 * capacity, and, where leads cost credits, within the provider's weekly budget.
 */
export const isEligible = (
  provider: Party,
  latestApplication: Application | undefined,
  request: ServiceRequest,
  context: EligibilityContext,
): Result.Result<void, ProviderIneligible> => {
  if (!isLeadEligible(provider, latestApplication)) {
    return ineligible(
      provider,
      "not_lead_eligible",
      `status ${provider.status}, application ${latestApplication?.state ?? "none"}`,
    )
  }
  if (provider.cohort !== request.cohort) {
    return ineligible(provider, "cohort", `${provider.cohort} provider, ${request.cohort} request`)
  }
  if (reachableChannels(provider, context.whatsAppOptedOut).length === 0) {
    // The offer would reach nobody, and would hold a broadcast slot (or, sequentially,
    // the whole lead) until its time-to-live.
    return ineligible(provider, "unreachable", "said stop on WhatsApp and has no email address")
  }
  if (!provider.profile.categories.includes(request.category)) {
    return ineligible(provider, "category", `does not offer ${request.category}`)
  }
  if (context.reach.providerId !== provider.id) {
    // Another provider's reach would answer the area and availability gates wrongly.
    return ineligible(provider, "area", `reach given is for ${context.reach.providerId}`)
  }
  if (!coversArea(provider, context.reach, request)) {
    return ineligible(provider, "area", `does not cover ${request.location.area}`)
  }
  if (!isAvailable(context.reach.availability, request, context.now)) {
    return ineligible(provider, "unavailable", "no availability matching the request")
  }
  const previous = context.offersOnRequest.find(
    (o) => o.providerId === provider.id && o.requestId === request.id,
  )
  if (previous !== undefined) {
    return ineligible(provider, "already_offered", `offer ${previous.id} is ${previous.state}`)
  }
  if (context.openAssignments >= context.reach.maxOpenAssignments) {
    return ineligible(
      provider,
      "capacity",
      `${context.openAssignments} open jobs of at most ${context.reach.maxOpenAssignments}`,
    )
  }
  if (context.policy.model === "credits" && context.leadPriceCredits !== undefined) {
    const budget = checkBudget(
      context.weeklyBudget,
      context.spentThisWeek,
      context.leadPriceCredits,
      budgetWeek(context.now, context.policy.timeZone),
    )
    if (Result.isFailure(budget)) return ineligible(provider, "budget", budget.failure.message)
  }
  return Result.void
}

/** What ranking knows of a provider's record; missing figures are treated as documented. */
export interface ProviderStats {
  /** Average rating, 0 to 5; absent for a provider nobody has rated yet. */
  readonly rating?: number
  /** Share of offers answered before they expired, 0 to 1; absent before the first offer. */
  readonly responseRate?: number
  /** Jobs assigned in the last 7 days. */
  readonly recentLoad: number
}

export interface RankCandidate {
  readonly provider: Party
  readonly reach: ProviderReach
}

export interface RankedProvider {
  readonly providerId: PartyId
  readonly score: number
  readonly distanceKm?: number
}

/** Ranking weights: they sum to 1, so a score is in [0, 1]. */
export const rankingWeights = { rating: 0.4, responseRate: 0.3, proximity: 0.2, load: 0.1 }

/** A new provider's rating and response rate: a fair chance, below a proven good record. */
export const unratedRating = 3.5
export const unknownResponseRate = 0.5

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value))

/**
 * The score of one provider for one request, in [0, 1], higher first:
 *   0.4 x rating / 5                      (unrated: 3.5)
 * + 0.3 x response rate                   (unknown: 0.5)
 * + 0.2 x 1 / (1 + distance / 10 km)      (10 km away halves it; no distance: 0.5)
 * + 0.1 x 1 / (1 + jobs in the last week) (spreads work around)
 * Each part rises with what it rewards, so a better rating never ranks a provider lower.
 */
export const providerScore = (
  stats: ProviderStats | undefined,
  distance: number | undefined,
): number => {
  const rating = clamp(stats?.rating ?? unratedRating, 0, 5) / 5
  const response = clamp(stats?.responseRate ?? unknownResponseRate, 0, 1)
  const proximity = distance === undefined ? 0.5 : 1 / (1 + Math.max(0, distance) / 10)
  const load = 1 / (1 + Math.max(0, stats?.recentLoad ?? 0))
  return (
    rankingWeights.rating * rating +
    rankingWeights.responseRate * response +
    rankingWeights.proximity * proximity +
    rankingWeights.load * load
  )
}

/**
 * Orders candidates best first by `providerScore`, ties by provider id (ascending), so the
 * same inputs always give the same order. Distance counts for in-person jobs only.
 */
export const rankProviders = (
  candidates: ReadonlyArray<RankCandidate>,
  request: ServiceRequest,
  stats: ReadonlyMap<PartyId, ProviderStats>,
): ReadonlyArray<RankedProvider> =>
  candidates
    .map(({ provider, reach }): RankedProvider => {
      const distance = request.mode === "in_person" ? distanceKm(reach, request) : undefined
      return {
        providerId: provider.id,
        score: providerScore(stats.get(provider.id), distance),
        ...(distance === undefined ? {} : { distanceKm: distance }),
      }
    })
    .sort((a, b) => b.score - a.score || compareIds(a.providerId, b.providerId))

export interface ShortlistCandidate extends ProviderLoad {
  readonly provider: Party
  readonly latestApplication: Application | undefined
}

export interface Shortlist {
  readonly ranked: ReadonlyArray<RankedProvider>
  readonly ineligible: ReadonlyArray<ProviderIneligible>
}

/** The eligible candidates ranked, and why each of the others was left out. */
export const shortlist = (
  request: ServiceRequest,
  candidates: ReadonlyArray<ShortlistCandidate>,
  context: MatchingContext,
  stats: ReadonlyMap<PartyId, ProviderStats>,
): Shortlist => {
  const eligible: Array<RankCandidate> = []
  const ineligibleProviders: Array<ProviderIneligible> = []
  for (const candidate of candidates) {
    const verdict = isEligible(candidate.provider, candidate.latestApplication, request, {
      ...context,
      ...candidate,
    })
    if (Result.isSuccess(verdict)) eligible.push(candidate)
    else ineligibleProviders.push(verdict.failure)
  }
  return { ranked: rankProviders(eligible, request, stats), ineligible: ineligibleProviders }
}
