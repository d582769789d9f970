import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import { greeting, messagesForParty } from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { LeadRefund } from "./lead-refund.ts"

export const leadRefundTemplates = {
  approved: "lead.refund_approved",
  rejected: "lead.refund_rejected",
} as const

/**
 * The provider hears how ops decided their claim: an approval says how many credits came
 * back, a rejection says why (the operator's reason), so the provider can answer it.
 * Claims that are still open send nothing: ops see them in the refund queue.
 */
export const leadRefundNotifications = (
  eventId: string,
  refund: LeadRefund,
  provider: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  switch (refund.state) {
    case "approved":
      return messagesForParty(eventId, provider, {
        template: leadRefundTemplates.approved,
        subject: `${policy.brand}: your lead refund was approved`,
        body: `${greeting(provider)}, your refund claim for lead ${refund.offerId} was approved: ${refund.credits} credits are back in your wallet.`,
      })
    case "rejected":
      return messagesForParty(eventId, provider, {
        template: leadRefundTemplates.rejected,
        subject: `${policy.brand}: your lead refund was not approved`,
        body: `${greeting(provider)}, your refund claim for lead ${refund.offerId} was not approved: ${refund.decisionReason ?? "no reason given"}.`,
      })
    case "requested":
      return []
  }
}
