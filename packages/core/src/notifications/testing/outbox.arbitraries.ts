import * as fc from "fast-check"
import type { MessageIntent, TemplateIntent } from "../../conversation/domain/intent.ts"
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

export const arbTemplateIntent: fc.Arbitrary<TemplateIntent> = fc.record({
  _tag: fc.constant("template" as const),
  name: fc.constantFrom("lead_offer", "handover_ready", "conversation_stopped"),
  language: fc.constantFrom("en", "en_US", "sw"),
  parameters: fc.array(arbText(40), { maxLength: 3 }),
})

/** A few intent kinds, enough to round-trip the shapes through storage. */
export const arbStoredIntent: fc.Arbitrary<MessageIntent> = fc.oneof(
  fc.record({ _tag: fc.constant("text" as const), body: arbText(200) }),
  fc.record({
    _tag: fc.constant("buttons" as const),
    body: arbText(200),
    buttons: fc.array(fc.record({ id: arbText(20), title: arbText(20) }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  arbTemplateIntent,
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
      intent: arbStoredIntent,
      fallbackTemplate: arbTemplateIntent,
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
