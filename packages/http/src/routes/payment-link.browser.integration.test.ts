import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  type Fundi,
  type FundiServices,
  loadConfig,
  openFundi,
  signatureHeader,
  signPaystack,
} from "@fundi/adapters"
import {
  actionId,
  deliverDueMessages,
  Ledger,
  listSubscriptions,
  Outbox,
  PaymentEvents,
  platformRevenueAccountId,
  processDueInbox,
  processPaymentEvents,
  showSubscription,
} from "@fundi/core"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeApp } from "../app.ts"
import type { UnexpectedError } from "../error-response.ts"
import { type RunningServer, startServer } from "../server.ts"
import {
  chromiumPath,
  launchPhoneBrowser,
  PHONE,
  type PhoneBrowser,
} from "../testing/phone-browser.ts"

const executablePath = chromiumPath

/** The simulator posts its webhook to FUNDI_PUBLIC_URL, so the port is chosen before the server starts. */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      )
    })
  })

describe.skipIf(executablePath === undefined)(
  "a homeowner pays for Premium in a real browser (phone), on PGlite and the Paystack simulator",
  () => {
    let root: string
    let fundi: Fundi
    let server: RunningServer
    let phone: PhoneBrowser
    const logged: Array<UnexpectedError> = []
    let counter = 0

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), "fundi-pay-journey-"))
      const port = await freePort()
      // As `fundi serve` runs by default: embedded database, no Meta or Paystack credentials.
      fundi = await openFundi(
        loadConfig({
          FUNDI_DATABASE_URL: `pglite://${join(root, "db")}`,
          FUNDI_FILES_DIR: join(root, "files"),
          FUNDI_PUBLIC_URL: `http://127.0.0.1:${port}`,
          FUNDI_POLICY: "subscription",
        }),
        { command: "test" },
      )
      expect(fundi.paystack?.simulator).toBeDefined()
      const app = makeApp({
        runtime: fundi.runtime,
        apiKey: undefined,
        publicUrl: fundi.config.publicUrl,
        whatsapp: fundi.whatsapp,
        paystack: fundi.paystack,
        logError: (e) => logged.push(e),
      })
      server = await startServer(app, { port, hostname: "127.0.0.1" })
      phone = await launchPhoneBrowser(executablePath!)
    })

    afterAll(async () => {
      await phone?.close()
      await server?.close()
      await fundi?.close()
      if (root !== undefined) rmSync(root, { recursive: true, force: true })
    })

    const run = <A, E>(effect: Effect.Effect<A, E, FundiServices>) =>
      fundi.runtime.runPromise(effect)

    /** A message from a homeowner's phone, signed as Meta signs it, to the real webhook. */
    const whatsapp = async (from: string, type: string, body: unknown) => {
      const waId = from.slice(1)
      counter++
      const payload = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "1",
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: {
                    display_phone_number: "27800000000",
                    phone_number_id: fundi.whatsapp.phoneNumberId,
                  },
                  contacts: [{ profile: { name: "Lerato" }, wa_id: waId }],
                  messages: [
                    {
                      from: waId,
                      id: `wamid.JOURNEY${counter}`,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type,
                      [type]: body,
                    },
                  ],
                },
              },
            ],
          },
        ],
      })
      const res = await fetch(`${server.url}/webhooks/whatsapp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": signatureHeader(fundi.whatsapp.appSecret, payload),
        },
        body: payload,
      })
      expect(res.status).toBe(200)
      // What the inbox and outbox workers of `fundi serve` do next.
      await run(
        Effect.gen(function* () {
          yield* processDueInbox({ batchSize: 50, leaseMs: 60_000 })
          yield* deliverDueMessages({ batchSize: 50, leaseMs: 60_000 })
        }),
      )
    }
    const text = (from: string, body: string) => whatsapp(from, "text", { body })
    const tap = (from: string, id: string, title: string) =>
      whatsapp(from, "interactive", { type: "button_reply", button_reply: { id, title } })

    /** The payment-link URLs in what we sent the homeowner, oldest first. */
    const paymentLinks = async (to: string) => {
      const messages = await run(
        Effect.flatMap(Outbox, (outbox) => outbox.list({ to, limit: 200 })),
      )
      const pattern = new RegExp(`${fundi.config.publicUrl}/p/[A-Za-z0-9_.~-]+`, "g")
      return messages
        .toReversed()
        .flatMap((m) => [...`${m.body} ${JSON.stringify(m.intent ?? "")}`.matchAll(pattern)])
        .map((match) => match[0])
        .filter((url, i, all) => all.indexOf(url) === i)
    }

    /** A new homeowner signs up in WhatsApp and picks Premium; the links we sent them. */
    const choosePremium = async (from: string) => {
      await text(from, "hi")
      await tap(from, actionId.startFlow("sign_up", "customer"), "I need help")
      await text(from, "Lerato")
      await tap(from, actionId.answer("plan", "premium"), "Premium")
      return paymentLinks(from)
    }

    const expectPhoneFriendly = async (page: Page) => {
      const scrollWidth = Number(await page.evaluate("document.documentElement.scrollWidth"))
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width)
    }

    it("chooses Premium in WhatsApp, pays on the checkout, sees it active; a redelivered webhook changes nothing", async () => {
      const links = await choosePremium("+27831234567")
      expect(links).toHaveLength(1)
      const [subscription] = await run(listSubscriptions({ state: "pending_payment", limit: 10 }))
      expect(subscription).toMatchObject({ planId: "premium", state: "pending_payment" })

      const page = await phone.context.newPage()
      const problems: Array<string> = []
      page.on("pageerror", (e) => problems.push(e.message))
      await page.goto(links[0]!)
      // The link sent the browser on to the gateway's (here: the simulator's) checkout.
      await page.waitForURL(/\/dev\/paystack\/checkout\//)
      expect(await page.locator("body").textContent()).toContain("99")
      await expectPhoneFriendly(page)

      await page.getByRole("button", { name: /^Pay/ }).click()
      // Paid: the simulator posted charge.success to our webhook and sent the browser back.
      await page.waitForURL(/\/p\/[^/]+\/return/)
      const shown = (await page.locator("body").textContent()) ?? ""
      expect(shown).toContain("Payment received")
      expect(shown).toMatch(/Paid: your Premium plan is active until/)
      await expectPhoneFriendly(page)

      const after = await run(showSubscription({ subscriptionId: subscription!.id }))
      expect(after.subscription.state).toBe("active")
      expect(after.payments.map((p) => p.state)).toEqual(["paid"])
      const payment = after.payments[0]!

      /** The ledger's view of this payment: its transfer, and every line of revenue. */
      const ledger = () =>
        run(
          Effect.gen(function* () {
            const ledger = yield* Ledger
            return {
              transfer: yield* ledger.findTransfer(`payment:${payment.id}`),
              revenue: yield* ledger.statement(platformRevenueAccountId("ZAR"), { limit: 10 }),
              check: yield* ledger.check(),
            }
          }),
        )
      const moved = await ledger()
      expect(moved.transfer._tag).toBe("Some")
      expect(moved.revenue.map((line) => line.change)).toEqual([9_900n])

      // The webhook's event, handled by the worker after the return page already confirmed.
      const events = () => run(Effect.flatMap(PaymentEvents, (e) => e.list({ limit: 50 })))
      expect((await events()).map((e) => [e.event, e.reference])).toEqual([
        ["charge.success", payment.reference],
      ])
      await run(processPaymentEvents({ batchSize: 10, leaseMs: 60_000 }))

      // Paystack delivers again (it does, for days, until it sees a 200): same event id.
      const [event] = await events()
      const redelivered = JSON.stringify(event!.payload)
      const again = await fetch(`${server.url}/webhooks/paystack`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-paystack-signature": signPaystack(redelivered, fundi.paystack!.secretKey),
        },
        body: redelivered,
      })
      expect(again.status).toBe(200)
      const rerun = await run(processPaymentEvents({ batchSize: 10, leaseMs: 60_000 }))
      expect(rerun.claimed).toBe(0)
      expect(await events()).toHaveLength(1)

      const still = await run(showSubscription({ subscriptionId: subscription!.id }))
      expect(still.subscription).toEqual(after.subscription)
      const unchanged = await ledger()
      expect(unchanged.revenue.map((line) => line.change)).toEqual([9_900n])
      expect(unchanged.check).toEqual(moved.check)
      expect(problems).toEqual([])
      expect(logged).toEqual([])
    })

    it("cancels at the checkout: back on our page, not paid, with the link to pay again", async () => {
      const links = await choosePremium("+27831239999")
      expect(links).toHaveLength(1)
      const page = await phone.context.newPage()
      await page.goto(links[0]!)
      await page.waitForURL(/\/dev\/paystack\/checkout\//)
      await page.getByRole("button", { name: /^Cancel/ }).click()
      await page.waitForURL(/\/p\/[^/]+\/return/)
      expect(await page.locator("h1").textContent()).toBe("We have not received your payment yet")
      const again = page.getByRole("link", { name: /^Pay ZAR 99\.00/ })
      expect(await again.getAttribute("href")).toBe(new URL(links[0]!).pathname)
      await expectPhoneFriendly(page)

      const [subscription] = await run(listSubscriptions({ state: "pending_payment", limit: 10 }))
      expect(subscription?.planId).toBe("premium")
      expect(logged).toEqual([])
    })
  },
)
