import { readPaystackEvent, verifyPaystackSignature } from "@fundi/adapters"
import { recordPaymentEvent } from "@fundi/core"
import { Exit, Result } from "effect"
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
      const event = readPaystackEvent(body)
      if (Result.isFailure(event)) {
        return c.json(
          problem(
            "bad_request",
            event.failure === "not JSON"
              ? "the body is not JSON"
              : "the body is not a Paystack event (no event)",
          ),
          400,
        )
      }
      const exit = await deps.runtime.runPromiseExit(recordPaymentEvent(event.success))
      if (Exit.isSuccess(exit)) return c.json({ ok: true }, 200)
      return webhookUnavailable(deps, PAYSTACK_WEBHOOK_PATH, "the event", exit.cause)
    },
  )

  return app
}
