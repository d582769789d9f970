import { Result } from "effect"
import type { MarketplacePolicy, Urgency } from "../../policy/policy.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import {
  expiredOnItsOwn,
  LeadAlreadyAssigned,
  LeadPriceMissing,
  RequestNotDispatching,
  UnlockCapReached,
} from "./dispatch.errors.ts"
import { type OfferTransitionError, offerDeadline, transitionOffer } from "./offer.ops.ts"
import { holdingOfferStates, openOfferStates } from "./offer.transitions.ts"
import type { Offer } from "./offer.ts"
import { requestTransitions } from "./service-request.transitions.ts"
import type { ServiceRequest } from "./service-request.ts"

/**
 * The lead price in credits for a category and urgency: the category's own price, else
 * the "*" price. The policy schema prices every urgency of a listed category, so only a
 * category missing with no "*" fallback has no price.
 */
export const leadPrice = (
  policy: MarketplacePolicy,
  category: string,
  urgency: Urgency,
): Result.Result<number, LeadPriceMissing> => {
  const prices = policy.credits.leadPrice
  const price = (Object.hasOwn(prices, category) ? prices[category] : prices["*"])?.[urgency]
  return price === undefined
    ? Result.fail(new LeadPriceMissing({ category, urgency }))
    : Result.succeed(price)
}

/**
 * An offer still in play at `now`: open by the table and not past its deadline. A lapsed
 * offer the scheduler has not yet expired no longer holds dispatch up; its provider cannot
 * act on it either (see `transitionOffer`).
 */
export const isOfferLive = (offer: Offer, now: Instant): boolean => {
  if (!openOfferStates.includes(offer.state)) return false
  const deadline = offerDeadline(offer)
  return deadline === undefined || now < deadline
}

/** What dispatch should do next for a request. */
export type DispatchDecision =
  /** Offer the lead to these providers now (never empty). */
  | { readonly _tag: "Offer"; readonly providerIds: ReadonlyArray<PartyId> }
  /** Offers are still in play (or one was accepted): nothing to do until they close. */
  | { readonly _tag: "Wait"; readonly live: number }
  /** Nobody is left and no offer is in play: the request becomes unfulfilled. */
  | { readonly _tag: "Unfulfilled" }

/**
 * The next step of dispatch. `ranked` is the shortlist, best first (eligible providers
 * only: see `shortlist` in matching.ops.ts); whoever already has an offer on this request,
 * in any state, is skipped, so nobody is offered the same request twice.
 * - sequential: one offer at a time; once it is declined or expired, the next provider.
 * - broadcast: up to `broadcastSize` offers in play at once; each one that closes makes
 *   room for the next provider in line.
 * Either way, when nobody is left and no offer is in play, the request is unfulfilled. An
 * accepted offer stops dispatch while its assignment is committed.
 */
export const nextOffers = (
  request: ServiceRequest,
  policy: MarketplacePolicy,
  ranked: ReadonlyArray<PartyId>,
  offersSoFar: ReadonlyArray<Offer>,
  now: Instant,
): Result.Result<DispatchDecision, RequestNotDispatching> => {
  if (request.state !== "dispatching") {
    return Result.fail(new RequestNotDispatching({ requestId: request.id, state: request.state }))
  }
  const offers = offersSoFar.filter((o) => o.requestId === request.id)
  if (offers.some((o) => o.state === "accepted")) return Result.succeed({ _tag: "Wait", live: 0 })
  const live = offers.filter((o) => isOfferLive(o, now)).length
  const offered = new Set<PartyId>(offers.map((o) => o.providerId))
  const fresh = [...new Set(ranked)].filter((id) => !offered.has(id))
  const room =
    policy.dispatch.strategy === "sequential" ? 1 - live : policy.dispatch.broadcastSize - live
  const next = fresh.slice(0, Math.max(0, room))
  if (next.length > 0) return Result.succeed({ _tag: "Offer", providerIds: next })
  if (live > 0) return Result.succeed({ _tag: "Wait", live })
  return Result.succeed({ _tag: "Unfulfilled" })
}

/**
 * The acceptance handover gate: an offer is accepted only while its request is dispatching
 * and unassigned. Checked again inside the transaction that assigns, so two providers
 * racing for one lead give one assignment.
 */
export const checkAcceptance = (
  request: ServiceRequest,
  offer: Offer,
): Result.Result<void, LeadAlreadyAssigned | RequestNotDispatching> => {
  if (request.assignedProviderId !== undefined) {
    return Result.fail(
      new LeadAlreadyAssigned({
        requestId: request.id,
        assignedProviderId: request.assignedProviderId,
      }),
    )
  }
  if (request.state !== "dispatching" || offer.requestId !== request.id) {
    return Result.fail(new RequestNotDispatching({ requestId: request.id, state: request.state }))
  }
  return Result.void
}

/**
 * An offer that ran out on its own (its time-to-live, hold or proposed times: not withdrawn)
 * is refused as such, before the request's gate: whatever became of the request since (the
 * next provider took it, or nobody did), what its provider needs to hear is that their offer
 * expired, not that someone else took the job or the request closed.
 */
const firstOwnExpiry = (
  offer: Offer,
  how: { readonly _tag: "Accept" } | { readonly _tag: "ChooseTime"; readonly slot: number },
  policy: MarketplacePolicy,
  now: Instant,
): Result.Result<void, OfferTransitionError> => {
  if (offer.state !== "expired" || !expiredOnItsOwn(offer.expiryCause)) return Result.void
  // Expired is final: the table refuses every command, naming the cause (notAllowed).
  return Result.map(transitionOffer(offer, how, policy, now), () => undefined)
}

/**
 * Accepting a lead: the offer moves to accepted (directly, or by the homeowner choosing a
 * proposed time) and the request to assigned with the offer's provider, or neither moves.
 */
export const acceptLead = (
  request: ServiceRequest,
  offer: Offer,
  how: { readonly _tag: "Accept" } | { readonly _tag: "ChooseTime"; readonly slot: number },
  policy: MarketplacePolicy,
  now: Instant,
): Result.Result<
  readonly [ServiceRequest, Offer],
  LeadAlreadyAssigned | RequestNotDispatching | OfferTransitionError
> =>
  Result.flatMap(firstOwnExpiry(offer, how, policy, now), () =>
    Result.flatMap(checkAcceptance(request, offer), () =>
      Result.map(transitionOffer(offer, how, policy, now), ([accepted]) => {
        const assigned: ServiceRequest = {
          ...request,
          // The gate checked `dispatching`, from which the table allows Assign.
          state: requestTransitions.dispatching.Assign ?? request.state,
          assignedProviderId: offer.providerId,
          updatedAt: now,
        }
        return [assigned, accepted] as const
      }),
    ),
  )

/**
 * The per-lead unlock cap: a provider may unlock only while fewer than `unlocksPerLead`
 * other providers hold it (unlocked, proposed times, or accepted). A hold that expired or
 * was declined frees its place.
 */
export const checkUnlockCap = (
  request: ServiceRequest,
  offer: Offer,
  offersOnRequest: ReadonlyArray<Offer>,
  policy: MarketplacePolicy,
): Result.Result<void, UnlockCapReached> => {
  const holders = offersOnRequest.filter(
    (o) =>
      o.requestId === request.id &&
      o.providerId !== offer.providerId &&
      holdingOfferStates.includes(o.state),
  ).length
  return holders < policy.credits.unlocksPerLead
    ? Result.void
    : Result.fail(
        new UnlockCapReached({ requestId: request.id, cap: policy.credits.unlocksPerLead }),
      )
}
