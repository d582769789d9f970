import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PaymentGateway } from "@fundi/core"
import { Effect, Redacted } from "effect"
import fc from "fast-check"
import { afterEach, describe, expect, it } from "vitest"
import { paymentsFor } from "../composition-root.ts"
import { configProblems, serverEnv } from "../config.testing.ts"
import {
  FALLBACK_PAYER_EMAIL_DOMAIN,
  loadConfig,
  payerEmailDomainFor,
  withPublicUrl,
} from "../config.ts"
import { PAYMENTS_NOT_CONFIGURED } from "./payment-gateway.paystack.ts"

const KEY = "sk_test_0123456789abcdef0123456789abcdef"

const dirs: Array<string> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const gatewayOf = (wiring: ReturnType<typeof paymentsFor>) =>
  Effect.runPromise(Effect.provide(PaymentGateway.use(Effect.succeed), wiring.gateway))

describe("payments configuration", () => {
  it("embedded database, no key: the simulator on this server, with a key kept beside the data (0600)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fundi-payments-"))
    dirs.push(dir)
    const config = loadConfig({ FUNDI_DATABASE_URL: `pglite://${join(dir, "db")}` })
    expect(config.payments).toEqual({
      mode: "simulator",
      secretKey: undefined,
      baseUrl: "http://localhost:3000/dev/paystack",
      webhookUrl: "http://localhost:3000/webhooks/paystack",
      payerEmailDomain: FALLBACK_PAYER_EMAIL_DOMAIN,
      payerEmailDomainSet: false,
    })
    const wiring = paymentsFor(config)
    expect(wiring.paystack?.simulator).toBeTypeOf("function")
    expect(wiring.description).toMatch(/simulator at http:\/\/localhost:3000\/dev\/paystack/)
    const file = join(dir, "paystack-simulator-key")
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(wiring.paystack?.secretKey).toBe(`sk_test_${readFileSync(file, "utf8").trim()}`)
    // A restart signs (and is verified) with the same key.
    expect(paymentsFor(config).paystack?.secretKey).toBe(wiring.paystack?.secretKey)

    // The real adapter, answered by the simulator in this process.
    const gateway = await gatewayOf(wiring)
    const opened = await Effect.runPromise(
      gateway.initializeCheckout({
        reference: "FND-SUB-CONF01",
        amountMinor: 9_900n,
        currency: "ZAR",
        email: `27831110000@${FALLBACK_PAYER_EMAIL_DOMAIN}`,
        callbackUrl: "http://localhost:3000/p/t/return",
        metadata: {},
      }),
    )
    expect(opened.checkoutUrl).toMatch(/^http:\/\/localhost:3000\/dev\/paystack\/checkout\/\w+$/)
    expect((await Effect.runPromise(gateway.verify("FND-SUB-CONF01"))).status).toBe("abandoned")
  })

  it("a server database, no key: not configured, every payment call says so, no webhook", async () => {
    const config = loadConfig(serverEnv)
    expect(config.payments.mode).toBe("not_configured")
    const wiring = paymentsFor(config)
    expect(wiring.paystack).toBeUndefined()
    expect(wiring.description).toMatch(/not configured \(set PAYSTACK_SECRET_KEY\)/)
    const gateway = await gatewayOf(wiring)
    expect(await Effect.runPromise(Effect.flip(gateway.verify("FND-SUB-1")))).toMatchObject({
      _tag: "PaymentGatewayUnavailable",
      detail: PAYMENTS_NOT_CONFIGURED,
    })
  })

  it("a key, on either database: Paystack at its URL (or the one set), the key signs webhooks", () => {
    for (const env of [{ PAYSTACK_SECRET_KEY: KEY }, { ...serverEnv, PAYSTACK_SECRET_KEY: KEY }]) {
      const config = loadConfig(env)
      expect(config.payments.mode).toBe("paystack")
      expect(config.payments.baseUrl).toBe("https://api.paystack.co")
      expect(Redacted.value(config.payments.secretKey!)).toBe(KEY)
      const wiring = paymentsFor(config)
      expect(wiring.paystack).toEqual({ secretKey: KEY })
      expect(wiring.description).toMatch(/^Paystack \(https:\/\/api\.paystack\.co\)/)
    }
    const proxied = loadConfig({
      PAYSTACK_SECRET_KEY: "sk_live_abc",
      PAYSTACK_BASE_URL: "http://paystack-proxy.internal:8080/",
      FUNDI_PUBLIC_URL: "https://fundi.example.com",
    })
    expect(proxied.payments).toMatchObject({
      mode: "paystack",
      baseUrl: "http://paystack-proxy.internal:8080",
      webhookUrl: "https://fundi.example.com/webhooks/paystack",
      payerEmailDomain: "customers.fundi.example.com",
    })
  })

  it("names each bad payments variable", () => {
    expect(configProblems({ PAYSTACK_SECRET_KEY: "pk_test_abc" })).toEqual([
      expect.stringMatching(/^PAYSTACK_SECRET_KEY: must be a Paystack secret key/),
    ])
    expect(
      configProblems({ PAYSTACK_SECRET_KEY: KEY, PAYSTACK_BASE_URL: "api.paystack.co" }),
    ).toEqual(['PAYSTACK_BASE_URL: "api.paystack.co" must be an http(s) URL'])
    expect(configProblems({ PAYSTACK_BASE_URL: "https://api.paystack.co" })).toEqual([
      "PAYSTACK_BASE_URL: is set but PAYSTACK_SECRET_KEY is not (set both, or neither)",
    ])
    for (const bad of ["localhost", "-x.example.com", "a..b", "x@y.com", "example.123"]) {
      expect(configProblems({ PAYMENT_EMAIL_DOMAIN: bad }), bad).toEqual([
        `PAYMENT_EMAIL_DOMAIN: "${bad}" must be a domain name, e.g. customers.example.com`,
      ])
    }
  })

  it("the payer email domain: the one set, else the public host's, else .invalid", () => {
    fc.assert(
      fc.property(fc.domain(), (domain) => {
        expect(loadConfig({ PAYMENT_EMAIL_DOMAIN: domain }).payments.payerEmailDomain).toBe(domain)
        const derived = payerEmailDomainFor(`https://${domain}`)
        expect(derived).toBe(`customers.${domain}`)
        // What the gateway gets is an email any checker accepts.
        expect(`27831110000@${derived}`).toMatch(/^[^\s@]+@[^\s@]+\.[a-z][a-z0-9-]*$/i)
      }),
      { numRuns: 200 },
    )
    for (const url of ["http://localhost:3000", "http://127.0.0.1:8080", "http://app.localhost"]) {
      expect(payerEmailDomainFor(url), url).toBe(FALLBACK_PAYER_EMAIL_DOMAIN)
    }
  })

  it("settled on another public URL (the server's), payments are as if configured with it", () => {
    const origin = fc
      .tuple(fc.constantFrom("http", "https"), fc.oneof(fc.domain(), fc.constant("localhost:3000")))
      .map(([scheme, host]) => `${scheme}://${host}`)
    const envs = fc.constantFrom<Record<string, string>>(
      {},
      { PAYMENT_EMAIL_DOMAIN: "payers.example.org" },
      { PAYSTACK_SECRET_KEY: KEY },
      { ...serverEnv },
    )
    fc.assert(
      fc.property(envs, origin, origin, (env, own, server) => {
        const settled = withPublicUrl(loadConfig({ ...env, FUNDI_PUBLIC_URL: own }), server)
        const configured = loadConfig({ ...env, FUNDI_PUBLIC_URL: server })
        expect(settled.publicUrl).toBe(server)
        expect(settled.payments).toEqual(configured.payments)
      }),
      { numRuns: 200 },
    )
  })
})
