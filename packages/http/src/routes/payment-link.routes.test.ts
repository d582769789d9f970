import {
  cancelSubscription,
  chooseSubscriptionPlan,
  type PartyId,
  revokeLink,
  showSubscription,
  subscriptionPreset,
} from "@fundi/core"
import {
  homeowner,
  InMemoryPaymentGateway,
  inMemoryCheckoutBaseUrl,
  layerInMemory,
} from "@fundi/core/testing"
import { Effect, Layer, Logger, ManagedRuntime } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { makeApp } from "../app.ts"
import type { UnexpectedError } from "../error-response.ts"
import { textOf } from "../pages/pages.test-support.ts"

/** What the runtime logged, for the warnings ops rely on. */
const warnings: Array<string> = []
const makeRuntime = () =>
  ManagedRuntime.make(
    Layer.merge(
      layerInMemory(subscriptionPreset),
      Logger.layer([
        Logger.make(({ message, logLevel }) => {
          if (logLevel === "Warn") warnings.push(String(message))
        }),
      ]),
    ),
  )

interface Chosen {
  readonly runtime: ReturnType<typeof makeRuntime>
  readonly app: ReturnType<typeof makeApp>
  readonly logged: ReadonlyArray<UnexpectedError>
  readonly customerId: PartyId
  readonly subscriptionId: string
  readonly reference: string
  readonly linkId: string
  /** "/p/<token>" */
  readonly path: string
}

let current: ReturnType<typeof makeRuntime> | undefined
afterEach(async () => {
  await current?.dispose()
  current = undefined
})

/** A homeowner who chose Premium in WhatsApp and holds its payment link. */
const premiumChosen = async (): Promise<Chosen> => {
  const runtime = makeRuntime()
  current = runtime
  const logged: Array<UnexpectedError> = []
  const app = makeApp({ runtime, apiKey: undefined, logError: (e) => logged.push(e) })
  return runtime.runPromise(
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const chosen = yield* chooseSubscriptionPlan({ customerId: customer.id, planId: "premium" })
      if (chosen.link === undefined || chosen.payment === undefined) {
        throw new Error("a paid plan must come with a payment and its link")
      }
      return {
        runtime,
        app,
        logged,
        customerId: customer.id,
        subscriptionId: chosen.subscription.id,
        reference: chosen.payment.reference,
        linkId: chosen.link.link.id,
        path: `/p/${chosen.link.token}`,
      }
    }),
  )
}

const get = (c: Chosen, path: string) => Promise.resolve(c.app.request(path))
const gateway = <A>(c: Chosen, f: (g: InMemoryPaymentGateway["Service"]) => Effect.Effect<A>) =>
  c.runtime.runPromise(Effect.flatMap(InMemoryPaymentGateway, f))
const subscription = (c: Chosen) =>
  c.runtime
    .runPromise(showSubscription({ subscriptionId: c.subscriptionId }))
    .then((s) => s.subscription)

const expectPage = async (res: Response, status: number) => {
  expect(res.status).toBe(status)
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/)
  // The URL carries a bearer token: no cache keeps the page, no Referer leaks it.
  expect(res.headers.get("Cache-Control")).toBe("no-store")
  expect(res.headers.get("Referrer-Policy")).toBe("no-referrer")
  const text = await textOf(res)
  expect(text).not.toMatch(/at .*\.ts:\d+|Error:|stack/i)
  return text
}

describe("GET /p/:token: the homeowner's payment link", () => {
  it("sends the homeowner to the gateway's checkout (303), opened once however often the link is opened", async () => {
    const c = await premiumChosen()
    const first = await get(c, c.path)
    expect(first.status).toBe(303)
    expect(first.headers.get("Location")).toBe(`${inMemoryCheckoutBaseUrl}${c.reference}`)
    expect(first.headers.get("Referrer-Policy")).toBe("no-referrer")
    const again = await get(c, c.path)
    expect(again.status).toBe(303)
    expect(again.headers.get("Location")).toBe(first.headers.get("Location"))

    const checkouts = await gateway(c, (g) => g.checkouts)
    expect(checkouts).toHaveLength(1)
    expect(checkouts[0]?.reference).toBe(c.reference)
    expect(checkouts[0]?.amountMinor).toBe(9_900n)
    // The gateway brings the browser back to this page's return route.
    expect(checkouts[0]?.callbackUrl.endsWith(`${c.path}/return`)).toBe(true)
  })

  it("a paid link says so instead of charging again", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    await gateway(c, (g) => g.settle(c.reference, { status: "success" }))
    await get(c, `${c.path}/return`)

    const text = await expectPage(await get(c, c.path), 200)
    expect(text).toMatch(/Paid: your Premium plan is active until \w{3}, \d{1,2} \w{3} \d{4}/)
    expect(await gateway(c, (g) => g.checkouts)).toHaveLength(1)
  })

  it("the gateway down is a 503 page asking to try again in a minute; the next try works", async () => {
    const c = await premiumChosen()
    await gateway(c, (g) => g.failNext("connection reset"))
    const text = await expectPage(await get(c, c.path), 503)
    expect(text).toContain("try again in a minute")
    expect(text).not.toContain("connection reset")
    expect((await get(c, c.path)).status).toBe(303)
  })

  it("the gateway refusing the checkout (here: the payer's email) is a 502 page without its words", async () => {
    const c = await premiumChosen()
    await gateway(c, (g) => g.refuseNext("invalid_email", "Invalid Email Address Passed"))
    const text = await expectPage(await get(c, c.path), 502)
    expect(text).toContain("We could not open the payment page")
    expect(text).toContain("Nothing was charged")
    expect(text).not.toContain("Invalid Email")
    // Ops get the gateway's words in the log.
    expect(warnings.at(-1)).toContain("Invalid Email Address Passed")
  })

  it("a token that was never issued, or is cut short, is 404", async () => {
    const c = await premiumChosen()
    for (const path of ["/p/nonsense", `${c.path.slice(0, -4)}`, `${c.path}x`]) {
      const text = await expectPage(await get(c, path), 404)
      expect(text, path).toContain("This link does not work")
    }
  })

  it("a revoked link is 410, and its return page too", async () => {
    const c = await premiumChosen()
    await c.runtime.runPromise(
      revokeLink({ linkId: c.linkId, operator: "ops", reason: "sent to the wrong number" }),
    )
    expect(await expectPage(await get(c, c.path), 410)).toContain("This link was switched off")
    expect((await get(c, `${c.path}/return`)).status).toBe(410)
    expect(await gateway(c, (g) => g.checkouts)).toHaveLength(0)
  })

  it("a link of another kind (a lead or handover link) does not open a payment", async () => {
    const c = await premiumChosen()
    const token = c.path.slice("/p/".length)
    // The same token under another prefix is resolved for that scope and refused.
    expect((await get(c, `/h/${token}`)).status).toBe(404)
    expect((await get(c, `/l/${token}`)).status).toBe(404)
  })
})

describe("GET /p/:token/return: back from the gateway", () => {
  it("before the payment reaches us: says so, with the link to pay again", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    const res = await get(c, `${c.path}/return?trxref=${c.reference}&reference=${c.reference}`)
    const text = await expectPage(res, 200)
    expect(text).toContain("We have not received your payment yet")
    expect((await subscription(c)).state).toBe("pending_payment")
  })

  it("opened before the checkout ever was (the gateway knows no such payment): not received yet", async () => {
    const c = await premiumChosen()
    const text = await expectPage(await get(c, `${c.path}/return`), 200)
    expect(text).toContain("We have not received your payment yet")
    expect(c.logged).toEqual([])
  })

  it("links back to the payment link", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    const html = await (await get(c, `${c.path}/return`)).text()
    expect(html).toContain(`href="${c.path}"`)
  })

  it("after paying: asks the gateway at once and shows the plan active, without waiting for the webhook", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    await gateway(c, (g) => g.settle(c.reference, { status: "success" }))
    const text = await expectPage(await get(c, `${c.path}/return`), 200)
    expect(text).toContain("Payment received")
    expect(text).toMatch(/Paid: your Premium plan is active until/)
    const sub = await subscription(c)
    expect(sub.state).toBe("active")

    // Coming back again asks the gateway nothing more and changes nothing.
    const asked = await gateway(c, (g) => g.verifications)
    await expectPage(await get(c, `${c.path}/return`), 200)
    expect(await gateway(c, (g) => g.verifications)).toBe(asked)
    expect(await subscription(c)).toEqual(sub)
  })

  it("ignores the reference Paystack appends: the token alone names the payment", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    await gateway(c, (g) => g.settle("FND-SUB-SOMEONEELSE", { status: "success" }))
    const text = await expectPage(
      await get(c, `${c.path}/return?reference=FND-SUB-SOMEONEELSE`),
      200,
    )
    expect(text).toContain("We have not received your payment yet")
    expect((await subscription(c)).state).toBe("pending_payment")
  })

  it("a payment the gateway took for another amount: a conflict page, then the link stays closed", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    await gateway(c, (g) => g.settle(c.reference, { status: "success", amountMinor: 100n }))
    const text = await expectPage(await get(c, `${c.path}/return`), 409)
    expect(text).toContain("There is a problem with this payment")
    expect((await subscription(c)).state).toBe("pending_payment")

    // Recorded as failed for ops: the link shows it and opens no new checkout.
    const closed = await expectPage(await get(c, c.path), 200)
    expect(closed).toContain("This payment did not go through")
    expect(await gateway(c, (g) => g.checkouts)).toHaveLength(1)
    expect(c.logged).toEqual([])
  })

  it("the gateway down: the page still answers (not yet received), and a later visit confirms", async () => {
    const c = await premiumChosen()
    await get(c, c.path)
    await gateway(c, (g) => g.settle(c.reference, { status: "success" }))
    await gateway(c, (g) => g.failNext())
    const text = await expectPage(await get(c, `${c.path}/return`), 200)
    expect(text).toContain("We have not received your payment yet")
    expect(await expectPage(await get(c, `${c.path}/return`), 200)).toContain("Payment received")
  })
})

describe("after ops cancel the subscription", () => {
  it("the link says it is closed and leads to no checkout", async () => {
    const c = await premiumChosen()
    await c.runtime.runPromise(
      cancelSubscription({
        subscriptionId: c.subscriptionId,
        operator: "ops",
        reason: "asked by phone",
      }),
    )
    const text = await expectPage(await get(c, c.path), 200)
    expect(text).toContain("This payment link is closed")
    expect(await gateway(c, (g) => g.checkouts)).toHaveLength(0)
    expect(c.logged).toEqual([])
  })
})
