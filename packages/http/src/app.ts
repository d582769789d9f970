import { Redacted } from "effect"
import { Hono } from "hono"
import {
  type ErrorLogger,
  httpError,
  internalErrorResponse,
  logToConsole,
  pathForLog,
  sendError,
  withoutTokens,
} from "./error-response.ts"
import { bearerAuth } from "./middleware/bearer-auth.ts"
import { buildOpenApiDocument } from "./openapi.ts"
import { pageRoutes } from "./pages/pages.routes.ts"
import { applicationRoutes } from "./routes/applications.routes.ts"
import { healthRoutes } from "./routes/health.routes.ts"
import { leadRefundRoutes } from "./routes/lead-refunds.routes.ts"
import { offerRoutes } from "./routes/offers.routes.ts"
import { partyRoutes } from "./routes/parties.routes.ts"
import { paymentLinkRoutes } from "./routes/payment-link.routes.ts"
import { paystackWebhookRoutes } from "./routes/paystack-webhook.routes.ts"
import { providerReachRoutes } from "./routes/provider-reach.routes.ts"
import { requestRoutes } from "./routes/requests.routes.ts"
import { walletRoutes } from "./routes/wallet.routes.ts"
import { whatsappWebhookRoutes } from "./routes/whatsapp-webhook.routes.ts"
import type { ApiRuntime, RouteDeps } from "./run-effect.ts"
import { simulatorRoutes } from "./simulator/simulator.routes.ts"

export interface MakeAppOptions {
  /** Built by the composition root; the app never disposes it. */
  readonly runtime: ApiRuntime
  /** The bearer key of /api/v1; without one the API answers 503 (never open by default). */
  readonly apiKey: string | Redacted.Redacted<string> | undefined
  /** Where unexpected failures are reported with their id; defaults to stderr. */
  readonly logError?: ErrorLogger
  /** FUNDI_PUBLIC_URL: link pages also accept forms posted from this origin (behind a proxy). */
  readonly publicUrl?: string
  readonly whatsapp?: {
    readonly appSecret: string
    readonly verifyToken: string
    readonly simulator: boolean
    readonly phoneNumberId: string
  }
  /**
   * Paystack: the secret key signs its webhooks (`POST /webhooks/paystack`). `simulator`,
   * given only when no real key is configured, is the local Paystack served at
   * `/dev/paystack/*` (checkout page and API) on this same server.
   */
  readonly paystack?:
    | {
        readonly secretKey: string
        readonly simulator?: (request: Request) => Promise<Response>
      }
    | undefined
}

/** The HTTP application: health, the versioned JSON API and its OpenAPI document. */
export const makeApp = (options: MakeAppOptions): Hono => {
  const deps: RouteDeps = {
    runtime: options.runtime,
    logError: withoutTokens(options.logError ?? logToConsole),
  }
  const apiKey = Redacted.isRedacted(options.apiKey)
    ? Redacted.value(options.apiKey)
    : options.apiKey
  // Built once: it depends only on the Schemas, not on the request.
  const openApi = buildOpenApiDocument()

  const app = new Hono()

  app.route("/", healthRoutes(deps))
  // The secure link pages (HTML): public, each request authorised by its link's token.
  app.route("/", pageRoutes(deps, { publicUrl: options.publicUrl }))
  // Meta's webhook: outside /api/v1 and its bearer key, each delivery proven by its signature.
  if (options.whatsapp !== undefined) {
    app.route("/", whatsappWebhookRoutes(deps, options.whatsapp))
  }
  // Only without Meta credentials: the page hands the app secret to the browser.
  if (options.whatsapp?.simulator) {
    app.route("/", simulatorRoutes(deps, options.whatsapp))
  }
  // Payment links (HTML, public like the link pages) and Paystack's signed webhook.
  app.route("/", paymentLinkRoutes(deps))
  if (options.paystack !== undefined) {
    app.route("/", paystackWebhookRoutes(deps, options.paystack))
  }
  // Only without a real Paystack key: the local simulator, handed the request untouched.
  const paystackSimulator = options.paystack?.simulator
  if (paystackSimulator !== undefined) {
    app.all("/dev/paystack/*", (c) => paystackSimulator(c.req.raw))
  }

  // Public, registered before the key check, so integrators can read it without a key.
  app.get("/api/v1/openapi.json", (c) => c.json(openApi))

  const api = new Hono()
  api.use("*", async (c, next) => {
    await next()
    // Answers about parties and their money are personal data: no shared cache may keep them.
    c.header("Cache-Control", "no-store")
  })
  api.use("*", bearerAuth(apiKey))
  api.route("/", partyRoutes(deps))
  api.route("/", applicationRoutes(deps))
  api.route("/", walletRoutes(deps))
  api.route("/", requestRoutes(deps))
  api.route("/", offerRoutes(deps))
  api.route("/", leadRefundRoutes(deps))
  api.route("/", providerReachRoutes(deps))
  app.route("/api/v1", api)

  app.notFound((c) =>
    sendError(
      c,
      httpError(404, "not_found", `no route for ${c.req.method} ${pathForLog(c.req.path)}`),
    ),
  )
  app.onError((err, c) => {
    const errorId = crypto.randomUUID()
    deps.logError({
      errorId,
      method: c.req.method,
      path: c.req.path,
      detail: err instanceof Error ? (err.stack ?? err.message) : String(err),
    })
    return sendError(c, internalErrorResponse(errorId))
  })

  return app
}
