import { Effect, Option } from "effect"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { newEventId, newMessageId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { LeadRefundNotFound } from "../domain/lead-refund.errors.ts"
import { leadRefundNotifications } from "../domain/lead-refund.notifications.ts"
import type { RefundClaimFacts } from "../domain/lead-refund.ops.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import type { Offer } from "../domain/offer.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { partyOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { loadRequest } from "./support.ts"

export const loadLeadRefund = (
  refundId: LeadRefund["id"],
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<LeadRefund, LeadRefundNotFound | PersistenceUnavailable, LeadRefundRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* LeadRefundRepository).findById(refundId, options)
    if (Option.isNone(found)) return yield* new LeadRefundNotFound({ refundId })
    return found.value
  })

/**
 * Loads a claim for a decision, locking in the order every offer use case takes (request,
 * then offer, then the claim), so a decision and an unlock or accept never wait on each
 * other, and two decisions on one claim run one after the other.
 */
export const lockLeadRefund = (
  refundId: LeadRefund["id"],
): Effect.Effect<
  { readonly refund: LeadRefund; readonly request: ServiceRequest; readonly offer: Offer },
  LeadRefundNotFound | RequestNotFound | PersistenceUnavailable,
  DispatchServices
> =>
  Effect.gen(function* () {
    const seen = yield* loadLeadRefund(refundId)
    const request = yield* loadRequest(seen.requestId, { forUpdate: true })
    const offer = yield* (yield* OfferRepository).findById(seen.offerId, { forUpdate: true })
    // A claim is only ever made on a stored offer: a missing one is a bug.
    if (Option.isNone(offer)) return yield* Effect.die(new Error(`offer ${seen.offerId} is gone`))
    const refund = yield* loadLeadRefund(refundId, { forUpdate: true })
    return { refund, request, offer: offer.value }
  })

/** What the precondition rules look at for a claim on `offer`; loads the named duplicate. */
export const claimFacts = (
  claim: Pick<LeadRefund, "providerId" | "reason" | "duplicateOf">,
  request: ServiceRequest,
  offer: Offer,
  existing: LeadRefund | undefined,
): Effect.Effect<RefundClaimFacts, PersistenceUnavailable, RequestRepository> =>
  Effect.gen(function* () {
    const duplicate =
      claim.duplicateOf === undefined
        ? undefined
        : Option.getOrUndefined(yield* (yield* RequestRepository).findById(claim.duplicateOf))
    return {
      offer,
      request,
      providerId: claim.providerId,
      reason: claim.reason,
      ...(claim.duplicateOf === undefined ? {} : { duplicateOf: claim.duplicateOf }),
      ...(duplicate === undefined ? {} : { duplicate }),
      ...(existing === undefined ? {} : { existing }),
    }
  })

/** Tells the provider how ops decided, through the outbox, in the caller's transaction. */
export const notifyDecision = (
  refund: LeadRefund,
): Effect.Effect<void, PersistenceUnavailable, DispatchServices> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const at = yield* now
    const eventId = yield* newEventId
    const provider = yield* partyOf(refund.providerId)
    const messages = []
    for (const draft of leadRefundNotifications(eventId, refund, provider, policy)) {
      messages.push({
        ...draft,
        id: yield* newMessageId,
        status: "pending" as const,
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })
    }
    if (messages.length > 0) yield* (yield* Outbox).enqueue(messages)
  })

/** The audit entry of a decision: who, why, and the claim's move. */
export const decisionDetails = (before: LeadRefund, after: LeadRefund) => ({
  offerId: after.offerId,
  requestId: after.requestId,
  providerId: after.providerId,
  refundReason: after.reason,
  credits: after.credits,
  from: before.state,
  to: after.state,
})
