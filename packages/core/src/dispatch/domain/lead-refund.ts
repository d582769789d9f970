import { Schema } from "effect"
import { LeadRefundId, OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"

/**
 * Why a provider wants the credits of an unlock back. The literals are the policy's
 * `credits.refundReasons`; each one's checkable facts are in lead-refund.ops.ts.
 */
export const RefundReason = Schema.Literals([
  "invalid_contact",
  "duplicate_request",
  "withdrawn_before_contact",
  "expired",
])
export type RefundReason = typeof RefundReason.Type

/** See lead-refund.transitions.ts for the allowed moves. */
export const LeadRefundState = Schema.Literals(["requested", "approved", "rejected"])
export type LeadRefundState = typeof LeadRefundState.Type

/**
 * A provider's claim to get back the credits one unlock charged (at most one per offer).
 * `credits` is what the unlock charged; an approval moves exactly that back, once.
 * decidedAt, decidedBy and decisionReason are set when ops approve or reject it.
 */
export const LeadRefund = Schema.Struct({
  id: LeadRefundId,
  offerId: OfferId,
  requestId: RequestId,
  providerId: PartyId,
  reason: RefundReason,
  /** The provider's own words ("the number rings out"). */
  note: Schema.optionalKey(Schema.String),
  /** For duplicate_request: the homeowner's earlier request this one repeats. */
  duplicateOf: Schema.optionalKey(RequestId),
  credits: Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1)),
  state: LeadRefundState,
  requestedAt: Instant,
  decidedAt: Schema.optionalKey(Instant),
  /** The operator who approved or rejected it. */
  decidedBy: Schema.optionalKey(Schema.String),
  decisionReason: Schema.optionalKey(Schema.String),
  updatedAt: Instant,
})
export type LeadRefund = typeof LeadRefund.Type
