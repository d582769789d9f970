import { Effect, Option } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { newLeadRefundId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { NotOfferProvider, OfferNotFound } from "../domain/dispatch.errors.ts"
import {
  checkRefundClaim,
  makeLeadRefund,
  type RefundClaimRefused,
} from "../domain/lead-refund.ops.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { RequestLeadRefundInput } from "./lead-refund-inputs.ts"
import { claimFacts } from "./lead-refund-support.ts"
import { lockOffer } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/**
 * A provider claims back the credits of one unlock (or ops record a claim the provider
 * phoned in). Every precondition of `checkRefundClaim` is checked under the request's lock,
 * so two claims on one offer cannot both pass. Nothing moves yet: the claim waits in the
 * ops queue (`listLeadRefunds`, and the `lead_refund.request` audit entry).
 */
export const requestLeadRefund: (
  input: unknown,
) => Effect.Effect<
  LeadRefund,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | RefundClaimRefused,
  DispatchServices
> = Effect.fn("requestLeadRefund")(function* (raw: unknown) {
  const input = yield* decodeInput(RequestLeadRefundInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const refunds = yield* LeadRefundRepository
      const { request, offer } = yield* lockOffer(input.offerId, input.providerId)
      const existing = Option.getOrUndefined(yield* refunds.findByOffer(offer.id))
      const facts = yield* claimFacts(input, request, offer, existing)
      const at = yield* now
      const credits = yield* Effect.fromResult(checkRefundClaim(facts, policy, at))
      const refund = makeLeadRefund(
        {
          id: yield* newLeadRefundId,
          facts,
          credits,
          ...(input.note === undefined ? {} : { note: input.note }),
        },
        at,
      )
      yield* refunds.insert(refund)
      const actor: Actor =
        input.operator === undefined
          ? { _tag: "party", partyId: input.providerId }
          : { _tag: "operator", name: input.operator }
      yield* audit({
        actor,
        action: "lead_refund.request",
        subjectType: "lead_refund",
        subjectId: refund.id,
        ...(input.operatorReason === undefined ? {} : { reason: input.operatorReason }),
        details: {
          offerId: refund.offerId,
          requestId: refund.requestId,
          providerId: refund.providerId,
          refundReason: refund.reason,
          credits: refund.credits,
          ...(refund.duplicateOf === undefined ? {} : { duplicateOf: refund.duplicateOf }),
          ...(refund.note === undefined ? {} : { note: refund.note }),
        },
      })
      return refund
    }),
  )
})
