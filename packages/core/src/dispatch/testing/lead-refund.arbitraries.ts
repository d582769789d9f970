import * as fc from "fast-check"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import type { LeadRefundId } from "../../shared/ids.ts"
import {
  arbInstant,
  arbOperatorName,
  arbPartyId,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import {
  duplicateRequestWindowMs,
  type RefundClaimFacts,
  refundClaimWindowMs,
} from "../domain/lead-refund.ops.ts"
import type { LeadRefund, LeadRefundState, RefundReason } from "../domain/lead-refund.ts"
import type { OfferState } from "../domain/offer.ts"
import { arbOffer } from "./offer-repository.arbitraries.ts"
import { arbRequestId, arbServiceRequest } from "./request-repository.arbitraries.ts"

const HOUR = 3_600_000
const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

export const arbLeadRefundId: fc.Arbitrary<LeadRefundId> = fc
  .array(idChar, { minLength: 20, maxLength: 20 })
  .map((body) => `lrf_${body.join("")}` as LeadRefundId)

export const refundReasonList: ReadonlyArray<RefundReason> = [
  "invalid_contact",
  "duplicate_request",
  "withdrawn_before_contact",
  "expired",
]
export const arbRefundReason: fc.Arbitrary<RefundReason> = fc.constantFrom(...refundReasonList)

export const leadRefundStateList: ReadonlyArray<LeadRefundState> = [
  "requested",
  "approved",
  "rejected",
]
export const arbLeadRefundState: fc.Arbitrary<LeadRefundState> = fc.constantFrom(
  ...leadRefundStateList,
)

/** Any stored refund claim: optional fields present or absent, decided ones with their decision. */
export const arbLeadRefund = (): fc.Arbitrary<LeadRefund> =>
  fc
    .record(
      {
        id: arbLeadRefundId,
        offerId: arbOffer().map((o) => o.id),
        requestId: arbRequestId,
        providerId: arbPartyId,
        reason: arbRefundReason,
        note: arbText(200),
        duplicateOf: arbRequestId,
        credits: fc.integer({ min: 1, max: 500 }),
        state: arbLeadRefundState,
        requestedAt: arbInstant,
        after: fc.integer({ min: 0, max: 240 * HOUR }),
        decidedBy: arbOperatorName,
        decisionReason: arbText(200),
      },
      {
        requiredKeys: [
          "id",
          "offerId",
          "requestId",
          "providerId",
          "reason",
          "credits",
          "state",
          "requestedAt",
          "after",
          "decidedBy",
          "decisionReason",
        ],
      },
    )
    .map((r): LeadRefund => {
      const decidedAt = (r.requestedAt + r.after) as Instant
      return {
        id: r.id,
        offerId: r.offerId,
        requestId: r.requestId,
        providerId: r.providerId,
        reason: r.reason,
        ...(r.note === undefined ? {} : { note: r.note }),
        ...(r.duplicateOf === undefined ? {} : { duplicateOf: r.duplicateOf }),
        credits: r.credits,
        state: r.state,
        requestedAt: r.requestedAt,
        ...(r.state === "requested"
          ? { updatedAt: r.requestedAt }
          : {
              decidedAt,
              decidedBy: r.decidedBy,
              decisionReason: r.decisionReason,
              updatedAt: decidedAt,
            }),
      }
    })

/** The offer states in which each reason's facts can hold (given the request's state). */
const offerStatesFor: Record<RefundReason, ReadonlyArray<OfferState>> = {
  invalid_contact: ["accepted"],
  duplicate_request: ["unlocked", "accepted", "declined", "times_proposed", "expired"],
  withdrawn_before_contact: ["expired", "declined"],
  expired: ["expired"],
}

export interface RefundClaimScenario {
  readonly facts: RefundClaimFacts
  readonly policy: MarketplacePolicy
  readonly now: Instant
}

/**
 * A claim that meets every precondition of `checkRefundClaim`, for every reason: the
 * claimant's unlocked offer, in a state the reason allows, inside the claim window, with
 * a genuine earlier duplicate when the reason is duplicate_request.
 */
export const arbValidRefundClaim = (
  policy: MarketplacePolicy = creditsPreset,
): fc.Arbitrary<RefundClaimScenario> =>
  arbRefundReason.chain((reason) =>
    fc
      .record({
        offer: arbOffer(),
        state: fc.constantFrom(...offerStatesFor[reason]),
        credits: fc.integer({ min: 1, max: 500 }),
        request: arbServiceRequest({
          ...(reason === "withdrawn_before_contact" ? { state: "cancelled" as const } : {}),
        }),
        duplicate: arbServiceRequest(),
        duplicateGap: fc.integer({ min: 1, max: duplicateRequestWindowMs(policy) }),
        sinceUnlock: fc.integer({ min: 0, max: refundClaimWindowMs(policy) - 1 }),
      })
      .map(({ offer, state, credits, request, duplicate, duplicateGap, sinceUnlock }) => {
        const unlockedAt = offer.unlockedAt ?? ((offer.offeredAt + HOUR) as Instant)
        const forRequest = { ...request, createdAt: (offer.offeredAt - HOUR) as Instant }
        const earlier = {
          ...duplicate,
          customerId: forRequest.customerId,
          category: forRequest.category,
          createdAt: (forRequest.createdAt - duplicateGap) as Instant,
        }
        const facts: RefundClaimFacts = {
          offer: {
            ...offer,
            requestId: forRequest.id,
            state,
            unlockedAt,
            creditsCharged: credits,
          },
          request: forRequest,
          providerId: offer.providerId,
          reason,
          ...(reason === "duplicate_request" && earlier.id !== forRequest.id
            ? { duplicateOf: earlier.id, duplicate: earlier }
            : {}),
        }
        return { facts, policy, now: (unlockedAt + sinceUnlock) as Instant }
      })
      // Ids collide only when fast-check shrinks them to the same text; drop those.
      .filter(({ facts }) => facts.reason !== "duplicate_request" || facts.duplicate !== undefined),
  )
