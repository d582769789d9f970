import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import {
  greeting,
  messagesForParty,
  type RenderedMessage,
} from "../../notifications/domain/party-messages.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { toIso } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { LeadView } from "./disclosure.ops.ts"
import type { TimeWindow } from "./service-request.ts"

/** The templates the offer notification policy renders. */
export const offerTemplates = {
  leadOffered: "lead.offered",
  leadWithdrawn: "lead.withdrawn",
  providerAssigned: "lead.provider_assigned",
  customerHandover: "lead.customer_handover",
  timesProposed: "lead.times_proposed",
} as const

/**
 * What happened to an offer that someone must hear about. Each notice carries only what
 * its recipient may see: a provider's lead notice carries the preview view, nothing more.
 */
export type OfferNotice =
  /** A provider is offered a lead: the preview only (no name, phone, address, photos). */
  | { readonly _tag: "LeadOffered"; readonly provider: Party; readonly preview: LeadView }
  /** The lead went to someone else or was closed by dispatch. */
  | { readonly _tag: "LeadWithdrawn"; readonly provider: Party; readonly category: string }
  /** Handover, homeowner side: the provider's name and phone. */
  | {
      readonly _tag: "ProviderAssigned"
      readonly customer: Party
      readonly provider: Party
      readonly category: string
    }
  /** Handover, provider side: the homeowner's details (the assigned view). */
  | { readonly _tag: "CustomerHandover"; readonly provider: Party; readonly assigned: LeadView }
  /** The provider proposed three other times; the homeowner picks one or none. */
  | {
      readonly _tag: "TimesProposed"
      readonly customer: Party
      readonly provider: Party
      readonly category: string
      readonly slots: ReadonlyArray<TimeWindow>
    }

const nameOf = (party: Party, fallback: string) => party.profile.displayName ?? fallback

const render = (notice: OfferNotice, policy: MarketplacePolicy): RenderedMessage => {
  switch (notice._tag) {
    case "LeadOffered": {
      const lead = notice.preview
      const price =
        lead.priceCredits === undefined ? "" : ` Unlock for ${lead.priceCredits} credits.`
      return {
        template: offerTemplates.leadOffered,
        subject: `${policy.brand}: a new ${lead.category} lead in ${lead.area}`,
        body: `${greeting(notice.provider)}, a new ${lead.urgency} ${lead.category} lead in ${lead.area} (${lead.mode === "virtual" ? "virtual consultation" : "in person"}).${price} Open your lead link to see it.`,
      }
    }
    case "LeadWithdrawn":
      return {
        template: offerTemplates.leadWithdrawn,
        subject: `${policy.brand}: a ${notice.category} lead is no longer available`,
        body: `${greeting(notice.provider)}, the ${notice.category} lead you were offered is no longer available. We will send you the next one.`,
      }
    case "ProviderAssigned":
      return {
        template: offerTemplates.providerAssigned,
        subject: `${policy.brand}: your ${notice.category} provider`,
        body: `${greeting(notice.customer)}, ${nameOf(notice.provider, "your provider")} will help with your ${notice.category} request. You can reach them on ${notice.provider.phone}.`,
      }
    case "CustomerHandover": {
      const lead = notice.assigned
      const address = lead.street === undefined ? lead.area : `${lead.street}, ${lead.area}`
      return {
        template: offerTemplates.customerHandover,
        subject: `${policy.brand}: the ${lead.category} job is yours`,
        body: `${greeting(notice.provider)}, the ${lead.category} job is yours. Homeowner: ${lead.customerName ?? "the homeowner"}, ${lead.customerPhone ?? ""}, ${address}.`,
      }
    }
    case "TimesProposed": {
      const times = notice.slots
        .map((slot, i) => `${i + 1}) ${toIso(slot.start)} to ${toIso(slot.end)}`)
        .join("; ")
      return {
        template: offerTemplates.timesProposed,
        subject: `${policy.brand}: new times for your ${notice.category} request`,
        body: `${greeting(notice.customer)}, ${nameOf(notice.provider, "a provider")} proposes these times for your ${notice.category} request: ${times}. Reply with 1, 2 or 3, or none.`,
      }
    }
  }
}

const recipient = (notice: OfferNotice): Party => {
  switch (notice._tag) {
    case "LeadOffered":
    case "LeadWithdrawn":
    case "CustomerHandover":
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
): ReadonlyArray<MessageDraft> =>
  messagesForParty(eventId, recipient(notice), render(notice, policy))
