import { Schema } from "effect"
import { OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { TimeWindow } from "../domain/service-request.ts"

/** Input schemas of the offer (lead) use cases; HTTP and CLI validate with these too. */

/** Ops (`operator`) or the dispatcher process (neither given) start dispatch. */
export const DispatchRequestInput = Schema.Struct({
  requestId: RequestId,
  operator: Schema.optionalKey(OperatorName),
  /** Why ops dispatched it by hand, for the audit log (the scheduler gives none). */
  reason: Schema.optionalKey(Reason),
})
export type DispatchRequestInput = typeof DispatchRequestInput.Encoded

/** One offer, as ops look it up. */
export const OfferRef = Schema.Struct({ offerId: OfferId })
export type OfferRef = typeof OfferRef.Encoded

/** A provider acting on one of its own offers. */
export const OfferActionInput = Schema.Struct({ offerId: OfferId, providerId: PartyId })
export type OfferActionInput = typeof OfferActionInput.Encoded

export const DeclineLeadInput = Schema.Struct({
  offerId: OfferId,
  providerId: PartyId,
  reason: Schema.optionalKey(Reason),
})
export type DeclineLeadInput = typeof DeclineLeadInput.Encoded

/**
 * Slots as epoch milliseconds. How many, and whether they are distinct, future and apart,
 * is the rules' business (validateProposedTimes), so the error names the rule broken.
 */
export const ProposeTimesInput = Schema.Struct({
  offerId: OfferId,
  providerId: PartyId,
  slots: Schema.Array(TimeWindow).check(Schema.isMaxLength(10)),
})
export type ProposeTimesInput = typeof ProposeTimesInput.Encoded

/** The homeowner picks one of the three proposed times, by position (0, 1 or 2). */
export const ChooseProposedTimeInput = Schema.Struct({
  offerId: OfferId,
  customerId: PartyId,
  slot: Schema.Number.check(
    Schema.isInt(),
    Schema.isGreaterThanOrEqualTo(0),
    Schema.isLessThanOrEqualTo(2),
  ),
})
export type ChooseProposedTimeInput = typeof ChooseProposedTimeInput.Encoded

/** The homeowner can use none of the proposed times. */
export const RejectProposedTimesInput = Schema.Struct({ offerId: OfferId, customerId: PartyId })
export type RejectProposedTimesInput = typeof RejectProposedTimesInput.Encoded

/** How many due offers one scheduler run expires at most. */
export const ExpireDueOffersInput = Schema.Struct({
  limit: Schema.optionalKey(
    Schema.Number.check(
      Schema.isInt(),
      Schema.isGreaterThanOrEqualTo(1),
      Schema.isLessThanOrEqualTo(1000),
    ),
  ),
})
export type ExpireDueOffersInput = typeof ExpireDueOffersInput.Encoded

/** Ops offer a request to a provider they name, bypassing matching's judgement gates. */
export const OverrideDispatchInput = Schema.Struct({
  requestId: RequestId,
  providerId: PartyId,
  operator: OperatorName,
  reason: Reason,
})
export type OverrideDispatchInput = typeof OverrideDispatchInput.Encoded
