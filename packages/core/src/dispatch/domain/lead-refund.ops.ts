import { Result } from "effect"
import type { Amount, Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { LeadRefundId, PartyId, RequestId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { LeadsNotSold, NotOfferProvider } from "./dispatch.errors.ts"
import {
  ContactAlreadyReleased,
  ContactNotReleased,
  LeadNotExpired,
  LeadNotUnlocked,
  NotADuplicate,
  RefundAlreadyClaimed,
  RefundAlreadyDecided,
  RefundReasonNotAllowed,
  RefundWindowClosed,
  RequestNotWithdrawn,
} from "./lead-refund.errors.ts"
import { type LeadRefundCommand, leadRefundTransitions } from "./lead-refund.transitions.ts"
import type { LeadRefund, LeadRefundState, RefundReason } from "./lead-refund.ts"
import type { Offer } from "./offer.ts"
import type { ServiceRequest } from "./service-request.ts"

const HOUR_MS = 3_600_000

/** A week: long enough to try the number a few times, short enough to settle the books. */
export const defaultRefundClaimWindowHours = 168
/** A homeowner asking twice for the same thing usually does so within days. */
export const defaultDuplicateRequestWindowHours = 168

export const refundClaimWindowMs = (policy: MarketplacePolicy): number =>
  (policy.credits.refundClaimWindowHours ?? defaultRefundClaimWindowHours) * HOUR_MS

export const duplicateRequestWindowMs = (policy: MarketplacePolicy): number =>
  (policy.credits.duplicateRequestWindowHours ?? defaultDuplicateRequestWindowHours) * HOUR_MS

/** What the precondition check looks at; the use case loads it all under the request's lock. */
export interface RefundClaimFacts {
  readonly offer: Offer
  /** The offer's request. */
  readonly request: ServiceRequest
  /** Who claims: it must be the offer's provider. */
  readonly providerId: PartyId
  readonly reason: RefundReason
  /** duplicate_request: the id of the earlier request, as the claim names it. */
  readonly duplicateOf?: RequestId
  /** The request `duplicateOf` names, when it exists. */
  readonly duplicate?: ServiceRequest
  /** The claim already made on this offer, if any. */
  readonly existing?: LeadRefund
}

/** Why a reason's facts do not hold. */
export type RefundFactsRefused =
  | ContactNotReleased
  | NotADuplicate
  | RequestNotWithdrawn
  | ContactAlreadyReleased
  | LeadNotExpired

/** Every precondition a decision re-checks (what can change between claim and decision). */
export type RefundDecisionRefused =
  | LeadsNotSold
  | RefundReasonNotAllowed
  | NotOfferProvider
  | LeadNotUnlocked
  | RefundFactsRefused

export type RefundClaimRefused = RefundDecisionRefused | RefundAlreadyClaimed | RefundWindowClosed

/**
 * The facts each reason needs, so that ops can check a claim instead of taking it on trust:
 * - invalid_contact: the contact was released, i.e. the offer was accepted (before that the
 *   provider never had a number to find wrong).
 * - duplicate_request: `duplicateOf` names another request of the same homeowner and
 *   category, made strictly before this one and at most the policy's duplicate window before.
 * - withdrawn_before_contact: the homeowner cancelled the request, and the offer never
 *   reached accepted (the provider never got the contact).
 * - expired: the offer expired after the unlock (the hold or the proposed times ran out, or
 *   dispatch withdrew it), so the provider paid and never got the contact.
 */
export const checkReasonFacts = (
  facts: RefundClaimFacts,
  policy: MarketplacePolicy,
): Result.Result<void, RefundFactsRefused> => {
  const { offer, request } = facts
  switch (facts.reason) {
    case "invalid_contact":
      return offer.state === "accepted"
        ? Result.void
        : Result.fail(new ContactNotReleased({ offerId: offer.id, state: offer.state }))
    case "duplicate_request":
      return checkDuplicate(facts, policy)
    case "withdrawn_before_contact":
      if (request.state !== "cancelled") {
        return Result.fail(new RequestNotWithdrawn({ requestId: request.id, state: request.state }))
      }
      return offer.state === "accepted"
        ? Result.fail(new ContactAlreadyReleased({ offerId: offer.id }))
        : Result.void
    case "expired":
      return offer.state === "expired"
        ? Result.void
        : Result.fail(new LeadNotExpired({ offerId: offer.id, state: offer.state }))
  }
}

const checkDuplicate = (
  facts: RefundClaimFacts,
  policy: MarketplacePolicy,
): Result.Result<void, NotADuplicate> => {
  const { request, duplicate, duplicateOf } = facts
  const refuse = (problem: NotADuplicate["problem"]) =>
    Result.fail(
      new NotADuplicate({
        requestId: request.id,
        problem,
        ...(duplicateOf === undefined ? {} : { duplicateOf }),
      }),
    )
  if (duplicateOf === undefined) return refuse("not_named")
  if (duplicate === undefined || duplicate.id !== duplicateOf) return refuse("unknown")
  if (duplicate.id === request.id) return refuse("same_request")
  if (duplicate.customerId !== request.customerId) return refuse("other_homeowner")
  if (duplicate.category !== request.category) return refuse("other_category")
  if (duplicate.createdAt >= request.createdAt) return refuse("not_earlier")
  if (request.createdAt - duplicate.createdAt > duplicateRequestWindowMs(policy)) {
    return refuse("too_far_apart")
  }
  return Result.void
}

/**
 * What a decision re-checks, in this order: the marketplace sells leads, the policy accepts
 * the reason, the offer is the claimant's, it was unlocked (credits charged), and the
 * reason's facts. The policy can change between claim and decision; the rest is checked
 * again because it is cheap and a decision must stand on the facts of the day.
 * Succeeds with the credits the unlock charged.
 */
export const checkRefundDecision = (
  facts: RefundClaimFacts,
  policy: MarketplacePolicy,
): Result.Result<number, RefundDecisionRefused> => {
  const { offer } = facts
  if (policy.model !== "credits") return Result.fail(new LeadsNotSold({ model: policy.model }))
  if (!policy.credits.refundReasons.includes(facts.reason)) {
    return Result.fail(
      new RefundReasonNotAllowed({
        reason: facts.reason,
        allowed: [...policy.credits.refundReasons],
      }),
    )
  }
  if (offer.providerId !== facts.providerId) {
    return Result.fail(new NotOfferProvider({ offerId: offer.id, partyId: facts.providerId }))
  }
  const credits = offer.creditsCharged
  if (credits === undefined || offer.unlockedAt === undefined) {
    return Result.fail(new LeadNotUnlocked({ offerId: offer.id, state: offer.state }))
  }
  return Result.map(checkReasonFacts(facts, policy), () => credits)
}

/**
 * The claim's preconditions: everything a decision checks, then at most one claim per
 * offer, then the claim window (claims are taken until unlockedAt + the window, exclusive).
 * Succeeds with the credits the unlock charged, which is what an approval gives back.
 */
export const checkRefundClaim = (
  facts: RefundClaimFacts,
  policy: MarketplacePolicy,
  now: Instant,
): Result.Result<number, RefundClaimRefused> =>
  Result.flatMap(
    checkRefundDecision(facts, policy),
    (credits): Result.Result<number, RefundClaimRefused> => {
      if (facts.existing !== undefined) {
        return Result.fail(
          new RefundAlreadyClaimed({ offerId: facts.offer.id, refundId: facts.existing.id }),
        )
      }
      // checkRefundDecision saw unlockedAt.
      const closedAt = facts.offer.unlockedAt! + refundClaimWindowMs(policy)
      if (now >= closedAt) {
        return Result.fail(new RefundWindowClosed({ offerId: facts.offer.id, closedAt }))
      }
      return Result.succeed(credits)
    },
  )

/** A new claim, once `checkRefundClaim` accepted it. */
export const makeLeadRefund = (
  input: {
    readonly id: LeadRefundId
    readonly facts: RefundClaimFacts
    readonly credits: number
    readonly note?: string
  },
  now: Instant,
): LeadRefund => ({
  id: input.id,
  offerId: input.facts.offer.id,
  requestId: input.facts.request.id,
  providerId: input.facts.offer.providerId,
  reason: input.facts.reason,
  ...(input.note === undefined ? {} : { note: input.note }),
  ...(input.facts.reason === "duplicate_request" && input.facts.duplicateOf !== undefined
    ? { duplicateOf: input.facts.duplicateOf }
    : {}),
  credits: input.credits,
  state: "requested",
  requestedAt: now,
  updatedAt: now,
})

export const leadRefundStates = Object.keys(leadRefundTransitions) as ReadonlyArray<LeadRefundState>

/** Approves or rejects a claim by the table; a decided claim stays as it was decided. */
export const transitionLeadRefund = (
  refund: LeadRefund,
  command: LeadRefundCommand,
  now: Instant,
): Result.Result<LeadRefund, RefundAlreadyDecided> => {
  const to = leadRefundTransitions[refund.state][command._tag]
  if (to === undefined) {
    return Result.fail(
      new RefundAlreadyDecided({
        refundId: refund.id,
        state: refund.state,
        command: command._tag,
      }),
    )
  }
  return Result.succeed({
    ...refund,
    state: to,
    decidedAt: now,
    decidedBy: command.operator,
    decisionReason: command.reason,
    updatedAt: now,
  })
}

/** The idempotency id of an offer's refund: an offer's unlock is given back at most once. */
export const refundTransferId = (offerId: string): string => `lead-refund:${offerId}`

/**
 * The money of a decision: an approved claim reverses the unlock's transfer (the same
 * accounts in the opposite direction, the same amount and links) under the offer's refund
 * id; any other claim moves nothing. Undefined when the unlock charged other than the
 * claim's credits, which would mean the records disagree.
 */
export const refundTransfer = (
  refund: LeadRefund,
  unlock: Transfer,
): TransferRequest | undefined => {
  if (refund.state !== "approved" || unlock.amount !== BigInt(refund.credits)) return undefined
  return {
    id: refundTransferId(refund.offerId),
    debitAccountId: unlock.creditAccountId,
    creditAccountId: unlock.debitAccountId,
    amount: unlock.amount as Amount,
    unit: unlock.unit,
    reason: "lead_refund",
    links: unlock.links,
  }
}
