import { createHash, timingSafeEqual } from "node:crypto"
import { normalizeWebhook, verifySignature } from "@fundi/adapters"
import { Inbox, now } from "@fundi/core"
import { type Cause, Effect, Exit } from "effect"
import { Hono } from "hono"
import type { RouteDeps } from "../run-effect.ts"
import { problem, webhookBodyLimit, webhookUnavailable } from "./webhook-support.ts"

export interface WhatsAppWebhookOptions {
  /** The Meta app secret (or the simulator's generated one): the HMAC key of deliveries. */
  readonly appSecret: string
  /** What Meta must echo to verify the webhook (set in the app dashboard). */
  readonly verifyToken: string
}

const PATH = "/webhooks/whatsapp"

/** Meta documents payloads of up to 3 MB. */
export const WEBHOOK_MAX_BYTES = 3 * 1024 * 1024

/** Equal-length digests, so the comparison takes the same time whatever the guess. */
const sameSecret = (expected: string, given: string): boolean =>
  timingSafeEqual(
    createHash("sha256").update(expected).digest(),
    createHash("sha256").update(given).digest(),
  )

/**
 * Meta's webhook. Verification (GET) echoes the challenge when the token matches. A
 * delivery (POST) is checked against its signature before anything is parsed, then every
 * update in it is written to the inbox in one statement, and only then answered 200: what
 * Meta has been told we have, we have. Processing happens later (the inbox worker), so a
 * redelivery, which Meta makes for any non-200, is recorded and processed once.
 *
 * Meta retries a non-200 for days, so only a body that is not JSON at all is refused (400);
 * JSON we cannot use is logged and acknowledged. A database failure is 503: the delivery
 * was not kept, and Meta will bring it again.
 */
export const whatsappWebhookRoutes = (deps: RouteDeps, options: WhatsAppWebhookOptions): Hono => {
  const app = new Hono()

  app.get(PATH, (c) => {
    const mode = c.req.query("hub.mode")
    const token = c.req.query("hub.verify_token")
    const challenge = c.req.query("hub.challenge")
    if (
      mode !== "subscribe" ||
      token === undefined ||
      challenge === undefined ||
      !sameSecret(options.verifyToken, token)
    ) {
      return c.json(problem("forbidden", "webhook verification failed"), 403)
    }
    return c.text(challenge, 200)
  })

  /** The delivery was not kept: 503, and Meta brings it again. */
  const unavailable = (cause: Cause.Cause<unknown>) =>
    webhookUnavailable(deps, PATH, "the delivery", cause)

  app.post(PATH, webhookBodyLimit(WEBHOOK_MAX_BYTES, "deliveries"), async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    if (!verifySignature(options.appSecret, body, c.req.header("X-Hub-Signature-256"))) {
      return c.json(problem("unauthorized", "missing or invalid X-Hub-Signature-256"), 401)
    }
    const text = new TextDecoder().decode(body)
    const bodySha256 = createHash("sha256").update(body).digest("hex")
    /** Keeps what could not be used, for ops; a retry of the same bytes counts up. */
    const reject = (reason: string, excerpt: string, place = "") =>
      Effect.gen(function* () {
        const inbox = yield* Inbox
        yield* inbox.recordRejected({
          fingerprint: place === "" ? bodySha256 : `${bodySha256}:${place}`,
          reason,
          excerpt,
          size: body.length,
          at: yield* now,
        })
        yield* Effect.logWarning(`whatsapp webhook: ${reason}`)
      })
    let payload: unknown
    try {
      payload = JSON.parse(text)
    } catch {
      const kept = await deps.runtime.runPromiseExit(reject("the body is not JSON", text))
      if (Exit.isFailure(kept)) return unavailable(kept.cause)
      return c.json(problem("bad_request", "the body is not JSON"), 400)
    }

    const exit = await deps.runtime.runPromiseExit(
      Effect.gen(function* () {
        const receivedAt = yield* now
        const normalized = normalizeWebhook(payload, receivedAt)
        if (normalized.ignored !== undefined) {
          yield* reject(`ignored: ${normalized.ignored}`, text)
        }
        for (const [place, skipped] of normalized.skipped.entries()) {
          yield* reject("a change or message could not be read", skipped, String(place))
        }
        if (normalized.updates.length === 0) return 0
        const inbox = yield* Inbox
        return (yield* inbox.record(normalized.updates, receivedAt)).recorded
      }),
    )
    if (Exit.isSuccess(exit)) return c.json({ recorded: exit.value }, 200)
    return unavailable(exit.cause)
  })

  return app
}
