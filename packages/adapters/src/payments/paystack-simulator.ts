import { randomBytes } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { signPaystack } from "./paystack-signature.ts"

/**
 * A local stand-in for Paystack, for the embedded default and for tests: the calls the
 * Paystack adapter makes (initialize, verify) answered in Paystack's shapes, its checks
 * (the secret key, a duplicate reference, an unknown reference), and a checkout page with
 * "Pay" and "Cancel" that sends a signed `charge.success` to the webhook like Paystack
 * does. The real adapter talks to it over HTTP, so the default runs the production path.
 *
 * Its transactions live in memory: a restart forgets simulated checkouts (a link opened
 * before it then answers "Transaction reference not found" when verified, and the
 * homeowner's payment stays pending until paid through a fresh checkout).
 */
export interface PaystackSimulatorOptions {
  /** The key the adapter must send as Bearer, and the webhook's HMAC key. */
  readonly secretKey: string
  /** Where "Pay" posts `charge.success` (e.g. `<public URL>/webhooks/paystack`). */
  readonly webhookUrl: string
  /** The path it is mounted at ("/dev/paystack"); requests with or without it are served. */
  readonly basePath: string
  /** Shown on the checkout page. */
  readonly merchantName?: string
  /** Sends the webhook (default: global fetch); tests capture it. */
  readonly fetch?: typeof globalThis.fetch
  /** The clock for `paid_at` and `created_at` (default: the system's). */
  readonly now?: () => Date
}

export type SimulatedStatus = "ongoing" | "success" | "abandoned"

export interface SimulatedTransaction {
  readonly id: number
  readonly reference: string
  readonly accessCode: string
  readonly email: string
  readonly amount: number
  readonly currency: string
  readonly callbackUrl: string | undefined
  readonly metadata: unknown
  readonly createdAt: Date
  status: SimulatedStatus
  paidAt: Date | undefined
}

/** One request the simulator received, as sent: tests assert the exact shapes. */
export interface SimulatedRequest {
  readonly method: string
  /** Without the base path, with the query: "/transaction/verify/FND-SUB-1". */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON or form fields; the raw text when neither; undefined when empty. */
  readonly body: unknown
}

export interface WebhookDelivery {
  readonly reference: string
  readonly body: string
  readonly signature: string
  /** The webhook's HTTP status, or why it could not be delivered. */
  readonly outcome: number | string
}

export interface PaystackSimulator {
  /** The web-standard handler: mount it at `basePath`. */
  readonly fetch: (request: Request) => Promise<Response>
  readonly requests: ReadonlyArray<SimulatedRequest>
  readonly webhooks: ReadonlyArray<WebhookDelivery>
  readonly transaction: (reference: string) => SimulatedTransaction | undefined
  /** The next API call (not the checkout page) gets this answer instead; then normal again. */
  readonly failNext: (status: number, body?: unknown) => void
  /** Posts the `charge.success` of a paid reference again, as Paystack's retries do. */
  readonly redeliver: (reference: string) => Promise<WebhookDelivery>
  /** Forgets requests, webhooks and scripted failures (transactions stay). */
  readonly reset: () => void
}

const SUPPORTED_CURRENCIES = new Set(["NGN", "GHS", "ZAR", "KES", "USD"])

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  })

/** Paystack's own answers, from its documentation and fixtures/paystack. */
const answers = {
  invalidKey: () => json(401, { status: false, message: "Invalid key" }),
  duplicateReference: () =>
    json(400, {
      status: false,
      message: "Duplicate Transaction Reference",
      meta: { nextStep: "Try and create the Transaction or Charge with a new reference" },
      type: "validation_error",
      code: "duplicate_reference",
      errorCodeMappingNotFound: false,
    }),
  referenceNotFound: () =>
    json(400, {
      status: false,
      message: "Transaction reference not found",
      meta: {
        nextStep:
          "Ensure that you're passing the reference of a transaction that exists on this integration",
      },
      type: "validation_error",
      code: "transaction_not_found",
    }),
  invalid: (message: string) =>
    json(400, { status: false, message, type: "validation_error", code: "invalid_params" }),
  notFound: () => json(404, { status: false, message: "Not found" }),
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  )

const formatAmount = (amount: number, currency: string) =>
  `${currency} ${(amount / 100).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`

const page = (title: string, body: string) =>
  new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem;color:#222}
.amount{font-size:2rem;font-weight:600;margin:.5rem 0 1.5rem}
button{display:block;width:100%;font-size:1.1rem;padding:.9rem;margin:.6rem 0;border-radius:.5rem;border:1px solid #0a7d3b}
.pay{background:#0a7d3b;color:#fff}.cancel{background:#fff;color:#0a7d3b}
.note{color:#666;font-size:.85rem}
</style></head><body>${body}</body></html>`,
    { status: 200, headers: { "content-type": "text/html; charset=utf-8" } },
  )

const afterCheckout = (tx: SimulatedTransaction): Response => {
  if (tx.callbackUrl === undefined) {
    return page("Done", `<h1>Payment ${tx.status === "success" ? "received" : "cancelled"}</h1>`)
  }
  const target = new URL(tx.callbackUrl)
  target.searchParams.set("trxref", tx.reference)
  target.searchParams.set("reference", tx.reference)
  return new Response(null, { status: 303, headers: { location: target.toString() } })
}

const parseBody = (text: string, contentType: string | null): unknown => {
  if (text === "") return undefined
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text))
  }
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A positive whole number of minor units, as Paystack takes it (a number or digits). */
const amountOf = (value: unknown): number | undefined => {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : undefined
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export const makePaystackSimulator = (options: PaystackSimulatorOptions): PaystackSimulator => {
  const basePath = options.basePath.replace(/\/+$/, "")
  const now = options.now ?? (() => new Date())
  const send = options.fetch ?? globalThis.fetch
  const merchant = options.merchantName ?? "Fundi (simulated Paystack)"
  const byReference = new Map<string, SimulatedTransaction>()
  const byAccessCode = new Map<string, SimulatedTransaction>()
  const requests: Array<SimulatedRequest> = []
  const webhooks: Array<WebhookDelivery> = []
  const scripted: Array<{ status: number; body: unknown }> = []
  let nextId = 4_099_260_516

  const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString())

  /** `charge.success` in the shape of fixtures/paystack/event_charge_success.json. */
  const chargeSuccess = (tx: SimulatedTransaction) => ({
    event: "charge.success",
    data: {
      id: tx.id,
      domain: "test",
      status: "success",
      reference: tx.reference,
      amount: tx.amount,
      message: null,
      gateway_response: "Successful",
      paid_at: iso(tx.paidAt),
      created_at: iso(tx.createdAt),
      channel: "card",
      currency: tx.currency,
      ip_address: "127.0.0.1",
      metadata: tx.metadata ?? 0,
      log: {
        time_spent: 4,
        attempts: 1,
        authentication: "none",
        errors: 0,
        success: true,
        mobile: false,
        input: [],
        channel: null,
        history: [{ type: "success", message: "Successfully paid (simulated)", time: 4 }],
      },
      fees: null,
      customer: {
        id: 68_324,
        first_name: null,
        last_name: null,
        email: tx.email,
        customer_code: `CUS_sim${tx.id}`,
        phone: null,
        metadata: null,
        risk_action: "default",
      },
      authorization: {
        authorization_code: `AUTH_sim${tx.id}`,
        bin: "408408",
        last4: "4081",
        exp_month: "12",
        exp_year: "2030",
        card_type: "visa",
        bank: "TEST BANK",
        country_code: "ZA",
        brand: "visa",
        account_name: null,
      },
      plan: {},
    },
  })

  const deliver = async (tx: SimulatedTransaction): Promise<WebhookDelivery> => {
    const body = JSON.stringify(chargeSuccess(tx))
    const signature = signPaystack(body, options.secretKey)
    let outcome: number | string
    try {
      const response = await send(options.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-paystack-signature": signature },
        body,
      })
      await response.body?.cancel()
      outcome = response.status
    } catch (e) {
      // Paystack would retry; the simulator keeps it for `redeliver`.
      outcome = e instanceof Error ? e.message : String(e)
    }
    const delivery = { reference: tx.reference, body, signature, outcome }
    webhooks.push(delivery)
    return delivery
  }

  const verifyAnswer = (tx: SimulatedTransaction) =>
    json(200, {
      status: true,
      message: "Verification successful",
      data: {
        id: tx.id,
        domain: "test",
        // Paystack reports a checkout opened and not (yet) paid as abandoned.
        status: tx.status === "ongoing" ? "abandoned" : tx.status,
        reference: tx.reference,
        receipt_number: null,
        amount: tx.amount,
        message: null,
        gateway_response:
          tx.status === "success" ? "Successful" : "The transaction was not completed",
        paid_at: iso(tx.paidAt),
        created_at: iso(tx.createdAt),
        channel: "card",
        currency: tx.currency,
        ip_address: "127.0.0.1",
        metadata: tx.metadata ?? "",
        fees: null,
        customer: { id: 68_324, email: tx.email, customer_code: `CUS_sim${tx.id}` },
        plan: null,
        paidAt: iso(tx.paidAt),
        createdAt: iso(tx.createdAt),
        requested_amount: tx.amount,
        transaction_date: iso(tx.createdAt),
      },
    })

  const initialize = (body: unknown, origin: string): Response => {
    const fields = (typeof body === "object" && body !== null ? body : {}) as Record<
      string,
      unknown
    >
    const email = typeof fields.email === "string" ? fields.email : ""
    if (!EMAIL.test(email)) return answers.invalid("Invalid Email Address Passed")
    const amount = amountOf(fields.amount)
    if (amount === undefined) return answers.invalid("Invalid Amount Sent")
    const currency = typeof fields.currency === "string" ? fields.currency : "NGN"
    if (!SUPPORTED_CURRENCIES.has(currency)) {
      return answers.invalid("Currency not supported by merchant")
    }
    const reference =
      typeof fields.reference === "string" && fields.reference !== ""
        ? fields.reference
        : randomBytes(5).toString("hex")
    if (byReference.has(reference)) return answers.duplicateReference()
    const accessCode = randomBytes(8).toString("hex")
    const tx: SimulatedTransaction = {
      id: nextId++,
      reference,
      accessCode,
      email,
      amount,
      currency,
      callbackUrl: typeof fields.callback_url === "string" ? fields.callback_url : undefined,
      metadata: fields.metadata,
      createdAt: now(),
      status: "ongoing",
      paidAt: undefined,
    }
    byReference.set(reference, tx)
    byAccessCode.set(accessCode, tx)
    return json(200, {
      status: true,
      message: "Authorization URL created",
      data: {
        authorization_url: `${origin}${basePath}/checkout/${accessCode}`,
        access_code: accessCode,
        reference,
      },
    })
  }

  const checkoutPage = (tx: SimulatedTransaction): Response => {
    const amount = escapeHtml(formatAmount(tx.amount, tx.currency))
    if (tx.status !== "ongoing") {
      return page(
        merchant,
        `<h1>${escapeHtml(merchant)}</h1><p>This payment is already ${tx.status === "success" ? "paid" : "cancelled"}.</p>`,
      )
    }
    const action = `${basePath}/checkout/${encodeURIComponent(tx.accessCode)}`
    return page(
      `Pay ${merchant}`,
      `<h1>${escapeHtml(merchant)}</h1>
<p>${escapeHtml(tx.email)}</p>
<p class="amount">${amount}</p>
<form method="post" action="${action}/pay"><button class="pay" type="submit">Pay ${amount}</button></form>
<form method="post" action="${action}/cancel"><button class="cancel" type="submit">Cancel</button></form>
<p class="note">Simulated Paystack checkout: no card is charged. Reference ${escapeHtml(tx.reference)}.</p>`,
    )
  }

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    // Mounted with its prefix kept, stripped (hono's mount), or behind a proxy that strips
    // part of a public URL's path: the routes are the same at the end of the path.
    const path = url.pathname.startsWith(`${basePath}/`)
      ? url.pathname.slice(basePath.length)
      : (/\/(?:checkout|transaction)\/.*$/.exec(url.pathname)?.[0] ?? url.pathname)
    const text = await request.text()
    requests.push({
      method: request.method,
      path: `${path}${url.search}`,
      headers: Object.fromEntries(request.headers),
      body: parseBody(text, request.headers.get("content-type")),
    })
    const body = requests.at(-1)!.body

    const checkout = /^\/checkout\/([^/]+)(?:\/(pay|cancel))?$/.exec(path)
    if (checkout !== null) {
      const tx = byAccessCode.get(decodeURIComponent(checkout[1]!))
      if (tx === undefined) return page(merchant, "<h1>This checkout does not exist</h1>")
      const action = checkout[2]
      if (action === undefined && request.method === "GET") return checkoutPage(tx)
      if (action !== undefined && request.method === "POST") {
        if (tx.status === "ongoing") {
          if (action === "pay") {
            tx.status = "success"
            tx.paidAt = now()
            await deliver(tx)
          } else {
            tx.status = "abandoned"
          }
        }
        return afterCheckout(tx)
      }
      return answers.notFound()
    }

    // The API: Bearer secret key, as Paystack checks it.
    if (request.headers.get("authorization") !== `Bearer ${options.secretKey}`) {
      return answers.invalidKey()
    }
    const failure = scripted.shift()
    if (failure !== undefined) {
      return failure.body === undefined
        ? new Response(`<html><body>${failure.status}</body></html>`, {
            status: failure.status,
            headers: { "content-type": "text/html" },
          })
        : json(failure.status, failure.body)
    }
    if (path === "/transaction/initialize" && request.method === "POST") {
      return initialize(body, url.origin)
    }
    const verify = /^\/transaction\/verify\/([^/]+)$/.exec(path)
    if (verify !== null && request.method === "GET") {
      const tx = byReference.get(decodeURIComponent(verify[1]!))
      return tx === undefined ? answers.referenceNotFound() : verifyAnswer(tx)
    }
    return answers.notFound()
  }

  return {
    fetch: handle,
    requests,
    webhooks,
    transaction: (reference) => byReference.get(reference),
    failNext: (status, body) => {
      scripted.push({ status, body })
    },
    redeliver: async (reference) => {
      const tx = byReference.get(reference)
      if (tx === undefined || tx.status !== "success") {
        throw new Error(`the simulator has no paid transaction ${reference}`)
      }
      return deliver(tx)
    },
    reset: () => {
      requests.length = 0
      webhooks.length = 0
      scripted.length = 0
    },
  }
}

export interface ServedPaystackSimulator {
  /** `http://127.0.0.1:PORT<basePath>`: the adapter's base URL. */
  readonly baseUrl: string
  readonly simulator: PaystackSimulator
  readonly close: () => Promise<void>
}

/**
 * The simulator on a real loopback HTTP server (node:http on 127.0.0.1, a free port), so
 * the adapter's tests go through fetch, headers, status codes and bodies as in production.
 */
export const servePaystackSimulator = async (
  options: Omit<PaystackSimulatorOptions, "basePath"> & { readonly basePath?: string },
): Promise<ServedPaystackSimulator> => {
  const basePath = options.basePath ?? ""
  const simulator = makePaystackSimulator({ ...options, basePath })
  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const { port } = server.address() as AddressInfo
      const body = Buffer.concat(chunks)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value)
        else if (Array.isArray(value)) for (const v of value) headers.append(name, v)
      }
      const method = req.method ?? "GET"
      const request = new Request(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
        method,
        headers,
        ...(method === "GET" || method === "HEAD" ? {} : { body }),
      })
      simulator
        .fetch(request)
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers))
          res.end(Buffer.from(await response.arrayBuffer()))
        })
        .catch((error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" })
          res.end(String(error))
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    simulator,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}
