import { Schema } from "effect"
import { refusalMessage } from "../../shared/refusals.ts"
import { leadRefundTransitions } from "./lead-refund.transitions.ts"

const iso = (ms: number) => new Date(ms).toISOString()

/** The policy does not (or no longer) accept this refund reason. */
export class RefundReasonNotAllowed extends Schema.TaggedError<RefundReasonNotAllowed>()(
  "RefundReasonNotAllowed",
  { reason: Schema.String, allowed: Schema.Array(Schema.String) },
) {
  override get message() {
    const allowed = this.allowed.length > 0 ? this.allowed.join(", ") : "none"
    return `refund reason ${this.reason} is not accepted here (accepted: ${allowed})`
  }
}

/** Only an unlock charges credits, so only an unlocked offer has anything to refund. */
export class LeadNotUnlocked extends Schema.TaggedError<LeadNotUnlocked>()("LeadNotUnlocked", {
  offerId: Schema.String,
  state: Schema.String,
}) {
  override get message() {
    return `offer ${this.offerId} was never unlocked (it is ${this.state}): no credits were charged`
  }
}

/** One refund claim per offer. */
export class RefundAlreadyClaimed extends Schema.TaggedError<RefundAlreadyClaimed>()(
  "RefundAlreadyClaimed",
  { offerId: Schema.String, refundId: Schema.String },
) {
  override get message() {
    return `offer ${this.offerId} already has refund claim ${this.refundId}`
  }
}

/** Claims are taken for a while after the unlock, not forever. */
export class RefundWindowClosed extends Schema.TaggedError<RefundWindowClosed>()(
  "RefundWindowClosed",
  { offerId: Schema.String, closedAt: Schema.Number },
) {
  override get message() {
    return `refunds for offer ${this.offerId} could be claimed until ${iso(this.closedAt)}`
  }
}

/** invalid_contact: the provider can only have found the contact wrong once it was released. */
export class ContactNotReleased extends Schema.TaggedError<ContactNotReleased>()(
  "ContactNotReleased",
  { offerId: Schema.String, state: Schema.String },
) {
  override get message() {
    return `offer ${this.offerId} is ${this.state}: the homeowner's contact was never released to the provider`
  }
}

/** What is wrong with the request a duplicate_request claim names. */
export const DuplicateProblem = Schema.Literals([
  "not_named",
  "unknown",
  "same_request",
  "other_homeowner",
  "other_category",
  "not_earlier",
  "too_far_apart",
])
export type DuplicateProblem = typeof DuplicateProblem.Type

// No field names here: the API names the field in `issues[].path` (duplicateOf), the CLI
// its flag (--duplicate-of).
const duplicateText: Record<DuplicateProblem, string> = {
  not_named: "name the earlier request it repeats",
  unknown: "the named request does not exist",
  same_request: "a request cannot duplicate itself",
  other_homeowner: "the named request is another homeowner's",
  other_category: "the named request is for another category",
  not_earlier: "the named request was not made before this one",
  too_far_apart: "the named request was made too long before this one",
}

/** duplicate_request: the named request is not an earlier one of the same homeowner and category. */
export class NotADuplicate extends Schema.TaggedError<NotADuplicate>()("NotADuplicate", {
  requestId: Schema.String,
  duplicateOf: Schema.optionalKey(Schema.String),
  problem: DuplicateProblem,
}) {
  override get message() {
    return `request ${this.requestId} is not a duplicate: ${duplicateText[this.problem]}`
  }
}

/** withdrawn_before_contact: the homeowner did not cancel the request. */
export class RequestNotWithdrawn extends Schema.TaggedError<RequestNotWithdrawn>()(
  "RequestNotWithdrawn",
  { requestId: Schema.String, state: Schema.String },
) {
  override get message() {
    return `request ${this.requestId} is ${this.state}, not cancelled`
  }
}

/** withdrawn_before_contact: the provider got the homeowner's contact before the cancellation. */
export class ContactAlreadyReleased extends Schema.TaggedError<ContactAlreadyReleased>()(
  "ContactAlreadyReleased",
  { offerId: Schema.String },
) {
  override get message() {
    return `offer ${this.offerId} was accepted: the provider had the homeowner's contact`
  }
}

/** expired: the offer did not expire (and was not withdrawn) after the unlock. */
export class LeadNotExpired extends Schema.TaggedError<LeadNotExpired>()("LeadNotExpired", {
  offerId: Schema.String,
  state: Schema.String,
}) {
  override get message() {
    return `offer ${this.offerId} is ${this.state}, not expired`
  }
}

export class LeadRefundNotFound extends Schema.TaggedError<LeadRefundNotFound>()(
  "LeadRefundNotFound",
  { refundId: Schema.String },
) {
  override get message() {
    return `no refund claim ${this.refundId}`
  }
}

/** A claim is decided once: approving or rejecting a decided claim changes nothing. */
export class RefundAlreadyDecided extends Schema.TaggedError<RefundAlreadyDecided>()(
  "RefundAlreadyDecided",
  {
    refundId: Schema.String,
    state: Schema.String,
    /** What was attempted: a command of `leadRefundTransitions` (Approve, Reject). */
    command: Schema.Literals(["Approve", "Reject"]),
  },
) {
  /** In words, like every state machine's refusal (shared/refusals.ts). */
  override get message() {
    const allowedFrom = Object.entries(leadRefundTransitions)
      .filter(([, commands]) => Object.hasOwn(commands, this.command))
      .map(([state]) => state)
    return refusalMessage({
      entity: "lead_refund",
      id: this.refundId,
      from: this.state,
      command: this.command,
      allowedFrom,
    })
  }
}
