import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { arbOutboxMessage } from "../../notifications/testing/outbox.arbitraries.ts"
import { arbInstant, arbPhone } from "../../shared/testing/shared.arbitraries.ts"
import { describeInbound, describeIntent, mergeHistory } from "./history.ops.ts"
import type { InboundContent, InboundUpdate } from "./inbound.ts"
import type { InboxEntry } from "./inbox-entry.ts"
import type { MessageIntent } from "./intent.ts"

const arbContent: fc.Arbitrary<InboundContent> = fc.oneof(
  fc.record({ _tag: fc.constant("text" as const), body: fc.string() }),
  fc.record({ _tag: fc.constant("button_reply" as const), id: fc.string(), title: fc.string() }),
  fc.record(
    {
      _tag: fc.constant("list_reply" as const),
      id: fc.string(),
      title: fc.string(),
      description: fc.string(),
    },
    { requiredKeys: ["_tag", "id", "title"] },
  ),
  fc.record({ _tag: fc.constant("quick_reply" as const), payload: fc.string(), text: fc.string() }),
  fc.record(
    {
      _tag: fc.constant("media" as const),
      kind: fc.constantFrom("image", "document", "audio", "video", "sticker"),
      mediaId: fc.string(),
      mimeType: fc.string(),
      caption: fc.string(),
      filename: fc.string(),
      storedKey: fc.string(),
    },
    { requiredKeys: ["_tag", "kind", "mediaId"] },
  ),
  fc.record(
    {
      _tag: fc.constant("location" as const),
      latitude: fc.double({ min: -90, max: 90, noNaN: true }),
      longitude: fc.double({ min: -180, max: 180, noNaN: true }),
      name: fc.string(),
      address: fc.string(),
    },
    { requiredKeys: ["_tag", "latitude", "longitude"] },
  ),
  fc.record({
    _tag: fc.constant("contacts" as const),
    contacts: fc.array(fc.record({ name: fc.string(), phones: fc.array(arbPhone) })),
  }),
  fc.record(
    { _tag: fc.constant("reaction" as const), messageId: fc.string(), emoji: fc.string() },
    { requiredKeys: ["_tag", "messageId"] },
  ),
  fc.record(
    {
      _tag: fc.constant("order" as const),
      catalogId: fc.string(),
      text: fc.string(),
      items: fc.array(
        fc.record({
          productId: fc.string(),
          quantity: fc.nat(),
          price: fc.nat(),
          currency: fc.constant("ZAR"),
        }),
      ),
    },
    { requiredKeys: ["_tag", "catalogId", "items"] },
  ),
  fc.record(
    { _tag: fc.constant("system" as const), body: fc.string(), kind: fc.string() },
    { requiredKeys: ["_tag", "body"] },
  ),
  fc.record(
    { _tag: fc.constant("unsupported" as const), originalType: fc.string(), detail: fc.string() },
    { requiredKeys: ["_tag", "originalType"] },
  ),
)

const arbUpdate: fc.Arbitrary<InboundUpdate> = fc.oneof(
  fc
    .record({ id: fc.uuid(), from: arbPhone, at: arbInstant, content: arbContent })
    .map((m) => ({ _tag: "message" as const, message: { ...m, channel: "whatsapp" as const } })),
  fc
    .record({
      providerMessageId: fc.uuid(),
      state: fc.constantFrom("sent", "delivered", "read", "failed"),
      at: arbInstant,
      recipient: arbPhone,
    })
    .map((s) => ({ _tag: "status" as const, status: { ...s, channel: "whatsapp" as const } })),
)

const arbEntry: fc.Arbitrary<InboxEntry> = fc
  .record({ update: arbUpdate, receivedAt: arbInstant })
  .map(({ update, receivedAt }) => ({
    key: update._tag === "message" ? update.message.id : update.status.providerMessageId,
    channel: "whatsapp",
    phone: update._tag === "message" ? update.message.from : update.status.recipient,
    update,
    status: "pending",
    attempts: 0,
    nextAttemptAt: receivedAt,
    receivedAt,
  }))

const arbSentMessage: fc.Arbitrary<OutboxMessage> = fc
  .tuple(arbOutboxMessage, fc.option(arbInstant, { nil: undefined }))
  .map(([m, sentAt]) => (sentAt === undefined ? m : { ...m, status: "sent", sentAt }))

const messagesIn = (entries: ReadonlyArray<InboxEntry>) =>
  entries.filter((e) => e.update._tag === "message")

describe("mergeHistory", () => {
  it("keeps the newest `limit` of both directions, oldest first, without statuses", () => {
    fc.assert(
      fc.property(
        fc.array(arbEntry, { maxLength: 20 }),
        fc.array(arbSentMessage, { maxLength: 20 }),
        fc.nat(45),
        (inbound, outbound, limit) => {
          const history = mergeHistory(inbound, outbound, limit)
          const total = messagesIn(inbound).length + outbound.length
          expect(history).toHaveLength(Math.min(limit, total))
          for (let i = 1; i < history.length; i++) {
            expect(history[i - 1]!.at).toBeLessThanOrEqual(history[i]!.at)
          }
          // Nothing left out is newer than anything kept.
          const oldestKept = history[0]?.at ?? Number.POSITIVE_INFINITY
          const kept = new Set(history.map((h) => h.message))
          const left = [
            ...messagesIn(inbound).map((e) =>
              e.update._tag === "message"
                ? { at: e.update.message.at, item: e.update.message }
                : null,
            ),
            ...outbound.map((m) => ({ at: m.sentAt ?? m.createdAt, item: m })),
          ].filter((x) => x !== null && !kept.has(x.item))
          for (const x of left) expect(x!.at).toBeLessThanOrEqual(oldestKept)
          expect(
            history.every((h) => h._tag === "outbound" || h.entry.update._tag === "message"),
          ).toBe(true)
        },
      ),
    )
  })

  it("puts a message before our reply stamped in the same second", () => {
    const at = 1_700_000_000_000
    const [entry] = fc.sample(
      arbEntry.filter((e) => e.update._tag === "message"),
      { numRuns: 1 },
    )
    const inbound = {
      ...entry!,
      update: {
        _tag: "message" as const,
        message: {
          ...(entry!.update as Extract<InboundUpdate, { _tag: "message" }>).message,
          at: at as never,
        },
      },
    }
    const [reply] = fc.sample(arbOutboxMessage, { numRuns: 1 })
    const history = mergeHistory([inbound], [{ ...reply!, createdAt: at as never }], 10)
    expect(history.map((h) => h._tag)).toEqual(["inbound", "outbound"])
  })
})

describe("describeInbound", () => {
  it("names every content type first and never throws", () => {
    fc.assert(
      fc.property(arbContent, (content) => {
        const text = describeInbound(content)
        const first: Record<InboundContent["_tag"], string> = {
          text: "text",
          button_reply: "tapped button",
          list_reply: "picked",
          quick_reply: "tapped template button",
          media: content._tag === "media" ? content.kind : "",
          location: "location",
          contacts: "contacts",
          reaction:
            content._tag === "reaction" && content.emoji === undefined ? "removed" : "reacted",
          order: "order",
          system: "system",
          unsupported: "unsupported",
        }
        expect(text.startsWith(first[content._tag])).toBe(true)
      }),
    )
  })

  it("quotes what people typed, so an empty text is visible", () => {
    expect(describeInbound({ _tag: "text", body: "" })).toBe('text ""')
    expect(describeInbound({ _tag: "button_reply", id: "accept", title: "Accept" })).toBe(
      'tapped button "Accept" (accept)',
    )
  })
})

describe("describeIntent", () => {
  it("shows the titles a person could tap", () => {
    const buttons: MessageIntent = {
      _tag: "buttons",
      body: "New lead",
      buttons: [
        { id: "a", title: "Accept" },
        { id: "d", title: "Decline" },
      ],
    }
    expect(describeIntent(buttons)).toBe('"New lead" [Accept | Decline]')
    expect(
      describeIntent({ _tag: "template", name: "lead.new", language: "en", parameters: ["x"] }),
    ).toBe('template lead.new (en) "x"')
  })
})
