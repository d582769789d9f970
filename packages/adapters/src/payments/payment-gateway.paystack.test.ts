import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { type CheckoutRequest, PaymentGateway } from "@fundi/core"
import { Effect, Redacted } from "effect"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import {
  layerPaymentGatewayNotConfigured,
  makePaystackGateway,
  PAYMENTS_NOT_CONFIGURED,
} from "./payment-gateway.paystack.ts"
import { verifyPaystackSignature } from "./paystack-signature.ts"
import { type ServedPaystackSimulator, servePaystackSimulator } from "./paystack-simulator.ts"

const SECRET = "sk_test_simulated_0123456789abcdef"
const WEBHOOK_URL = "http://fundi.test/webhooks/paystack"
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/paystack", name), "utf8"))

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failure = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(Effect.flip(effect))

/** The webhooks the simulator posted, captured instead of sent. */
const posted: Array<{ url: string; headers: Headers; body: string }> = []

let served: ServedPaystackSimulator
let gateway: PaymentGateway["Service"]

beforeAll(async () => {
  served = await servePaystackSimulator({
    secretKey: SECRET,
    webhookUrl: WEBHOOK_URL,
    basePath: "/dev/paystack",
    fetch: async (url, init) => {
      posted.push({
        url: String(url),
        headers: new Headers(init?.headers),
        body: String(init?.body),
      })
      return new Response(null, { status: 200 })
    },
  })
  gateway = makePaystackGateway({ secretKey: Redacted.make(SECRET), baseUrl: served.baseUrl })
})
afterAll(() => served.close())
beforeEach(() => {
  served.simulator.reset()
  posted.length = 0
})

let n = 0
const checkout = (changes: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  reference: `FND-SUB-T${++n}`,
  amountMinor: 19_900n,
  currency: "ZAR",
  email: "27820000001@customers.fundi.invalid",
  callbackUrl: "http://fundi.test/p/tok123/return",
  metadata: { paymentId: "pay_00000000000000000001", plan: "premium" },
  ...changes,
})

/** Opens the checkout page and presses a button, as the payer's browser would. */
const press = async (checkoutUrl: string, button: "pay" | "cancel") => {
  const pageHtml = await (await fetch(checkoutUrl)).text()
  const action = new RegExp(`action="([^"]+/${button})"`).exec(pageHtml)?.[1]
  expect(action, `the page has a ${button} form`).toBeDefined()
  return fetch(new URL(action!, checkoutUrl), { method: "POST", redirect: "manual" })
}

describe("the Paystack gateway against the simulator on loopback", () => {
  it("initializes with exactly Paystack's request shape and returns the checkout page", async () => {
    const request = checkout()
    const { checkoutUrl } = await run(gateway.initializeCheckout(request))
    expect(served.simulator.requests).toHaveLength(1)
    const sent = served.simulator.requests[0]!
    expect(sent.method).toBe("POST")
    expect(sent.path).toBe("/transaction/initialize")
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`)
    expect(sent.headers["content-type"]).toBe("application/json")
    expect(sent.body).toEqual({
      email: request.email,
      amount: 19_900,
      currency: "ZAR",
      reference: request.reference,
      callback_url: request.callbackUrl,
      metadata: request.metadata,
    })
    expect(checkoutUrl).toMatch(new RegExp(`^${served.baseUrl}/checkout/[0-9a-f]+$`))
    const page = await fetch(checkoutUrl)
    expect(page.headers.get("content-type")).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain("ZAR 199.00")
    expect(html).toMatch(/<button[^>]*>Pay/)
    expect(html).toMatch(/<button[^>]*>Cancel/)
  })

  it("reads Paystack's documented answers (fixtures) as they are", async () => {
    served.simulator.failNext(200, fixture("api_transaction_initialize_response_200.json"))
    expect(await run(gateway.initializeCheckout(checkout()))).toEqual({
      checkoutUrl: "https://checkout.paystack.com/3ni8kdavz62431k",
    })
    served.simulator.failNext(200, fixture("api_transaction_verify_response_200.json"))
    expect(await run(gateway.verify("re4lyvq3s3"))).toEqual({
      reference: "re4lyvq3s3",
      status: "success",
      amountMinor: 40_333n,
      currency: "NGN",
      gatewayTransactionId: "4099260516",
      paidAt: Date.parse("2024-08-22T09:15:02.000Z"),
      channel: "card",
      gatewayResponse: "Successful",
    })
  })

  it("a duplicate reference is refused with Paystack's code and message", async () => {
    const request = checkout()
    await run(gateway.initializeCheckout(request))
    const refused = await failure(gateway.initializeCheckout(request))
    expect(refused._tag).toBe("PaymentGatewayRefused")
    expect(refused).toMatchObject({
      code: "duplicate_reference",
      detail: "Duplicate Transaction Reference",
    })
    // The fixture's body, played back, reads the same.
    served.simulator.failNext(
      400,
      fixture("api_transaction_initialize_response_400_duplicate_reference.json"),
    )
    expect(await failure(gateway.initializeCheckout(checkout()))).toMatchObject({
      _tag: "PaymentGatewayRefused",
      code: "duplicate_reference",
    })
  })

  it("429, 5xx (JSON or an HTML page) and a malformed 200 are unavailable, never a crash", async () => {
    const cases: ReadonlyArray<readonly [number, unknown, RegExp]> = [
      [429, { status: false, message: "Too many requests" }, /HTTP 429: Too many requests/],
      [500, undefined, /HTTP 500/],
      [503, { status: false, message: "Service unavailable" }, /HTTP 503/],
      [200, { status: true, message: "ok", data: {} }, /unexpected body.*authorization_url/s],
      [200, { status: false, message: "odd" }, /unexpected body/],
      [200, undefined, /unexpected body/],
    ]
    for (const [status, body, detail] of cases) {
      served.simulator.failNext(status, body)
      const error = await failure(gateway.initializeCheckout(checkout()))
      expect(error._tag, `${status} ${JSON.stringify(body)}`).toBe("PaymentGatewayUnavailable")
      expect((error as { detail: string }).detail).toMatch(detail)

      served.simulator.failNext(status, body)
      const verifying = await failure(gateway.verify("FND-SUB-ANY"))
      expect(verifying._tag).toBe("PaymentGatewayUnavailable")
    }
    served.simulator.failNext(200, { status: true, data: { id: 1, status: "success" } })
    expect((await failure(gateway.verify("FND-SUB-X")))._tag).toBe("PaymentGatewayUnavailable")
  })

  it("verifying an unknown reference is PaymentNotFound; a refusal of our key is not", async () => {
    expect(await failure(gateway.verify("FND-SUB-NEVER"))).toMatchObject({
      _tag: "PaymentNotFound",
      reference: "FND-SUB-NEVER",
    })
    // fixtures/paystack's 400 to verify is about the key, not the reference.
    served.simulator.failNext(400, fixture("api_transaction_verify_response_400.json"))
    const badKey = await failure(gateway.verify("FND-SUB-NEVER"))
    expect(badKey._tag).toBe("PaymentGatewayUnavailable")
    expect((badKey as { detail: string }).detail).toMatch(/Invalid key/)
  })

  it("a wrong secret key: initialize is refused, verify is unavailable (ops must fix it)", async () => {
    const wrong = makePaystackGateway({
      secretKey: Redacted.make("sk_test_wrong"),
      baseUrl: served.baseUrl,
    })
    expect(await failure(wrong.initializeCheckout(checkout()))).toMatchObject({
      _tag: "PaymentGatewayRefused",
      code: "http_401",
      detail: "Invalid key",
    })
    const verifying = await failure(wrong.verify("FND-SUB-1"))
    expect(verifying._tag).toBe("PaymentGatewayUnavailable")
    expect((verifying as { detail: string }).detail).toMatch(/HTTP 401.*Invalid key/)
  })

  it("Pay: success with paid_at, a signed charge.success in the fixture's shape, 303 to the callback", async () => {
    const request = checkout()
    const { checkoutUrl } = await run(gateway.initializeCheckout(request))
    const before = await run(gateway.verify(request.reference))
    expect(before.status).toBe("abandoned")

    const paid = await press(checkoutUrl, "pay")
    expect(paid.status).toBe(303)
    expect(paid.headers.get("location")).toBe(
      `${request.callbackUrl}?trxref=${request.reference}&reference=${request.reference}`,
    )

    const verified = await run(gateway.verify(request.reference))
    expect(verified).toMatchObject({
      reference: request.reference,
      status: "success",
      amountMinor: 19_900n,
      currency: "ZAR",
      channel: "card",
    })
    expect(verified.paidAt).toBeTypeOf("number")
    expect(served.simulator.requests.at(-1)).toMatchObject({
      method: "GET",
      path: `/transaction/verify/${request.reference}`,
    })

    expect(posted).toHaveLength(1)
    const hook = posted[0]!
    expect(hook.url).toBe(WEBHOOK_URL)
    expect(
      verifyPaystackSignature(hook.body, hook.headers.get("x-paystack-signature"), SECRET),
    ).toBe(true)
    const event = JSON.parse(hook.body) as { event: string; data: Record<string, unknown> }
    const shape = fixture("event_charge_success.json") as { data: Record<string, unknown> }
    expect(Object.keys(event).sort()).toEqual(Object.keys(shape).sort())
    expect(Object.keys(event.data).sort()).toEqual(Object.keys(shape.data).sort())
    expect(event).toMatchObject({
      event: "charge.success",
      data: {
        id: Number(verified.gatewayTransactionId),
        status: "success",
        reference: request.reference,
        amount: 19_900,
        currency: "ZAR",
        customer: { email: request.email },
        metadata: request.metadata,
      },
    })

    // Paystack retries a webhook: the same body, signed the same, posted again.
    const again = await served.simulator.redeliver(request.reference)
    expect(posted).toHaveLength(2)
    expect(posted[1]!.body).toBe(hook.body)
    expect(again.outcome).toBe(200)

    // The page of a paid checkout says so, and paying again changes nothing.
    expect(await (await fetch(checkoutUrl)).text()).toContain("already paid")
    expect((await fetch(`${checkoutUrl}/pay`, { method: "POST", redirect: "manual" })).status).toBe(
      303,
    )
    expect(posted).toHaveLength(2)
  })

  it("Cancel: abandoned, no webhook, 303 to the callback", async () => {
    const request = checkout()
    const { checkoutUrl } = await run(gateway.initializeCheckout(request))
    const cancelled = await press(checkoutUrl, "cancel")
    expect(cancelled.status).toBe(303)
    expect(cancelled.headers.get("location")).toContain(`reference=${request.reference}`)
    expect((await run(gateway.verify(request.reference))).status).toBe("abandoned")
    expect(served.simulator.transaction(request.reference)?.status).toBe("abandoned")
    expect(posted).toHaveLength(0)
  })
})

describe("the Paystack gateway when Paystack cannot be reached", () => {
  it("a closed port is unavailable", async () => {
    const closed = await servePaystackSimulator({ secretKey: SECRET, webhookUrl: WEBHOOK_URL })
    await closed.close()
    const down = makePaystackGateway({ secretKey: Redacted.make(SECRET), baseUrl: closed.baseUrl })
    const error = await failure(down.initializeCheckout(checkout()))
    expect(error._tag).toBe("PaymentGatewayUnavailable")
    expect((error as { detail: string }).detail).toMatch(/cannot reach Paystack/)
  })

  it("a server that never answers is unavailable once the timeout passes", async () => {
    const hung = createServer(() => {})
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve))
    try {
      const { port } = hung.address() as AddressInfo
      const slow = makePaystackGateway({
        secretKey: Redacted.make(SECRET),
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 50,
      })
      const error = await failure(slow.verify("FND-SUB-1"))
      expect(error._tag).toBe("PaymentGatewayUnavailable")
      expect((error as { detail: string }).detail).toMatch(/no answer from Paystack within 50 ms/)
    } finally {
      hung.closeAllConnections()
      await new Promise((resolve) => hung.close(resolve))
    }
  })

  it("not configured: every call says what to set", async () => {
    const notConfigured = await run(
      Effect.provide(PaymentGateway.use(Effect.succeed), layerPaymentGatewayNotConfigured),
    )
    const calls: ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }>> = [
      notConfigured.initializeCheckout(checkout()),
      notConfigured.verify("R"),
    ]
    for (const call of calls) {
      expect(await failure(call)).toMatchObject({
        _tag: "PaymentGatewayUnavailable",
        detail: PAYMENTS_NOT_CONFIGURED,
      })
    }
  })
})
