import type { Instant } from "../../shared/time.ts"
import type { ProviderStats } from "./matching.ops.ts"
import type { Offer } from "./offer.ts"

/** How far back "recent load" looks. */
export const recentLoadWindowMs = 7 * 24 * 60 * 60 * 1000

/**
 * The provider answered the offer: accepted, declined, or proposed times (an offer whose
 * proposed slots all passed unpicked was answered too; the homeowner let it lapse).
 */
export const answeredOffer = (offer: Offer): boolean =>
  offer.state === "accepted" ||
  offer.state === "declined" ||
  (offer.state === "expired" && offer.expiryCause === "slots_passed")

/** The offer closed because the provider let its time-to-live or unlock hold run out. */
export const lapsedOffer = (offer: Offer): boolean =>
  offer.state === "expired" && (offer.expiryCause === "ttl" || offer.expiryCause === "hold")

/** Accepted within the week before `now` (after now - 7 days, up to and including now). */
export const recentlyAccepted = (offer: Offer, now: Instant): boolean =>
  offer.state === "accepted" &&
  offer.decidedAt !== undefined &&
  offer.decidedAt > now - recentLoadWindowMs &&
  offer.decidedAt <= now

/**
 * What ranking knows of a provider, from the offers made to them:
 * - rating: none yet. Ratings come from homeowners' feedback on finished jobs, which do
 *   not exist yet, so every provider ranks as unrated (`unratedRating`).
 * - response rate: answered / (answered + lapsed). Offers still open, and offers dispatch
 *   withdrew (the request went to someone else first), say nothing about the provider and
 *   are left out; with no closed offer the rate is unknown (`unknownResponseRate`).
 * - recent load: offers accepted in the last 7 days.
 * Offers of other providers are ignored, so callers may pass any list.
 */
export const providerStats = (
  providerId: string,
  offers: ReadonlyArray<Offer>,
  now: Instant,
): ProviderStats => {
  let answered = 0
  let lapsed = 0
  let recentLoad = 0
  for (const offer of offers) {
    if (offer.providerId !== providerId) continue
    if (answeredOffer(offer)) answered++
    else if (lapsedOffer(offer)) lapsed++
    if (recentlyAccepted(offer, now)) recentLoad++
  }
  const closed = answered + lapsed
  return closed === 0 ? { recentLoad } : { responseRate: answered / closed, recentLoad }
}
