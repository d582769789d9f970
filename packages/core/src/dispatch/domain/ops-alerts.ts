import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { ServiceRequest } from "./service-request.ts"

export const opsAlertTemplates = { requestUnfulfilled: "ops.request_unfulfilled" } as const

/**
 * The email telling ops that dispatch gave up on a request (nobody eligible is left and no
 * offer is in play), so someone can call the homeowner or override dispatch. Nothing when
 * the policy names no ops address: the `request.unfulfilled` audit row is then the signal.
 */
export const unfulfilledAlert = (
  eventId: string,
  request: ServiceRequest,
  offersMade: number,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  const to = policy.ops?.alertEmail
  if (to === undefined) return []
  return [
    {
      dedupeKey: `${eventId}:email:${opsAlertTemplates.requestUnfulfilled}`,
      channel: "email",
      to,
      template: opsAlertTemplates.requestUnfulfilled,
      subject: `${policy.brand}: request ${request.id} is unfulfilled`,
      body:
        `Nobody is left to offer request ${request.id} (${request.urgency} ${request.category} in ` +
        `${request.location.area}, ${request.cohort}) after ${offersMade} offer(s). ` +
        `Follow up with the homeowner, or offer it by hand: fundi ops dispatch override ${request.id} --provider ID --reason TEXT`,
    },
  ]
}
