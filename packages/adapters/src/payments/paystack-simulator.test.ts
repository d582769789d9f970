import { describe, expect, it } from "vitest"
import { makePaystackSimulator } from "./paystack-simulator.ts"

const SECRET = "sk_test_simulator_unit_0123456789"
const simulator = () =>
  makePaystackSimulator({
    secretKey: SECRET,
    webhookUrl: "http://127.0.0.1:9/webhooks/paystack",
    basePath: "/dev/paystack",
  })

const initialize = (body: unknown, path = "/dev/paystack/transaction/initialize", key = SECRET) =>
  new Request(`https://fundi.example.com${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  })

const valid = { email: "a@customers.example.com", amount: 9900, currency: "ZAR", reference: "R1" }

describe("the Paystack simulator's handler", () => {
  it("refuses the API without the secret key, as Paystack does (401 Invalid key)", async () => {
    const sim = simulator()
    const answer = await sim.fetch(initialize(valid, undefined, "sk_test_other"))
    expect(answer.status).toBe(401)
    expect(await answer.json()).toEqual({ status: false, message: "Invalid key" })
  })

  it("validates initialize like Paystack: email, amount, currency", async () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
      [{ ...valid, email: "27831110000" }, "Invalid Email Address Passed"],
      [{ ...valid, amount: 0 }, "Invalid Amount Sent"],
      [{ ...valid, amount: 99.5 }, "Invalid Amount Sent"],
      [{ ...valid, currency: "EUR" }, "Currency not supported by merchant"],
    ]
    for (const [body, message] of cases) {
      const answer = await simulator().fetch(initialize(body))
      expect(answer.status, message).toBe(400)
      expect(await answer.json()).toMatchObject({ status: false, message })
    }
    // Paystack takes the amount as digits too (its own fixture sends "20000").
    expect((await simulator().fetch(initialize({ ...valid, amount: "20000" }))).status).toBe(200)
  })

  it("serves the same routes with its prefix kept, stripped, or under a proxy's path", async () => {
    for (const path of [
      "/dev/paystack/transaction/initialize",
      "/transaction/initialize",
      "/fundi/dev/paystack/transaction/initialize",
    ]) {
      const sim = simulator()
      const answer = await sim.fetch(initialize(valid, path))
      expect(answer.status, path).toBe(200)
      const { data } = (await answer.json()) as { data: { authorization_url: string } }
      // The checkout is always at the base path on the public origin.
      expect(data.authorization_url).toMatch(
        /^https:\/\/fundi\.example\.com\/dev\/paystack\/checkout\/[0-9a-f]+$/,
      )
      expect(sim.requests[0]!.path).toBe("/transaction/initialize")
    }
  })

  it("escapes what it shows on the checkout page", async () => {
    const sim = simulator()
    const answer = await sim.fetch(initialize({ ...valid, email: "<b>x</b>@example.com" }))
    const { data } = (await answer.json()) as { data: { authorization_url: string } }
    const html = await (await sim.fetch(new Request(data.authorization_url))).text()
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;@example.com")
    expect(html).not.toContain("<b>x</b>")
  })
})
