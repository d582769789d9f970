import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { ServiceRequest } from "./service-request.ts"

export const opsAlertTemplates = { requestUnfulfilled: "ops.request_unfulfilled" } as const

/**
 * The email telling ops that dispatch gave up on a request (nobody eligible is left and no
 * offer is in play), so someone can call the homeowner. Nothing when
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
        `The homeowner has been told that nobody was found. Unfulfilled is final: to help them ` +
        `by hand, call them (fundi ops requests show ${request.id}) and have them send a new request.`,
    },
  ]
}
