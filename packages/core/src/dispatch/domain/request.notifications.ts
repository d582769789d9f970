import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import {
  greeting,
  messagesForParty,
  type RenderedMessage,
} from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { RequestEvent } from "./service-request.ops.ts"
import type { ServiceRequest } from "./service-request.ts"

/** The templates the request notification policy renders. */
export const requestTemplates = {
  clarification: "request.clarification",
  cancelled: "request.cancelled",
} as const

const render = (
  event: RequestEvent,
  request: ServiceRequest,
  customer: Party,
  policy: MarketplacePolicy,
): RenderedMessage | undefined => {
  const what = `your ${request.category} request`
  switch (event._tag) {
    case "ClarificationRequested":
      return {
        template: requestTemplates.clarification,
        subject: `A question about ${what}`,
        body: `${greeting(customer)}, before we find a provider for ${what} we need to know: ${event.question} Reply to this message with your answer.`,
      }
    case "RequestCancelled":
      return {
        template: requestTemplates.cancelled,
        subject: `${policy.brand}: ${what} is cancelled`,
        body: event.byCustomer
          ? `${greeting(customer)}, ${what} is cancelled as you asked. Message us whenever you need help again.`
          : `${greeting(customer)}, ${what} was cancelled. Reason: ${event.reason}. Reply to this message to talk to our team.`,
      }
    default:
      return undefined
  }
}

/**
 * The request notification policy: which messages an event sends to the homeowner. A
 * question from ops and a cancellation go out on WhatsApp, and by email too when the
 * profile has an address; everything else is silent. Test-cohort homeowners are
 * messaged like live ones (they are real people trying the service). The dedupe key is
 * event id + channel + template, so a retried use case never sends twice.
 */
export const requestNotifications = (
  event: RequestEvent,
  request: ServiceRequest,
  customer: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  return messagesForParty(event.eventId, customer, render(event, request, customer, policy))
}
