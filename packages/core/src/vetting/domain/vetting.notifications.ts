import { menuButtons } from "../../conversation/domain/conversation.replies.ts"
import type { MessageIntent } from "../../conversation/domain/intent.ts"
import { buttonsReply } from "../../conversation/domain/replies.ts"
import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import { greeting, messagesForParty } from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { showDateTime } from "../../shared/local-time.ts"
import type { Party } from "./party.ts"
import type { VettingEvent } from "./vetting.events.ts"

/** The templates the vetting notification policy renders. */
export const vettingTemplates = {
  approved: "application.approved",
  rejected: "application.rejected",
  suspended: "party.suspended",
  reinstated: "party.reinstated",
} as const

interface Rendered {
  readonly template: string
  readonly subject: string
  readonly body: string
  readonly intent?: MessageIntent
}

const render = (
  event: VettingEvent,
  party: Party,
  policy: MarketplacePolicy,
): Rendered | undefined => {
  const marketplace = policy.brand
  switch (event._tag) {
    case "ApplicationApproved": {
      const body =
        party.kind === "provider"
          ? `${greeting(party)}, your application is approved: welcome to ${marketplace}! You will now receive job leads that match your trades and areas on this number.`
          : `${greeting(party)}, your account is approved: welcome to ${marketplace}! Message this number whenever you need help at home.`
      return {
        template: vettingTemplates.approved,
        subject: `Welcome to ${marketplace}`,
        body,
        // On WhatsApp the welcome ends in the menu, so the next step is one tap away.
        intent: buttonsReply(vettingTemplates.approved, body, menuButtons(party)).intent,
      }
    }
    case "ApplicationRejected": {
      const again =
        event.reapplyAfter === undefined
          ? "You may apply again once you have addressed this."
          : // The marketplace's local time, as the applicant reads a clock, not UTC.
            `You may apply again from ${showDateTime(event.reapplyAfter, policy.timeZone)}.`
      return {
        template: vettingTemplates.rejected,
        subject: `Your ${marketplace} application`,
        body: `${greeting(party)}, your application was not approved. Reason: ${event.reason}. ${again}`,
      }
    }
    case "PartyStatusChanged":
      if (event.to === "suspended") {
        return {
          template: vettingTemplates.suspended,
          subject: `Your ${marketplace} account is suspended`,
          body: `${greeting(party)}, your ${marketplace} account is suspended. Reason: ${event.reason}. Reply to this message to talk to our team.`,
        }
      }
      if (event.from === "suspended" && event.to === "active") {
        return {
          template: vettingTemplates.reinstated,
          subject: `Your ${marketplace} account is active again`,
          body: `${greeting(party)}, your ${marketplace} account is active again. Reason: ${event.reason}.`,
        }
      }
      return undefined
    default:
      return undefined
  }
}

/**
 * The vetting notification policy: which messages an event sends to the party it is
 * about. Decisions (approval with a welcome, rejection with the reason and, after a failed
 * check, the date from which they may re-apply) and suspension or reinstatement go out on
 * WhatsApp, and by email too when the profile has an address. Everything else is silent.
 * The dedupe key is event id + channel + template, so a retried use case never sends twice.
 */
export const vettingNotifications = (
  event: VettingEvent,
  party: Party,
  policy: MarketplacePolicy,
): ReadonlyArray<MessageDraft> => {
  return messagesForParty(event.eventId, party, render(event, party, policy))
}
