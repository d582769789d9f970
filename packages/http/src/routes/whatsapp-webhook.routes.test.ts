import { readFileSync } from "node:fs"
import { join } from "node:path"
import { escapeNonAscii, signatureHeader } from "@fundi/adapters"
import { creditsPreset, Inbox, processDueInbox } from "@fundi/core"
import { InMemoryStore, layerInMemory } from "@fundi/core/testing"
import { Effect, ManagedRuntime } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { makeApp } from "../app.ts"
import type { UnexpectedError } from "../error-response.ts"
import { WEBHOOK_MAX_BYTES } from "./whatsapp-webhook.routes.ts"

const SECRET = "webhook-test-app-secret-0123456789"
const VERIFY = "webhook-test-verify-token"
const PYWA = join(import.meta.dirname, "../../../adapters/src/whatsapp/fixtures/pywa")

const runtimes: Array<{ dispose: () => Promise<void> }> = []
afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.dispose()))
})

const open = () => {
  const runtime = ManagedRuntime.make(layerInMemory(creditsPreset))
  runtimes.push(runtime)
  const logged: Array<UnexpectedError> = []
  const app = makeApp({
    runtime,
    apiKey: "an-api-key-0123456789",
    logError: (e) => logged.push(e),
    whatsapp: { appSecret: SECRET, verifyToken: VERIFY, simulator: false, phoneNumberId: "1" },
  })
  const post = (body: string | Uint8Array, signature?: string | null) =>
    Promise.resolve(
      app.request("/webhooks/whatsapp", {
        method: "POST",
        body,
        headers: {
          "Content-Type": "application/json",
          ...(signature === null
            ? {}
            : { "X-Hub-Signature-256": signature ?? signatureHeader(SECRET, body) }),
        },
      }),
    )
  const entries = () => runtime.runPromise(Effect.flatMap(Inbox, (inbox) => inbox.list({})))
  return { app, runtime, logged, post, entries }
}

const pywa = (name: string) => readFileSync(join(PYWA, name), "utf8")

/** One delivery: `entries` entries of `changes` changes, each with messages and statuses. */
const batch = (options: {
  entries: number
  changes: number
  messages: number
  statuses: number
  prefix?: string
}) => {
  const p = options.prefix ?? "m"
  const entry = (e: number) => ({
    id: `waba${e}`,
    changes: Array.from({ length: options.changes }, (_, c) => ({
      field: "messages",
      value: {
        messaging_product: "whatsapp",
        metadata: { display_phone_number: "15550000000", phone_number_id: "1" },
        contacts: [{ profile: { name: `Person ${e}.${c}` }, wa_id: `2782000${e}${c}` }],
        messages: Array.from({ length: options.messages }, (_, m) => ({
          from: `2782000${e}${c}`,
          id: `wamid.${p}${e}.${c}.${m}`,
          timestamp: "1749416383",
          type: "text",
          text: { body: `message ${m}` },
        })),
        statuses: Array.from({ length: options.statuses }, (_, s) => ({
          id: `wamid.OUT${p}${e}.${c}.${s}`,
          status: "delivered",
          timestamp: "1749416383",
          recipient_id: `2782000${e}${c}`,
        })),
      },
    })),
  })
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: Array.from({ length: options.entries }, (_, e) => entry(e)),
  })
}

describe("GET /webhooks/whatsapp (Meta's verification)", () => {
  const { app } = open()
  const get = (query: string) => Promise.resolve(app.request(`/webhooks/whatsapp?${query}`))

  it("echoes the challenge as text when the mode is subscribe and the token matches", async () => {
    const res = await get(`hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`)
    expect(res.status).toBe(200)
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/)
    expect(await res.text()).toBe("1158201444")
  })

  it("is 403 for a wrong or missing token, another mode, or no challenge", async () => {
    for (const query of [
      "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
      `hub.mode=subscribe&hub.verify_token=${VERIFY}x&hub.challenge=1`,
      "hub.mode=subscribe&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${VERIFY}`,
      "",
    ]) {
      expect((await get(query)).status, query).toBe(403)
    }
  })

  it("needs no API key, and the API still does", async () => {
    expect((await Promise.resolve(app.request("/api/v1/parties"))).status).toBe(401)
  })
})

describe("POST /webhooks/whatsapp", () => {
  it("records a correctly signed delivery and answers how many were new", async () => {
    const { post, entries } = open()
    const res = await post(pywa("pywa_inbound_text_reply_with_context.json"))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ recorded: 1 })
    expect((await entries()).map((e) => [e.key, e.phone, e.status])).toEqual([
      ["whatsapp:message:wamid.xyzxyz", "+972987654321", "pending"],
    ])
  })

  it("is 401 and stores nothing for a missing, malformed or wrong signature", async () => {
    const { post, entries } = open()
    const body = pywa("pywa_status_read.json")
    for (const signature of [
      null,
      "",
      "sha1=abc",
      signatureHeader("another-secret", body),
      signatureHeader(SECRET, `${body}\n`),
    ]) {
      const res = await post(body, signature)
      expect(res.status, String(signature)).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } })
    }
    expect(await entries()).toEqual([])
  })

  it("verifies emoji and accented names signed over the raw bytes or Meta's escaped form", async () => {
    const { post, entries } = open()
    const delivery = (id: string) =>
      JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "1",
            changes: [
              {
                field: "messages",
                value: {
                  contacts: [{ profile: { name: "Zoë Ñandú 🧑🏾‍🔧" }, wa_id: "27820000001" }],
                  messages: [
                    {
                      from: "27820000001",
                      id,
                      timestamp: "1749416383",
                      type: "text",
                      text: { body: "Geyser lekkasie 💧 — asseblief" },
                    },
                  ],
                },
              },
            ],
          },
        ],
      })
    const raw = delivery("wamid.RAW")
    expect((await post(raw, signatureHeader(SECRET, raw))).status).toBe(200)
    const escaped = delivery("wamid.ESC")
    expect((await post(escaped, signatureHeader(SECRET, escapeNonAscii(escaped)))).status).toBe(200)
    // Meta may also deliver the escaped text itself.
    const asSent = escapeNonAscii(delivery("wamid.ASCII"))
    expect((await post(asSent, signatureHeader(SECRET, asSent))).status).toBe(200)
    const recorded = await entries()
    expect(recorded).toHaveLength(3)
    for (const e of recorded) {
      expect(e.update).toMatchObject({
        message: {
          contactName: "Zoë Ñandú 🧑🏾‍🔧",
          content: { _tag: "text", body: "Geyser lekkasie 💧 — asseblief" },
        },
      })
    }
  })

  it("records every update of a batched delivery: 1,000 over entries, changes, messages and statuses", async () => {
    const { post, entries, runtime } = open()
    const body = batch({ entries: 5, changes: 4, messages: 30, statuses: 20 })
    const res = await post(body)
    expect(await res.json()).toEqual({ recorded: 1000 })
    expect(await entries()).toHaveLength(1000)
    // A redelivery of the same batch records nothing new.
    expect(await (await post(body)).json()).toEqual({ recorded: 0 })
    // Processing takes them all, each once (20 phones: one message each per run).
    let processed = 0
    for (let run = 0; run < 40; run++) {
      const counts = await runtime.runPromise(processDueInbox({ batchSize: 1000, leaseMs: 60_000 }))
      processed += counts.processed
      if (counts.claimed === 0) break
    }
    expect(processed).toBe(1000)
  })

  it("is 413 past 3 MB, before looking at the signature", async () => {
    const { post, entries } = open()
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      pad: "x".repeat(WEBHOOK_MAX_BYTES),
    })
    expect((await post(body)).status).toBe(413)
    expect(await entries()).toEqual([])
  })

  it("is 400 for a signed body that is not JSON, 200 with nothing recorded for JSON that is not ours", async () => {
    const { post, entries } = open()
    expect((await post("{not json")).status).toBe(400)
    for (const body of ['{"object":"page","entry":[]}', "[]", '"hello"', "null", '{"entry":1}']) {
      const res = await post(body)
      expect(res.status, body).toBe(200)
      expect(await res.json()).toEqual({ recorded: 0 })
    }
    expect(await entries()).toEqual([])
  })

  it("keeps what it could not use for ops, once per body, counting Meta's retries", async () => {
    const { post, runtime } = open()
    const rejected = () =>
      runtime.runPromise(Effect.flatMap(Inbox, (inbox) => inbox.listRejected({})))
    expect((await post("{not json")).status).toBe(400)
    expect((await post("{not json")).status).toBe(400)
    expect((await post('{"object":"page","entry":[]}')).status).toBe(200)
    // One good message and one without an id, in one delivery: the good one is recorded.
    const delivery = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                messages: [
                  {
                    from: "27821110000",
                    id: "wamid.good",
                    timestamp: "1",
                    type: "text",
                    text: { body: "hi" },
                  },
                  { from: "27821110000", timestamp: "1", type: "text", text: { body: "no id" } },
                ],
              },
            },
          ],
        },
      ],
    })
    expect(await (await post(delivery)).json()).toEqual({ recorded: 1 })
    const kept = await rejected()
    expect(kept.map((r) => [r.reason.split(":")[0], r.count])).toEqual(
      expect.arrayContaining([
        ["the body is not JSON", 2],
        ["ignored", 1],
        ["a change or message could not be read", 1],
      ]),
    )
    expect(kept).toHaveLength(3)
    expect(kept.find((r) => r.count === 2)?.excerpt).toBe("{not json")
  })

  it("is 503 when the inbox cannot be written, so Meta delivers again", async () => {
    const { post, runtime, entries, logged } = open()
    await runtime.runPromise(Effect.flatMap(InMemoryStore, (s) => s.setOffline(true)))
    const body = pywa("pywa_status_sent_with_biz_opaque_callback_data.json")
    const res = await post(body)
    expect(res.status).toBe(503)
    expect(logged).toHaveLength(1)
    await runtime.runPromise(Effect.flatMap(InMemoryStore, (s) => s.setOffline(false)))
    expect(await entries()).toEqual([])
    expect(await (await post(body)).json()).toEqual({ recorded: 1 })
  })
})

describe("POST /webhooks/whatsapp, properties", () => {
  const allowed = [200, 400, 401, 413]

  it("any bytes, signed or not, get 200, 400, 401 or 413, never 5xx", async () => {
    const { post } = open()
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom("valid", "none", "wrong"),
        async (bytes, signing) => {
          const signature =
            signing === "valid"
              ? signatureHeader(SECRET, bytes)
              : signing === "wrong"
                ? signatureHeader("not-the-secret", bytes)
                : null
          const res = await post(bytes, signature)
          expect(allowed).toContain(res.status)
          if (signing !== "valid") expect(res.status).toBe(401)
        },
      ),
      { numRuns: 200 },
    )
  })

  it("any mutation of a valid delivery, signed, gets 200 or 400, never 5xx", async () => {
    const { post } = open()
    const base = batch({ entries: 1, changes: 2, messages: 2, statuses: 1 })
    await fc.assert(
      fc.asyncProperty(
        fc.nat(base.length - 1),
        fc.nat(base.length),
        fc.string({ maxLength: 12, unit: "grapheme" }),
        async (from, length, insert) => {
          const body = base.slice(0, from) + insert + base.slice(from + (length % 20))
          const res = await post(body, signatureHeader(SECRET, body))
          expect([200, 400]).toContain(res.status)
        },
      ),
      { numRuns: 200 },
    )
  })

  it("the same valid delivery posted twice is recorded once and each id processed once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          entries: fc.integer({ min: 1, max: 3 }),
          changes: fc.integer({ min: 1, max: 3 }),
          messages: fc.integer({ min: 0, max: 4 }),
          statuses: fc.integer({ min: 0, max: 3 }),
        }),
        async (shape) => {
          const { post, runtime, entries } = open()
          const body = batch({ ...shape, prefix: "p" })
          const total = shape.entries * shape.changes * (shape.messages + shape.statuses)
          expect(await (await post(body)).json()).toEqual({ recorded: total })
          expect(await (await post(body)).json()).toEqual({ recorded: 0 })
          let processed = 0
          for (let run = 0; run <= total; run++) {
            const counts = await runtime.runPromise(
              processDueInbox({ batchSize: 50, leaseMs: 60_000 }),
            )
            processed += counts.processed
            if (counts.claimed === 0) break
          }
          expect(processed).toBe(total)
          for (const e of await entries())
            expect(e).toMatchObject({ status: "processed", attempts: 1 })
        },
      ),
      { numRuns: 15 },
    )
  })
})
