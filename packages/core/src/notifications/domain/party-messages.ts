import type { MessageIntent, TemplateIntent } from "../../conversation/domain/intent.ts"
import type { Party } from "../../vetting/domain/party.ts"
import type { MessageDraft, NotificationChannel } from "./outbox-message.ts"

/** A message rendered for one party, before it is addressed to each channel. */
export interface RenderedMessage {
  readonly template: string
  readonly subject: string
  readonly body: string
  /** WhatsApp only: buttons or a list to send instead of the plain body. */
  readonly intent?: MessageIntent
}

/**
 * The approved WhatsApp template every party notification falls back to when the
 * recipient's 24-hour window is closed (a provider offered a lead hours after they last
 * wrote): registered in WhatsApp Manager with the body "Update from your marketplace:
 * {{1}} Reply to this message to continue." ({{1}} is the message on one line).
 */
export const UPDATE_TEMPLATE = { name: "fundi_update", language: "en" } as const

/** A template parameter may not hold newlines, tabs or more than four spaces in a row. */
const TEMPLATE_PARAMETER_MAX = 1_000
export const asTemplateParameter = (text: string): string => {
  const line = text.replace(/\s+/g, " ").trim()
  return line.length <= TEMPLATE_PARAMETER_MAX
    ? line
    : `${line.slice(0, TEMPLATE_PARAMETER_MAX - 1)}…`
}

export const updateTemplateFor = (body: string): TemplateIntent => ({
  _tag: "template",
  ...UPDATE_TEMPLATE,
  parameters: [asTemplateParameter(body)],
})

export const greeting = (party: Party): string =>
  party.profile.displayName === undefined ? "Hello" : `Hello ${party.profile.displayName}`

/** Where party notifications go: WhatsApp always, email too when the profile has an address. */
const destinations = (party: Party): ReadonlyArray<readonly [NotificationChannel, string]> => [
  ["whatsapp", party.phone],
  ...(party.profile.email === undefined ? [] : [["email", party.profile.email] as const]),
]

/**
 * The channels on which a party notification (a lead offer among them) can still reach
 * the party: WhatsApp unless they said "stop" there (every send but the opt-out
 * confirmation is then refused: planWhatsAppSend), and email when the profile has an
 * address. Empty means nothing we send them arrives.
 */
export const reachableChannels = (
  party: Party,
  whatsAppOptedOut: boolean,
): ReadonlyArray<NotificationChannel> =>
  destinations(party)
    .map(([channel]) => channel)
    .filter((channel) => channel !== "whatsapp" || !whatsAppOptedOut)

/**
 * Addresses a rendered message to a party: always on WhatsApp (with the update template
 * to fall back to outside the 24-hour window), and by email too when the profile has an
 * address. The dedupe key is event id + channel + template, so a retried
 * use case never sends the same message twice.
 */
export const messagesForParty = (
  eventId: string,
  party: Party,
  rendered: RenderedMessage | undefined,
): ReadonlyArray<MessageDraft> => {
  if (rendered === undefined) return []
  return destinations(party).map(([channel, to]) => ({
    dedupeKey: `${eventId}:${channel}:${rendered.template}`,
    channel,
    to,
    template: rendered.template,
    body: rendered.body,
    partyId: party.id,
    ...(channel === "email" ? { subject: rendered.subject } : {}),
    ...(channel === "whatsapp" && rendered.intent !== undefined ? { intent: rendered.intent } : {}),
    ...(channel === "whatsapp" ? { fallbackTemplate: updateTemplateFor(rendered.body) } : {}),
  }))
}
