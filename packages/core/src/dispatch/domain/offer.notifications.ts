import { showWindow } from "../../conversation/domain/availability.ops.ts"
import { leadOfferedIntent, timesProposedIntent } from "../../conversation/domain/offer.intents.ts"
import { leadLinkExpiresAt, visitLinkExpiresAt } from "../../links/domain/secure-link.ops.ts"
import type { LinkGrant } from "../../links/domain/secure-link.ts"
import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import {
  greeting,
  messagesForParty,
  type RenderedMessage,
} from "../../notifications/domain/party-messages.ts"
import { type MarketplacePolicy, urgencyPhrase } from "../../policy/policy.ts"
import type { OfferId, RequestId } from "../../shared/ids.ts"
import { withArticle } from "../../shared/text.ts"
import type { Instant } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { LeadView } from "./disclosure.ops.ts"
import type { ExpiryCause, Offer } from "./offer.ts"
import type { Availability, TimeWindow } from "./service-request.ts"

/** The templates the offer notification policy renders. */
export const offerTemplates = {
  leadOffered: "lead.offered",
  leadWithdrawn: "lead.withdrawn",
  providerAssigned: "lead.provider_assigned",
  customerHandover: "lead.customer_handover",
  timesProposed: "lead.times_proposed",
  leadExpired: "lead.expired",
  timesRejected: "lead.times_rejected",
} as const

/**
 * What happened to an offer that someone must hear about. Each notice carries only what
 * its recipient may see: a provider's lead notice carries the preview view, nothing more.
 */
export type OfferNotice =
  /** A provider is offered a lead: the preview only (no name, phone, address, photos). */
  | {
      readonly _tag: "LeadOffered"
      readonly provider: Party
      readonly preview: LeadView
      /** The offer the provider's lead link opens (its time-to-live bounds the link). */
      readonly offer: Offer
    }
  /** The lead went to someone else or was closed by dispatch. */
  | { readonly _tag: "LeadWithdrawn"; readonly provider: Party; readonly category: string }
  /** Handover, homeowner side: the provider's name and phone. */
  | {
      readonly _tag: "ProviderAssigned"
      /** The request the homeowner's handover link opens. */
      readonly requestId: RequestId
      readonly customer: Party
      readonly provider: Party
      readonly category: string
      /** The visit's last possible moment, if known: the handover link outlasts it. */
      readonly visitEndsAt?: Instant
      /** The time the homeowner chose from the provider's proposed ones, if they did. */
      readonly agreedTime?: TimeWindow
    }
  /** Handover, provider side: the homeowner's details (the assigned view). */
  | {
      readonly _tag: "CustomerHandover"
      readonly provider: Party
      readonly assigned: LeadView
      /** The accepted offer: the provider's job link opens it. */
      readonly offerId: OfferId
      /** The visit's last possible moment, if known: the job link outlasts it. */
      readonly visitEndsAt?: Instant
      /** The time the homeowner chose from the provider's proposed ones, if they did. */
      readonly agreedTime?: TimeWindow
    }
  /**
   * The provider proposed three other times; the homeowner picks one or none. No provider
   * here: the request is not assigned yet, so the homeowner may not learn who proposed
   * (their name and phone come with `ProviderAssigned`, after the handover gate).
   */
  | {
      readonly _tag: "TimesProposed"
      /** The request the homeowner's handover link opens (to pick a time there). */
      readonly requestId: RequestId
      /** The offer whose times these are: the chat list's rows answer it. */
      readonly offerId?: OfferId
      readonly customer: Party
      readonly category: string
      readonly slots: ReadonlyArray<TimeWindow>
    }
  /** The scheduler closed the provider's offer: its time-to-live, hold or proposed times ran out. */
  | {
      readonly _tag: "LeadExpired"
      readonly provider: Party
      readonly category: string
      readonly cause: Exclude<ExpiryCause, "withdrawn">
    }
  /** The homeowner chose none of the times the provider proposed. */
  | { readonly _tag: "TimesRejected"; readonly provider: Party; readonly category: string }

const expiryText: Record<Exclude<ExpiryCause, "withdrawn">, string> = {
  ttl: "you were offered was not unlocked in time",
  hold: "you unlocked was not accepted before your hold ran out",
  slots_passed: "you proposed times for was not confirmed by the homeowner in time",
}

const nameOf = (party: Party, fallback: string) => party.profile.displayName ?? fallback

/** " on Wed 25 Nov 09:00-10:00" in the marketplace's time, or nothing without an agreed time. */
const onTime = (agreed: TimeWindow | undefined, policy: MarketplacePolicy): string =>
  agreed === undefined ? "" : ` on ${showWindow(agreed, policy.timeZone)}`

/**
 * The last moment a visit can take place: the time the homeowner chose, else the end of
 * the request's latest window; none for `now` (the handover link's own days cover it).
 */
export const visitEndsAt = (
  availability: Availability,
  chosenSlot: TimeWindow | undefined,
): Instant | undefined => {
  if (chosenSlot !== undefined) return chosenSlot.end
  if (availability._tag === "now" || availability.windows.length === 0) return undefined
  return Math.max(...availability.windows.map((w) => w.end)) as Instant
}

const latestEnd = (slots: ReadonlyArray<TimeWindow>): Instant | undefined =>
  slots.length === 0 ? undefined : (Math.max(...slots.map((s) => s.end)) as Instant)

/**
 * The secure link a notice's message carries, if any: the provider's lead link with a new
 * lead; the homeowner's handover link with proposed times and with the assigned provider;
 * the assigned provider's job link (the lead page, details and a call button) with the
 * homeowner's contact. A link about a visit lasts past the visit (`visitLinkExpiresAt`).
 */
export const linkGrantFor = (notice: OfferNotice, now: Instant): LinkGrant | undefined => {
  switch (notice._tag) {
    case "LeadOffered":
      return {
        partyId: notice.provider.id,
        scope: "lead",
        objectId: notice.offer.id,
        expiresAt: leadLinkExpiresAt(notice.offer.expiresAt),
      }
    case "ProviderAssigned":
      return {
        partyId: notice.customer.id,
        scope: "handover",
        objectId: notice.requestId,
        expiresAt: visitLinkExpiresAt(now, notice.visitEndsAt),
      }
    case "TimesProposed":
      return {
        partyId: notice.customer.id,
        scope: "handover",
        objectId: notice.requestId,
        // The homeowner may choose any of the times up to its start, so up to its end.
        expiresAt: visitLinkExpiresAt(now, latestEnd(notice.slots)),
      }
    case "CustomerHandover":
      return {
        partyId: notice.provider.id,
        scope: "lead",
        objectId: notice.offerId,
        expiresAt: visitLinkExpiresAt(now, notice.visitEndsAt),
      }
    default:
      return undefined
  }
}

/** The words before the link, for the notices that carry one (see `linkGrantFor`). */
const linkLabel: Partial<Record<OfferNotice["_tag"], string>> = {
  LeadOffered: "Your lead:",
  TimesProposed: "Or choose on your page:",
  ProviderAssigned: "Your request:",
  CustomerHandover: "Your job:",
}

const withLink = (
  message: RenderedMessage,
  notice: OfferNotice,
  linkUrl: string | undefined,
): RenderedMessage => {
  const label = linkLabel[notice._tag]
  return linkUrl === undefined || label === undefined
    ? message
    : { ...message, body: `${message.body} ${label} ${linkUrl}` }
}

const render = (notice: OfferNotice, policy: MarketplacePolicy): RenderedMessage => {
  switch (notice._tag) {
    case "LeadOffered": {
      const lead = notice.preview
      const price =
        lead.priceCredits === undefined ? "" : ` Unlock for ${lead.priceCredits} credits.`
      return {
        template: offerTemplates.leadOffered,
        subject: `${policy.brand}: a new ${lead.category} lead in ${lead.area}`,
        body: `${greeting(notice.provider)}, a new ${lead.category} lead in ${lead.area}, ${urgencyPhrase[lead.urgency]} (${lead.mode === "virtual" ? "virtual consultation" : "in person"}).${price} Open your lead link to see it.`,
      }
    }
    case "LeadWithdrawn":
      return {
        template: offerTemplates.leadWithdrawn,
        subject: `${policy.brand}: ${withArticle(notice.category)} lead is no longer available`,
        body: `${greeting(notice.provider)}, the ${notice.category} lead you were offered is no longer available. We will send you the next one.`,
      }
    case "ProviderAssigned":
      return {
        template: offerTemplates.providerAssigned,
        subject: `${policy.brand}: your ${notice.category} provider`,
        body: `${greeting(notice.customer)}, ${nameOf(notice.provider, "your provider")} will help with your ${notice.category} request${onTime(notice.agreedTime, policy)}. You can reach them on ${notice.provider.phone}.`,
      }
    case "CustomerHandover": {
      const lead = notice.assigned
      const address = lead.street === undefined ? lead.area : `${lead.street}, ${lead.area}`
      return {
        template: offerTemplates.customerHandover,
        subject: `${policy.brand}: the ${lead.category} job is yours`,
        body: `${greeting(notice.provider)}, the ${lead.category} job is yours${onTime(notice.agreedTime, policy)}. Homeowner: ${lead.customerName ?? "the homeowner"}, ${lead.customerPhone ?? ""}, ${address}.`,
      }
    }
    case "TimesProposed": {
      const times = notice.slots
        // In the marketplace's time, as the homeowner reads a clock, not UTC.
        .map((slot, i) => `${i + 1}) ${showWindow(slot, policy.timeZone)}`)
        .join("; ")
      return {
        template: offerTemplates.timesProposed,
        subject: `${policy.brand}: new times for your ${notice.category} request`,
        body: `${greeting(notice.customer)}, a provider proposes these times for your ${notice.category} request: ${times}. Reply with 1, 2 or 3, or none.`,
      }
    }
    case "LeadExpired":
      return {
        template: offerTemplates.leadExpired,
        subject: `${policy.brand}: ${withArticle(notice.category)} lead has expired`,
        body: `${greeting(notice.provider)}, the ${notice.category} lead ${expiryText[notice.cause]}, so it is closed for you. We will send you the next one.`,
      }
    case "TimesRejected":
      return {
        template: offerTemplates.timesRejected,
        subject: `${policy.brand}: the ${notice.category} homeowner could not use your times`,
        body: `${greeting(notice.provider)}, the homeowner could not use any of the times you proposed for the ${notice.category} lead, so it is closed for you.`,
      }
  }
}

const recipient = (notice: OfferNotice): Party => {
  switch (notice._tag) {
    case "LeadOffered":
    case "LeadWithdrawn":
    case "CustomerHandover":
    case "LeadExpired":
    case "TimesRejected":
      return notice.provider
    case "ProviderAssigned":
    case "TimesProposed":
      return notice.customer
  }
}

/**
 * The offer notification policy: the messages one notice sends, on WhatsApp and by email
 * when the recipient has an address. The dedupe key is event id + channel + template.
 */
export const offerNotifications = (
  eventId: string,
  notice: OfferNotice,
  policy: MarketplacePolicy,
  /** The URL of the notice's secure link (see `linkGrantFor`), appended to the text. */
  linkUrl?: string,
): ReadonlyArray<MessageDraft> => {
  const message = withLink(render(notice, policy), notice, linkUrl)
  return messagesForParty(eventId, recipient(notice), withIntent(message, notice, policy))
}

/**
 * On WhatsApp a lead comes with buttons and proposed times with a list, so people answer
 * with a tap (the conversation engine reads the ids); the text stays the fallback.
 */
const withIntent = (
  message: RenderedMessage,
  notice: OfferNotice,
  policy: MarketplacePolicy,
): RenderedMessage => {
  switch (notice._tag) {
    case "LeadOffered":
      return { ...message, intent: leadOfferedIntent(message.body, notice.offer.id, policy.model) }
    case "TimesProposed":
      return notice.offerId === undefined
        ? message
        : {
            ...message,
            intent: timesProposedIntent(
              message.body,
              notice.offerId,
              notice.slots,
              policy.timeZone,
            ),
          }
    default:
      return message
  }
}
