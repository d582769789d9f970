import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { InboundUpdate, type Instant } from "@fundi/core"
import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { normalizeWebhook } from "./webhook-normalizer.ts"

const FIXTURES = join(import.meta.dirname, "fixtures")
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"))
const RECEIVED = 1_800_000_000_000 as Instant
const isUpdate = Schema.is(InboundUpdate)

const contents = (payload: unknown) =>
  normalizeWebhook(payload, RECEIVED).updates.map((u) =>
    u._tag === "message" ? u.message.content : u.status,
  )

describe("normalizeWebhook on pywa's recorded payloads (unedited)", () => {
  it("text replying to one of ours: E.164 sender, seconds to ms, name, reply id, business number", () => {
    expect(
      normalizeWebhook(fixture("pywa/pywa_inbound_text_reply_with_context.json"), RECEIVED),
    ).toEqual({
      updates: [
        {
          _tag: "message",
          message: {
            id: "wamid.xyzxyz",
            channel: "whatsapp",
            from: "+972987654321",
            to: "1122334455667",
            at: 1_697_044_746_000,
            contactName: "Test Name",
            replyTo: "wamid.xyzxyz==",
            content: { _tag: "text", body: "replied text" },
          },
        },
      ],
      skipped: [],
    })
  })

  it("every other inbound and status fixture", () => {
    expect(contents(fixture("pywa/pywa_inbound_image_with_url.json"))).toEqual([
      {
        _tag: "media",
        kind: "image",
        mediaId: "65463453",
        mimeType: "image/jpeg",
        sha256: "4654+8g=",
      },
    ])
    expect(
      contents(fixture("pywa/pywa_inbound_interactive_list_reply_no_description.json")),
    ).toEqual([{ _tag: "list_reply", id: "callback_data", title: "title" }])
    expect(contents(fixture("pywa/pywa_inbound_location_current.json"))).toEqual([
      { _tag: "location", latitude: 12.25089, longitude: 43.90539 },
    ])
    // An empty emoji is a removed reaction.
    expect(contents(fixture("pywa/pywa_inbound_reaction_removed_empty_emoji.json"))).toEqual([
      { _tag: "reaction", messageId: "wamid.yzxyzx=" },
    ])
    expect(contents(fixture("pywa/pywa_inbound_template_quick_reply_no_context.json"))).toEqual([
      { _tag: "quick_reply", payload: "callback_data", text: "title" },
    ])
    expect(contents(fixture("pywa/pywa_inbound_text_with_user_id.json"))).toHaveLength(1)
    expect(contents(fixture("pywa/pywa_status_failed_130472.json"))).toEqual([
      {
        providerMessageId: "wamid.xyzxyz",
        channel: "whatsapp",
        state: "failed",
        at: 1_689_380_458_000,
        recipient: "+972987654321",
        errors: [
          {
            code: 130472,
            title: "User's number is part of an experiment",
            detail:
              "Failed to send message because this user's phone number is part of an experiment",
          },
        ],
      },
    ])
    for (const [file, state] of [
      ["pywa_status_delivered.json", "delivered"],
      ["pywa_status_read.json", "read"],
      ["pywa_status_sent_with_biz_opaque_callback_data.json", "sent"],
    ] as const) {
      expect(contents(fixture(`pywa/${file}`))).toMatchObject([
        { state, recipient: "+972987654321" },
      ])
    }
  })

  it("every fixture yields valid updates and skips nothing", () => {
    for (const file of readdirSync(join(FIXTURES, "pywa"))) {
      const result = normalizeWebhook(fixture(`pywa/${file}`), RECEIVED)
      expect(result.updates.length, file).toBe(1)
      expect(result.skipped, file).toEqual([])
      for (const u of result.updates) expect(isUpdate(u), file).toBe(true)
    }
  })
})

describe("normalizeWebhook on Meta's documented shapes, batched", () => {
  const result = normalizeWebhook(fixture("meta_every_type_batched.json"), RECEIVED)
  const byId = new Map(
    result.updates.map((u) => [
      u._tag === "message" ? u.message.id : u.status.providerMessageId,
      u,
    ]),
  )
  const content = (id: string) => {
    const u = byId.get(id)
    return u?._tag === "message" ? u.message.content : undefined
  }

  it("takes every message and status of every change of every entry, in order", () => {
    expect(
      result.updates.map((u) => (u._tag === "message" ? u.message.id : u.status.providerMessageId)),
    ).toEqual([
      "wamid.BUTTON1",
      "wamid.NFM1",
      "wamid.DOC1",
      "wamid.AUDIO1",
      "wamid.VIDEO1",
      "wamid.STICKER1",
      "wamid.OURS2",
      "wamid.OURS3",
      "wamid.LOC1",
      "wamid.CONTACTS1",
      "wamid.REACT1",
      "wamid.ORDER1",
      "wamid.SYSTEM1",
      "wamid.UNSUPPORTED1",
      "wamid.FUTURE1",
      "wamid.BADTEXT",
    ])
    for (const u of result.updates) expect(isUpdate(u)).toBe(true)
  })

  it("skips, and says why, only what cannot be keyed or is not ours to read", () => {
    expect(result.skipped).toHaveLength(3)
    expect(result.skipped.join("\n")).toMatch(/status wamid.OURS4:/)
    expect(result.skipped.join("\n")).toMatch(/account_update/)
    expect(result.skipped.join("\n")).toMatch(/message wamid.NOSENDER:.*from/s)
  })

  it("names each sender from the contacts of its own change", () => {
    const nameOf = (id: string) => {
      const u = byId.get(id)
      return u?._tag === "message" ? u.message.contactName : undefined
    }
    expect(nameOf("wamid.BUTTON1")).toBe("Sipho Dlamini")
    expect(nameOf("wamid.DOC1")).toBe("Zoë Naidoo 🌻")
    expect(nameOf("wamid.LOC1")).toBe("Amaka")
  })

  it("reads each type", () => {
    expect(content("wamid.BUTTON1")).toEqual({
      _tag: "button_reply",
      id: "accept",
      title: "Accept",
    })
    expect(content("wamid.NFM1")).toEqual({
      _tag: "unsupported",
      originalType: "interactive.nfm_reply",
      detail: "flow reply flow",
    })
    expect(content("wamid.DOC1")).toEqual({
      _tag: "media",
      kind: "document",
      mediaId: "1003383421387256",
      mimeType: "application/pdf",
      sha256: "u2bTLGjZrXyqkN5KQ2S7jJgr0KvGwqPk3jRuyMQGx7o=",
      caption: "My certificate",
      filename: "trade-certificate.pdf",
    })
    expect(content("wamid.AUDIO1")).toMatchObject({ _tag: "media", kind: "audio" })
    expect(content("wamid.VIDEO1")).toMatchObject({
      _tag: "media",
      kind: "video",
      caption: "The leak",
    })
    expect(content("wamid.STICKER1")).toMatchObject({ _tag: "media", kind: "sticker" })
    expect(content("wamid.LOC1")).toEqual({
      _tag: "location",
      latitude: -26.2041,
      longitude: 28.0473,
      name: "Home",
      address: "12 Main Rd, Johannesburg",
    })
    expect(content("wamid.CONTACTS1")).toEqual({
      _tag: "contacts",
      contacts: [{ name: "Thandi Mokoena", phones: ["+27825550101"] }],
    })
    expect(content("wamid.REACT1")).toEqual({
      _tag: "reaction",
      messageId: "wamid.OURS1",
      emoji: "👍",
    })
    expect(content("wamid.ORDER1")).toEqual({
      _tag: "order",
      catalogId: "194836987003835",
      text: "Please deliver",
      items: [{ productId: "di9ozbzfi4", quantity: 2, price: 30, currency: "ZAR" }],
    })
    expect(content("wamid.SYSTEM1")).toEqual({
      _tag: "system",
      body: "User Amaka changed from 2348030000003 to 2348030000004",
      kind: "user_changed_number",
      newPhone: "+2348030000004",
    })
    expect(content("wamid.UNSUPPORTED1")).toEqual({
      _tag: "unsupported",
      originalType: "edit",
      detail: "131051 Message type unknown",
    })
    expect(content("wamid.FUTURE1")).toEqual({ _tag: "unsupported", originalType: "hologram" })
    expect(content("wamid.BADTEXT")).toMatchObject({ _tag: "unsupported", originalType: "text" })
    expect(byId.get("wamid.OURS2")).toMatchObject({
      _tag: "status",
      status: { state: "failed", errors: [{ code: 131026, detail: "Message Undeliverable." }] },
    })
  })
})

describe("normalizeWebhook on anything", () => {
  it("never throws, and whatever it returns is valid updates", () => {
    const arbLoose = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue(),
        fc.record({
          object: fc.constantFrom("whatsapp_business_account", "page"),
          entry: fc.array(tie("entry"), { maxLength: 3 }),
        }),
      ),
      entry: fc.record(
        { changes: fc.array(tie("change"), { maxLength: 3 }) },
        { requiredKeys: [] },
      ),
      change: fc.record(
        {
          field: fc.constantFrom("messages", "other"),
          value: fc.record(
            {
              messages: fc.array(fc.oneof(fc.jsonValue(), tie("message")), { maxLength: 4 }),
              statuses: fc.array(fc.jsonValue(), { maxLength: 3 }),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
      message: fc.record(
        {
          id: fc.string(),
          from: fc.string(),
          timestamp: fc.oneof(fc.string(), fc.nat().map(String)),
          type: fc.constantFrom("text", "image", "interactive", "reaction", "order", "x"),
          text: fc.jsonValue(),
          image: fc.jsonValue(),
          interactive: fc.jsonValue(),
          reaction: fc.jsonValue(),
          order: fc.jsonValue(),
        },
        { requiredKeys: [] },
      ),
    }))
    fc.assert(
      fc.property(arbLoose.value, (payload) => {
        const result = normalizeWebhook(payload, RECEIVED)
        for (const u of result.updates) expect(isUpdate(u)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})
