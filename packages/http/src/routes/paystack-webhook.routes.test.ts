import { createHmac } from "node:crypto"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { PaymentEvents, PersistenceUnavailable, subscriptionPreset } from "@fundi/core"
import { layerInMemory } from "@fundi/core/testing"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { makeApp } from "../app.ts"
import type { UnexpectedError } from "../error-response.ts"
import { PAYSTACK_WEBHOOK_MAX_BYTES, PAYSTACK_WEBHOOK_PATH } from "./paystack-webhook.routes.ts"

const SECRET = "sk_test_webhook_0123456789abcdef"
const FIXTURES = join(import.meta.dirname, "../../../adapters/src/payments/fixtures/paystack")

/** Computed here, not with the adapter's signer: the test is the second opinion. */
const sign = (body: Uint8Array | string, secret = SECRET) =>
  createHmac("sha512", secret).update(body).digest("hex")

const fixtures = readdirSync(FIXTURES)
  .filter((name) => name.startsWith("event_") && name.endsWith(".json"))
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(FIXTURES, name))) }))

const makeWebhook = (override?: Layer.Layer<PaymentEvents>) => {
  const base = layerInMemory(subscriptionPreset)
  const runtime = ManagedRuntime.make(override === undefined ? base : Layer.merge(base, override))
  const logged: Array<UnexpectedError> = []
  const app = makeApp({
    runtime,
    apiKey: undefined,
    logError: (e) => logged.push(e),
    paystack: { secretKey: SECRET },
  })
  const post = (body: Uint8Array | string, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.request(PAYSTACK_WEBHOOK_PATH, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      }),
    )
  const signed = (body: Uint8Array | string) => post(body, { "x-paystack-signature": sign(body) })
  const events = () =>
    runtime.runPromise(Effect.flatMap(PaymentEvents, (e) => e.list({ limit: 1000 })))
  return { app, runtime, logged, post, signed, events, dispose: () => runtime.dispose() }
}

let open: Array<ReturnType<typeof makeWebhook>> = []
const webhook = (override?: Layer.Layer<PaymentEvents>) => {
  const w = makeWebhook(override)
  open.push(w)
  return w
}
afterEach(async () => {
  for (const w of open) await w.dispose()
  open = []
})

describe("POST /webhooks/paystack", () => {
  it("the fixtures are all here (a missing directory must not pass as zero cases)", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(11)
  })

  it.each(fixtures)(
    "$name as Paystack sends it: 200, recorded once when posted twice",
    async ({ bytes }) => {
      const w = webhook()
      const parsed = JSON.parse(new TextDecoder().decode(bytes))
      const first = await w.signed(bytes)
      expect(first.status).toBe(200)
      expect(await first.json()).toEqual({ ok: true })
      const again = await w.signed(bytes)
      expect(again.status).toBe(200)

      const events = await w.events()
      expect(events).toHaveLength(1)
      const [event] = events
      expect(event?.gateway).toBe("paystack")
      expect(event?.event).toBe(parsed.event)
      expect(event?.payload).toEqual(parsed)
      expect(event?.state).toBe("pending")
      if (parsed.data?.id !== undefined) {
        expect(event?.key).toBe(`${parsed.event}:${parsed.data.id}`)
      } else {
        expect(event?.key).toMatch(
          new RegExp(`^${parsed.event.replace(".", "\\.")}:sha256:[0-9a-f]{64}$`),
        )
      }
      expect(event?.reference).toBe(
        typeof parsed.data?.reference === "string" ? parsed.data.reference : undefined,
      )
    },
  )

  it("charge.success is keyed by its transaction id and carries its reference", async () => {
    const w = webhook()
    const bytes = readFileSync(join(FIXTURES, "event_charge_success.json"))
    expect((await w.signed(bytes)).status).toBe(200)
    const [event] = await w.events()
    expect(event?.key).toBe("charge.success:302961")
    expect(event?.reference).toBe("qTPrJoy9Bx")
  })

  it("the signature header is read whatever its case and the hex whatever its case", async () => {
    const w = webhook()
    const bytes = fixtures[0]!.bytes
    const res = await w.post(bytes, { "X-Paystack-Signature": sign(bytes).toUpperCase() })
    expect(res.status).toBe(200)
  })

  describe("an unproven body is 401 and nothing is kept", () => {
    const bytes = readFileSync(join(FIXTURES, "event_charge_success.json"))

    it("no signature", async () => {
      const w = webhook()
      const res = await w.post(bytes)
      expect(res.status).toBe(401)
      expect(await w.events()).toEqual([])
    })

    it("signed with another secret", async () => {
      const w = webhook()
      const res = await w.post(bytes, { "x-paystack-signature": sign(bytes, "sk_test_other") })
      expect(res.status).toBe(401)
      expect(await w.events()).toEqual([])
    })

    it("a body changed after signing (the amount)", async () => {
      const w = webhook()
      const signature = sign(bytes)
      const tampered = new TextEncoder().encode(
        new TextDecoder().decode(bytes).replace('"amount":10000', '"amount":1'),
      )
      expect(tampered).not.toEqual(new Uint8Array(bytes))
      const res = await w.post(tampered, { "x-paystack-signature": signature })
      expect(res.status).toBe(401)
      expect(await w.events()).toEqual([])
    })

    it("a garbled or truncated signature", async () => {
      const w = webhook()
      for (const header of ["", "not-hex", sign(bytes).slice(0, 64), `${sign(bytes)}00`]) {
        const res = await w.post(bytes, { "x-paystack-signature": header })
        expect(res.status, header).toBe(401)
      }
      expect(await w.events()).toEqual([])
    })
  })

  it("a signed body that is not JSON is 400", async () => {
    const w = webhook()
    const res = await w.signed("charge.success, honest")
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_request")
    expect(await w.events()).toEqual([])
  })

  it("signed JSON that is not an event (no event name) is 400", async () => {
    const w = webhook()
    for (const body of ["[]", "null", "42", '{"data":{"id":1}}', '{"event":""}', '{"event":7}']) {
      expect((await w.signed(body)).status, body).toBe(400)
    }
    expect(await w.events()).toEqual([])
  })

  it("an event without data.id is keyed by its bytes: a redelivery is still kept once", async () => {
    const w = webhook()
    const body = JSON.stringify({ event: "charge.success", data: { reference: "FND-SUB-ABC123" } })
    expect((await w.signed(body)).status).toBe(200)
    expect((await w.signed(body)).status).toBe(200)
    const events = await w.events()
    expect(events).toHaveLength(1)
    expect(events[0]?.reference).toBe("FND-SUB-ABC123")
  })

  it("a body over 1 MB is 413 and nothing is kept", async () => {
    const w = webhook()
    const body = JSON.stringify({ event: "x", pad: "a".repeat(PAYSTACK_WEBHOOK_MAX_BYTES) })
    const res = await w.signed(body)
    expect(res.status).toBe(413)
    expect(await w.events()).toEqual([])
  })

  it("the database down is 503 with Retry-After (Paystack delivers again), logged with an id", async () => {
    const down = Layer.succeed(
      PaymentEvents,
      PaymentEvents.of({
        record: () => Effect.fail(new PersistenceUnavailable({ detail: "connection refused" })),
        claimDue: () => Effect.succeed([]),
        settle: () => Effect.void,
        retryOrFail: () => Effect.void,
        list: () => Effect.succeed([]),
      }),
    )
    const w = webhook(down)
    const res = await w.signed(fixtures[0]!.bytes)
    expect(res.status).toBe(503)
    expect(res.headers.get("retry-after")).toBe("5")
    expect(w.logged).toHaveLength(1)
    expect(JSON.stringify(await res.json())).toContain(w.logged[0]!.errorId)
  })

  it("is not mounted without a Paystack key", async () => {
    const runtime = ManagedRuntime.make(layerInMemory(subscriptionPreset))
    const app = makeApp({ runtime, apiKey: undefined, logError: () => {} })
    const res = await app.request(PAYSTACK_WEBHOOK_PATH, { method: "POST", body: "{}" })
    expect(res.status).toBe(404)
    await runtime.dispose()
  })

  describe("properties: never a 5xx", () => {
    const w = () => webhook()

    it("any bytes with any signature header: 200, 400 or 401", async () => {
      const hook = w()
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 512 }),
          fc.option(fc.string({ maxLength: 140 }), { nil: undefined }),
          async (body, header) => {
            const res = await hook.post(
              body,
              header === undefined ? {} : { "x-paystack-signature": header },
            )
            expect([200, 400, 401]).toContain(res.status)
          },
        ),
        { numRuns: 100 },
      )
      expect(hook.logged).toEqual([])
    })

    it("any bytes, validly signed: 200 or 400, never 401 or 5xx", async () => {
      const hook = w()
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (body) => {
          const res = await hook.signed(body)
          expect([200, 400]).toContain(res.status)
        }),
        { numRuns: 100 },
      )
      expect(hook.logged).toEqual([])
    })

    it("any JSON, validly signed: 200 exactly when it names an event", async () => {
      const hook = w()
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.json(),
            fc
              .record({ event: fc.string({ maxLength: 40 }), data: fc.jsonValue() })
              .map((e) => JSON.stringify(e)),
          ),
          async (text) => {
            const parsed: unknown = JSON.parse(text)
            const named =
              typeof parsed === "object" &&
              parsed !== null &&
              !Array.isArray(parsed) &&
              typeof (parsed as { event?: unknown }).event === "string" &&
              (parsed as { event: string }).event !== ""
            const res = await hook.signed(text)
            expect(res.status).toBe(named ? 200 : 400)
          },
        ),
        { numRuns: 100 },
      )
      expect(hook.logged).toEqual([])
    })
  })
})
