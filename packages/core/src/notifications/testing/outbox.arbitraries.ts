import * as fc from "fast-check"
import {
  arbEmail,
  arbEventId,
  arbInstant,
  arbMessageId,
  arbPartyId,
  arbPhone,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { NotificationChannel, OutboxMessage } from "../domain/outbox-message.ts"

export const arbNotificationChannel: fc.Arbitrary<NotificationChannel> = fc.constantFrom(
  "whatsapp",
  "email",
  "sms",
)

export const arbTemplate: fc.Arbitrary<string> = fc.constantFrom(
  "application.approved",
  "application.rejected",
  "party.suspended",
  "party.reinstated",
)

/** A freshly enqueued message: pending, never attempted, due when created. */
export const arbOutboxMessage: fc.Arbitrary<OutboxMessage> = fc
  .record(
    {
      id: arbMessageId,
      eventId: arbEventId,
      channel: arbNotificationChannel,
      phone: arbPhone,
      email: arbEmail,
      template: arbTemplate,
      subject: arbText(80),
      body: fc.string({ maxLength: 300 }),
      partyId: arbPartyId,
      createdAt: arbInstant,
    },
    {
      requiredKeys: ["id", "eventId", "channel", "phone", "email", "template", "body", "createdAt"],
    },
  )
  .map(({ eventId, phone, email, ...m }) => ({
    ...m,
    dedupeKey: `${eventId}:${m.channel}:${m.template}`,
    to: m.channel === "email" ? email : phone,
    status: "pending" as const,
    attempts: 0,
    nextAttemptAt: m.createdAt,
  }))
