import type { LeadRefundState } from "./lead-refund.ts"

/** What ops do with a refund claim; both need an operator and a reason (audited). */
export type LeadRefundCommand =
  | { readonly _tag: "Approve"; readonly operator: string; readonly reason: string }
  | { readonly _tag: "Reject"; readonly operator: string; readonly reason: string }

export type LeadRefundCommandTag = LeadRefundCommand["_tag"]

/**
 * The refund claim state machine:
 *
 *   requested -> approved | rejected
 *
 * A claim is decided once: approved (the unlock's credits go back through the ledger) or
 * rejected (nothing moves). Both are final, so a claim can never pay out twice.
 */
export const leadRefundTransitions: {
  readonly [S in LeadRefundState]: { readonly [C in LeadRefundCommandTag]?: LeadRefundState }
} = {
  requested: { Approve: "approved", Reject: "rejected" },
  approved: {},
  rejected: {},
}
