import { loadConfig } from "@fundi/adapters"
import { afterEach, expect, it } from "vitest"
import { type Harness, makeHarness } from "../testing/cli-harness.ts"
import { defaultServeDeps } from "./serve.ts"

let h: Harness
afterEach(() => h.dispose())

/** `fundi serve`'s server, from a Fundi whose payments resolved as the composition root says. */
const serveWith = async (paystack: Awaited<ReturnType<Harness["open"]>>["paystack"]) => {
  h = makeHarness()
  const fundi = { ...(await h.open(loadConfig({ FUNDI_POLICY: "subscription" }))), paystack }
  return defaultServeDeps.startServer(fundi, { port: 0 })
}

it("hands the Paystack key to the webhook and mounts the simulator at /dev/paystack", async () => {
  const seen: Array<string> = []
  const server = await serveWith({
    secretKey: "sk_test_serve_wiring",
    simulator: async (request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname}`)
      return new Response("simulated", { status: 200 })
    },
  })
  try {
    // An unsigned event is refused by the mounted webhook (not a 404 for a missing route).
    const unsigned = await fetch(`${server.url}/webhooks/paystack`, { method: "POST", body: "{}" })
    expect(unsigned.status).toBe(401)
    const simulated = await fetch(`${server.url}/dev/paystack/transaction/verify/FND-SUB-X`)
    expect(await simulated.text()).toBe("simulated")
    expect(seen).toEqual(["GET /dev/paystack/transaction/verify/FND-SUB-X"])
  } finally {
    await server.close()
  }
})

it("without payments configured: no webhook, no simulator, payment links still answer", async () => {
  const server = await serveWith(undefined)
  try {
    expect((await fetch(`${server.url}/webhooks/paystack`, { method: "POST" })).status).toBe(404)
    expect((await fetch(`${server.url}/dev/paystack/transaction/initialize`)).status).toBe(404)
    // The link page's own 404 (HTML), not the missing-route JSON.
    const link = await fetch(`${server.url}/p/not-a-token`)
    expect(link.status).toBe(404)
    expect(link.headers.get("content-type")).toMatch(/^text\/html/)
  } finally {
    await server.close()
  }
})
