import { menuButtons } from "../../conversation/domain/conversation.replies.ts"
import { buttonsReply } from "../../conversation/domain/replies.ts"
import type {
  MessageDraft,
  NotificationChannel,
} from "../../notifications/domain/outbox-message.ts"
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
  unfulfilled: "request.unfulfilled",
} as const

const asked = (question: string): string => `${question} Reply to this message with your answer.`

/**
 * Whether the body of a clarification message we sent asks `question` about a request of
 * `category`: a homeowner's reply in context to that message answers that request. Kept
 * beside the words it reads, so a change to them cannot silently break the match.
 */
export const asksAbout = (
  body: string,
  request: { readonly category: string; readonly question: string },
): boolean =>
  body.includes(`for your ${request.category} request we need to know: `) &&
  body.endsWith(`: ${asked(request.question)}`)

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
        body: `${greeting(customer)}, before we find a provider for ${what} we need to know: ${asked(event.question)}`,
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
 * How a homeowner asks again, by where they read it: the chat starts a request from its
 * menu ("Request help"); an email cannot start one, so it points to the chat, from the
 * number we know them by (the chat recognises them by it).
 */
const askAgain = (channel: NotificationChannel, customer: Party, policy: MarketplacePolicy) =>
  channel === "whatsapp"
    ? 'To ask again, reply "menu" and tap Request help.'
    : `To ask again, message ${policy.brand} on WhatsApp from ${customer.phone}: send "menu" and tap Request help.`

/** The words telling a homeowner that nobody was found for their request, on one channel. */
export const unfulfilledText = (
  request: ServiceRequest,
  customer: Party,
  policy: MarketplacePolicy,
  channel: NotificationChannel,
): string =>
  `${greeting(customer)}, we are sorry: no provider was available for your ${request.category} request at a time that suits you, so we have stopped looking. Our team has been told. ${askAgain(channel, customer, policy)}`

/**
 * The homeowner's notice that dispatch gave up on their request (unfulfilled, final): on
 * WhatsApp with the menu buttons, so asking again is one tap away, and by email when the
 * profile has an address. The dedupe key is the request's id (not the event's), so the
 * notice goes out once per request whatever runs the give-up twice.
 */
export const unfulfilledNotice = (
  request: ServiceRequest,
  customer: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  const body = unfulfilledText(request, customer, policy, "whatsapp")
  const drafts = messagesForParty(request.id, customer, {
    template: requestTemplates.unfulfilled,
    subject: `${policy.brand}: no provider for your ${request.category} request`,
    body,
    intent: buttonsReply(requestTemplates.unfulfilled, body, menuButtons(customer)).intent,
  })
  return drafts.map((draft) =>
    draft.channel === "whatsapp"
      ? draft
      : { ...draft, body: unfulfilledText(request, customer, policy, draft.channel) },
  )
}

/**
 * The request notification policy: which messages an event sends to the homeowner. A
 * question from ops, a cancellation and a request nobody could take go out on WhatsApp,
 * and by email too when the profile has an address; everything else is silent. Test-cohort
 * homeowners are messaged like live ones (they are real people trying the service). The
 * dedupe key is event id + channel + template, so a retried use case never sends twice;
 * the unfulfilled notice's is request id + channel + template (see `unfulfilledNotice`).
 */
export const requestNotifications = (
  event: RequestEvent,
  request: ServiceRequest,
  customer: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> =>
  event._tag === "RequestUnfulfilled"
    ? unfulfilledNotice(request, customer, policy)
    : messagesForParty(event.eventId, customer, render(event, request, customer, policy))
