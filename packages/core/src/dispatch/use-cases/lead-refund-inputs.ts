import { Schema } from "effect"
import { LeadRefundId, OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { LeadRefundState, RefundReason } from "../domain/lead-refund.ts"

/** Input schemas of the lead refund use cases; HTTP and CLI validate with these too. */

/**
 * A provider claims the credits of one of its unlocks back. `operator` (and why, in
 * `operatorReason`) is set when ops record a claim the provider phoned in.
 */
export const RequestLeadRefundInput = Schema.Struct({
  offerId: OfferId,
  providerId: PartyId,
  reason: RefundReason,
  note: Schema.optionalKey(Reason),
  duplicateOf: Schema.optionalKey(RequestId),
  operator: Schema.optionalKey(OperatorName),
  operatorReason: Schema.optionalKey(Reason),
})
export type RequestLeadRefundInput = typeof RequestLeadRefundInput.Encoded

/** Ops approve or reject a claim, saying why. */
export const DecideLeadRefundInput = Schema.Struct({
  refundId: LeadRefundId,
  operator: OperatorName,
  reason: Reason,
})
export type DecideLeadRefundInput = typeof DecideLeadRefundInput.Encoded

export const LeadRefundRef = Schema.Struct({ refundId: LeadRefundId })
export type LeadRefundRef = typeof LeadRefundRef.Encoded

/** As every ops list: at most 1000 at once; without a limit, the whole queue. */
export const ListLeadRefundsInput = Schema.Struct({
  state: Schema.optionalKey(LeadRefundState),
  limit: Schema.optionalKey(
    Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 })),
  ),
})
export type ListLeadRefundsInput = typeof ListLeadRefundsInput.Encoded
