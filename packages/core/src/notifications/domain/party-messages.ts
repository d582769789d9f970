import type { Party } from "../../vetting/domain/party.ts"
import type { MessageDraft, NotificationChannel } from "./outbox-message.ts"

/** A message rendered for one party, before it is addressed to each channel. */
export interface RenderedMessage {
  readonly template: string
  readonly subject: string
  readonly body: string
}

export const greeting = (party: Party): string =>
  party.profile.displayName === undefined ? "Hello" : `Hello ${party.profile.displayName}`

/**
 * Addresses a rendered message to a party: always on WhatsApp, and by email too when the
 * profile has an address. The dedupe key is event id + channel + template, so a retried
 * use case never sends the same message twice.
 */
export const messagesForParty = (
  eventId: string,
  party: Party,
  rendered: RenderedMessage | undefined,
): ReadonlyArray<MessageDraft> => {
  if (rendered === undefined) return []
  const destinations: ReadonlyArray<readonly [NotificationChannel, string]> = [
    ["whatsapp", party.phone],
    ...(party.profile.email === undefined ? [] : [["email", party.profile.email] as const]),
  ]
  return destinations.map(([channel, to]) => ({
    dedupeKey: `${eventId}:${channel}:${rendered.template}`,
    channel,
    to,
    template: rendered.template,
    body: rendered.body,
    partyId: party.id,
    ...(channel === "email" ? { subject: rendered.subject } : {}),
  }))
}
