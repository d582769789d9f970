import { createHash } from "node:crypto"
import { verifyPaystackSignature } from "@fundi/adapters"
import { recordPaymentEvent } from "@fundi/core"
import { Exit } from "effect"
import { Hono } from "hono"
import type { RouteDeps } from "../run-effect.ts"
import { problem, webhookBodyLimit, webhookUnavailable } from "./webhook-support.ts"

export interface PaystackWebhookOptions {
  /** The Paystack secret key: the HMAC-SHA512 key of every event it sends. */
  readonly secretKey: string
}

export const PAYSTACK_WEBHOOK_PATH = "/webhooks/paystack"

/** Paystack's events are a few kilobytes; a megabyte leaves room without inviting abuse. */
export const PAYSTACK_WEBHOOK_MAX_BYTES = 1024 * 1024

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The inbox key of an event: its name and its object's id, the same on every redelivery.
 * Without an id the bytes themselves identify it (Paystack resends the same body).
 */
export const paystackEventKey = (event: string, data: unknown, body: Uint8Array): string => {
  const id = isRecord(data) ? data.id : undefined
  if ((typeof id === "number" && Number.isFinite(id)) || (typeof id === "string" && id !== "")) {
    return `${event}:${id}`
  }
  return `${event}:sha256:${createHash("sha256").update(body).digest("hex")}`
}

/**
 * Paystack's webhook. The signature is checked over the raw bytes before anything is
 * parsed: an unsigned or mis-signed body is 401 and nothing is kept. A signed event is
 * written to the payment inbox and only then answered 200; handling it (which asks
 * Paystack to verify the transaction: a webhook alone is never trusted) is the worker's.
 * Paystack retries any non-200, so a redelivery is recorded once (its key) and a database
 * failure is 503: the event was not kept and will come again.
 */
export const paystackWebhookRoutes = (deps: RouteDeps, options: PaystackWebhookOptions): Hono => {
  const app = new Hono()

  app.post(
    PAYSTACK_WEBHOOK_PATH,
    webhookBodyLimit(PAYSTACK_WEBHOOK_MAX_BYTES, "events"),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer())
      if (!verifyPaystackSignature(body, c.req.header("x-paystack-signature"), options.secretKey)) {
        return c.json(problem("unauthorized", "missing or invalid x-paystack-signature"), 401)
      }
      let payload: unknown
      try {
        payload = JSON.parse(new TextDecoder().decode(body))
      } catch {
        return c.json(problem("bad_request", "the body is not JSON"), 400)
      }
      if (!isRecord(payload) || typeof payload.event !== "string" || payload.event === "") {
        return c.json(problem("bad_request", "the body is not a Paystack event (no event)"), 400)
      }
      const event = payload.event
      const data = payload.data
      const reference =
        isRecord(data) && typeof data.reference === "string" && data.reference !== ""
          ? data.reference
          : undefined
      const exit = await deps.runtime.runPromiseExit(
        recordPaymentEvent({
          key: paystackEventKey(event, data, body),
          gateway: "paystack",
          event,
          ...(reference === undefined ? {} : { reference }),
          payload,
        }),
      )
      if (Exit.isSuccess(exit)) return c.json({ ok: true }, 200)
      return webhookUnavailable(deps, PAYSTACK_WEBHOOK_PATH, "the event", exit.cause)
    },
  )

  return app
}
