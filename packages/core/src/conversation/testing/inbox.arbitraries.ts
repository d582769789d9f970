import * as fc from "fast-check"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { DeliveryStatusUpdate, InboundContent, InboundUpdate } from "../domain/inbound.ts"
import type { ConversationSession } from "../domain/session.ts"

/** Few phones, so one phone often has several updates (the per-phone claim rule matters). */
export const arbInboxPhone: fc.Arbitrary<string> = fc.constantFrom(
  "+27820000001",
  "+27820000002",
  "+2348030000003",
)

const arbWamid = fc.stringMatching(/^wamid\.[A-Za-z0-9]{6,24}$/)

/** Coordinates in millionths of a degree: they survive JSON (no -0, no float noise). */
const arbDegrees = (max: number) =>
  fc.integer({ min: -max * 1e6, max: max * 1e6 }).map((n) => n / 1e6)

export const arbInboundContent: fc.Arbitrary<InboundContent> = fc.oneof(
  fc.record({ _tag: fc.constant("text" as const), body: fc.string({ maxLength: 40 }) }),
  fc.record({
    _tag: fc.constant("button_reply" as const),
    id: fc.string({ minLength: 1, maxLength: 10 }),
    title: fc.string({ maxLength: 20 }),
  }),
  fc.record(
    {
      _tag: fc.constant("media" as const),
      kind: fc.constantFrom("image" as const, "document" as const, "audio" as const),
      mediaId: fc.stringMatching(/^[0-9]{6,16}$/),
      mimeType: fc.constantFrom("image/jpeg", "application/pdf", "audio/ogg"),
      caption: fc.string({ maxLength: 30 }),
    },
    { requiredKeys: ["_tag", "kind", "mediaId"] },
  ),
  fc.record({
    _tag: fc.constant("location" as const),
    latitude: arbDegrees(90),
    longitude: arbDegrees(180),
  }),
  fc.record(
    {
      _tag: fc.constant("reaction" as const),
      messageId: arbWamid,
      emoji: fc.constantFrom("👍", "❤️"),
    },
    { requiredKeys: ["_tag", "messageId"] },
  ),
  fc.record({
    _tag: fc.constant("unsupported" as const),
    originalType: fc.constantFrom("unknown", "ephemeral"),
  }),
)

export const arbMessageUpdate = (
  phone: fc.Arbitrary<string> = arbInboxPhone,
): fc.Arbitrary<InboundUpdate> =>
  fc
    .record(
      {
        id: arbWamid,
        from: phone,
        at: arbInstant,
        contactName: fc.string({ minLength: 1, maxLength: 20 }),
        content: arbInboundContent,
      },
      { requiredKeys: ["id", "from", "at", "content"] },
    )
    .map((m) => ({ _tag: "message" as const, message: { ...m, channel: "whatsapp" as const } }))

export const arbStatusUpdate: fc.Arbitrary<InboundUpdate> = fc
  .record({
    providerMessageId: arbWamid,
    state: fc.constantFrom(
      "sent" as const,
      "delivered" as const,
      "read" as const,
      "failed" as const,
    ),
    at: arbInstant,
    recipient: arbInboxPhone,
  })
  .map((s) => {
    const status: DeliveryStatusUpdate = {
      ...s,
      channel: "whatsapp",
      ...(s.state === "failed"
        ? { errors: [{ code: 131026, title: "Message undeliverable" }] }
        : {}),
    }
    return { _tag: "status" as const, status }
  })

export const arbInboundUpdate: fc.Arbitrary<InboundUpdate> = fc.oneof(
  { weight: 3, arbitrary: arbMessageUpdate() },
  { weight: 1, arbitrary: arbStatusUpdate },
)

export const arbConversationSession: fc.Arbitrary<ConversationSession> = fc
  .record(
    {
      phone: fc.stringMatching(/^\+[1-9][0-9]{7,13}$/),
      partyId: fc.stringMatching(/^pty_[a-z0-9]{20}$/),
      position: fc.record({
        flow: fc.constantFrom("signup", "request_help", "onboarding"),
        step: fc.constantFrom("name", "category", "location", "photos"),
        data: fc.dictionary(
          fc.stringMatching(/^[a-z]{1,8}$/),
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.integer(),
            fc.boolean(),
            fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
          ),
          { maxKeys: 4, noNullPrototype: true },
        ),
        startedAt: arbInstant,
      }),
      optedOut: fc.boolean(),
      lastInboundAt: arbInstant,
      lastMessageId: fc.stringMatching(/^wamid\.[A-Za-z0-9]{8,24}$/),
      updatedAt: arbInstant,
    },
    { requiredKeys: ["phone", "optedOut", "updatedAt"] },
  )
  .map((s) => ({ ...s, channel: "whatsapp" as const }))
