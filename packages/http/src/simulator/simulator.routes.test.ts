import {
  type InboundUpdate,
  Inbox,
  type Instant,
  MediaSource,
  Outbox,
  Policy,
  signUp,
} from "@fundi/core"
import {
  arbInboxPhone,
  arbMessageUpdate,
  arbOutboxMessage,
  asciiBytes,
  sampleJpeg,
} from "@fundi/core/testing"
import { Effect } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { bodyOf } from "../test-support.ts"
import { simulatorScript } from "./simulator.client.ts"
import { makeSimulatorApp, SIMULATOR } from "./simulator.test-support.ts"

let current: ReturnType<typeof makeSimulatorApp> | undefined
const open = (options: Parameters<typeof makeSimulatorApp>[0] = {}) => {
  current = makeSimulatorApp(options)
  return current
}
afterEach(async () => {
  await current?.dispose()
  current = undefined
})

const PHONE = "+27825550001"

const get = (sim: ReturnType<typeof makeSimulatorApp>, path: string) =>
  Promise.resolve(sim.app.request(path))

const seed = (
  sim: ReturnType<typeof makeSimulatorApp>,
  effect: Effect.Effect<unknown, unknown, Inbox | Outbox>,
) => sim.runtime.runPromise(effect)

const message = (id: string, from: string, at: number, body: string): InboundUpdate => ({
  _tag: "message",
  message: { id, channel: "whatsapp", from, at: at as Instant, content: { _tag: "text", body } },
})

describe("GET /dev/whatsapp", () => {
  it("serves the phone-first chat page with the development secret, the business number and existing people as quick picks", async () => {
    const sim = open()
    await sim.runtime.runPromise(
      signUp({
        kind: "provider",
        phone: "+27821000009",
        profile: {
          displayName: "<b>Sipho</b> & Sons",
          categories: [],
          serviceAreas: [],
          documents: [],
        },
      }),
    )
    const res = await get(sim, "/dev/whatsapp")
    expect(res.status).toBe(200)
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/)
    const page = await res.text()
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(page).toContain(`data-secret="${SIMULATOR.appSecret}"`)
    expect(page).toContain(`data-phone-number-id="${SIMULATOR.phoneNumberId}"`)
    expect(page).toContain('data-webhook="/webhooks/whatsapp"')
    expect(page).toContain('data-phone="+27821000009"')
    // A name from the database is text, never markup.
    expect(page).toContain("&lt;b&gt;Sipho&lt;/b&gt; &amp; Sons · provider · +27821000009")
    expect(page).not.toContain("<b>Sipho</b>")
  })

  it("lets only its own inline script and style run, and only talk to its own origin", async () => {
    const res = await get(open(), "/dev/whatsapp")
    const csp = res.headers.get("Content-Security-Policy") ?? ""
    const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(simulatorScript))
    expect(csp).toContain(`script-src 'sha256-${Buffer.from(hash).toString("base64")}'`)
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain("unsafe-inline")
    expect(res.headers.get("Cache-Control")).toBe("no-store")
    expect(res.headers.get("X-Frame-Options")).toBe("DENY")
  })

  it("does not exist when Meta credentials are configured (no simulator)", async () => {
    const sim = open({ simulator: false })
    expect((await get(sim, "/dev/whatsapp")).status).toBe(404)
    expect((await get(sim, `/dev/whatsapp/messages?phone=${PHONE}`)).status).toBe(404)
  })
})

describe("GET /dev/whatsapp/messages", () => {
  it.each([
    ["a phone that is not a number", "?phone=hello", "phone"],
    ["no phone", "", "phone"],
    ["a negative cursor", `?phone=${encodeURIComponent(PHONE)}&after=-5`, "after"],
    ["a cursor that is not a number", `?phone=${encodeURIComponent(PHONE)}&after=soon`, "after"],
  ])("answers %s with 400 naming the field", async (_, query, field) => {
    const sim = open()
    const res = await get(sim, `/dev/whatsapp/messages${query}`)
    expect(res.status).toBe(400)
    const body = await bodyOf(res)
    expect(body.error).toBe("invalid_input")
    expect(body.issues.map((i: { path: string }) => i.path)).toEqual([field])
    expect(sim.logged).toEqual([])
  })

  it("shows both directions, oldest first: the phone's messages, the bot's intents and plain bodies as text, not statuses, other phones or SMS", async () => {
    const sim = open()
    const t0 = Date.now()
    await seed(
      sim,
      Effect.gen(function* () {
        const inbox = yield* Inbox
        yield* inbox.record([message("wamid.A", PHONE, t0, "hi 🙂")], t0 as Instant)
        yield* inbox.record([message("wamid.B", "+27825550002", t0, "not me")], t0 as Instant)
        yield* inbox.record(
          [
            {
              _tag: "status",
              status: {
                providerMessageId: "wamid.OUT",
                channel: "whatsapp",
                state: "read",
                at: t0 as Instant,
                recipient: PHONE,
              },
            },
          ],
          t0 as Instant,
        )
        const base = {
          status: "pending" as const,
          attempts: 0,
          nextAttemptAt: (t0 + 1000) as Instant,
          createdAt: (t0 + 1000) as Instant,
          template: "conversation.reply",
        }
        yield* (yield* Outbox).enqueue([
          {
            ...base,
            id: "msg_1" as never,
            dedupeKey: "e1:whatsapp",
            channel: "whatsapp",
            to: PHONE,
            body: "What do you need?",
            intent: {
              _tag: "buttons",
              body: "What do you need?",
              buttons: [{ id: "help", title: "Get help" }],
            },
          },
          {
            ...base,
            id: "msg_2" as never,
            dedupeKey: "e2:whatsapp",
            channel: "whatsapp",
            to: PHONE,
            body: "See https://example.com",
            createdAt: (t0 + 2000) as Instant,
          },
          {
            ...base,
            id: "msg_3" as never,
            dedupeKey: "e3:sms",
            channel: "sms",
            to: PHONE,
            body: "sms",
          },
        ])
      }),
    )
    const body = await bodyOf(
      await get(sim, `/dev/whatsapp/messages?phone=${encodeURIComponent(PHONE)}`),
    )
    expect(body.phone).toBe(PHONE)
    expect(body.optedOut).toBe(false)
    expect(
      body.messages.map((m: { direction: string; id: string }) => `${m.direction}:${m.id}`),
    ).toEqual(["in:wamid.A", "out:msg_1", "out:msg_2"])
    expect(body.messages[0]).toMatchObject({
      status: "pending",
      content: { _tag: "text", body: "hi 🙂" },
    })
    expect(body.messages[1].intent).toEqual({
      _tag: "buttons",
      body: "What do you need?",
      buttons: [{ id: "help", title: "Get help" }],
    })
    expect(body.messages[2]).toMatchObject({
      status: "pending",
      intent: { _tag: "text", body: "See https://example.com" },
    })
    expect(body.cursor).toBe(t0 + 2000)

    const later = await bodyOf(
      await get(
        sim,
        `/dev/whatsapp/messages?phone=${encodeURIComponent(PHONE)}&after=${t0 + 1500}`,
      ),
    )
    expect(later.messages.map((m: { id: string }) => m.id)).toEqual(["msg_2"])
  })

  it("reads a phone typed with spaces as the same number", async () => {
    const sim = open()
    await seed(
      sim,
      Effect.flatMap(Inbox, (inbox) =>
        inbox.record([message("wamid.S", PHONE, 1000, "yo")], 1000 as Instant),
      ),
    )
    const body = await bodyOf(
      await get(sim, "/dev/whatsapp/messages?phone=%2B27%2082%20555%200001"),
    )
    expect(body.messages.map((m: { id: string }) => m.id)).toEqual(["wamid.S"])
  })
})

describe("POST /dev/whatsapp/media", () => {
  const upload = (sim: ReturnType<typeof makeSimulatorApp>, body: Uint8Array, type: string) =>
    Promise.resolve(
      sim.app.request("/dev/whatsapp/media", {
        method: "POST",
        headers: { "Content-Type": type },
        body,
      }),
    )

  it("stores a photo under the simulator's prefix, typed by its bytes, for its MediaSource to hand back", async () => {
    const sim = open()
    const bytes = sampleJpeg([7, 7, 7])
    // The declared type is a lie: the bytes decide.
    const res = await upload(sim, bytes, "application/pdf")
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expect(body.id).toMatch(/^whatsapp-simulator\//)
    expect(body.mimeType).toBe("image/jpeg")
    const fetched = await sim.runtime.runPromise(
      Effect.flatMap(MediaSource, (source) => source.fetch(body.id)),
    )
    expect([...fetched.bytes]).toEqual([...bytes])
  })

  it.each([
    ["an empty body", new Uint8Array(0), 400, "invalid_input"],
    ["text that is no photo or PDF", asciiBytes("just words"), 415, "unsupported_content"],
  ])("answers %s with %i and stores nothing", async (_, bytes, status, code) => {
    const sim = open()
    const res = await upload(sim, bytes, "image/jpeg")
    expect(res.status).toBe(status)
    expect((await bodyOf(res)).error).toBe(code)
    expect(sim.logged).toEqual([])
  })

  it("refuses a file over the policy's upload limit with 413", async () => {
    const sim = open()
    const limit = await sim.runtime.runPromise(Policy.useSync((p) => p.uploads.maxBytes))
    const res = await upload(sim, sampleJpeg(new Array(limit).fill(0)), "image/jpeg")
    expect(res.status).toBe(413)
    expect((await bodyOf(res)).limit).toBe(limit)
  })
})

describe("the chat read (property)", () => {
  const arbScene = fc.record({
    phone: arbInboxPhone,
    outbound: fc.uniqueArray(fc.record({ message: arbOutboxMessage, to: arbInboxPhone }), {
      maxLength: 12,
      selector: (o) => o.message.dedupeKey,
    }),
    inbound: fc.uniqueArray(
      fc.record({ update: arbMessageUpdate(), receivedAt: fc.integer({ min: 0, max: 4e12 }) }),
      {
        maxLength: 12,
        selector: (i) => (i.update._tag === "message" ? i.update.message.id : ""),
      },
    ),
    after: fc.integer({ min: 0, max: 4e12 }),
  })

  it("returns exactly the phone's WhatsApp messages recorded at or after the cursor, in the order they were recorded, with a cursor no earlier than any of them", async () => {
    await fc.assert(
      fc.asyncProperty(arbScene, async ({ phone, outbound, inbound, after }) => {
        const sim = makeSimulatorApp()
        try {
          const sent = outbound.map(({ message: m, to }, i) => ({
            ...m,
            id: `msg_p${i}` as never,
            to: m.channel === "email" ? m.to : to,
          }))
          await seed(
            sim,
            Effect.gen(function* () {
              yield* (yield* Outbox).enqueue(sent)
              for (const { update, receivedAt } of inbound) {
                yield* (yield* Inbox).record([update], receivedAt as Instant)
              }
            }),
          )
          const body = await bodyOf(
            await get(
              sim,
              `/dev/whatsapp/messages?phone=${encodeURIComponent(phone)}&after=${after}`,
            ),
          )
          const expected = [
            ...sent
              .filter((m) => m.channel === "whatsapp" && m.to === phone && m.createdAt >= after)
              .map((m) => `out:${m.id}`),
            ...inbound
              .filter(
                (i) =>
                  i.update._tag === "message" &&
                  i.update.message.from === phone &&
                  i.receivedAt >= after,
              )
              .map((i) => `in:${i.update._tag === "message" ? i.update.message.id : ""}`),
          ].sort()
          const items: Array<{ direction: string; id: string; at: number; recordedAt: number }> =
            body.messages
          expect(items.map((m) => `${m.direction}:${m.id}`).sort()).toEqual(expected)
          for (let i = 1; i < items.length; i++) {
            expect(items[i]!.recordedAt).toBeGreaterThanOrEqual(items[i - 1]!.recordedAt)
          }
          for (const item of items) expect(body.cursor).toBeGreaterThanOrEqual(item.recordedAt)
          expect(body.cursor).toBeGreaterThanOrEqual(after)
        } finally {
          await sim.dispose()
        }
      }),
      { numRuns: 40 },
    )
  })
})
