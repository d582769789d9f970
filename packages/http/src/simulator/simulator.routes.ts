import { simulatorMediaPrefix } from "@fundi/adapters"
import {
  ContentTooLarge,
  InvalidInput,
  listParties,
  ObjectStore,
  type PersistenceUnavailable,
  Policy,
  type StoredObject,
  type UnsupportedContent,
} from "@fundi/core"
import { Effect, Exit } from "effect"
import { Hono, type MiddlewareHandler } from "hono"
import { domainErrorResponse, sendError } from "../error-response.ts"
import { readLimited } from "../middleware/json-body.ts"
import { type RouteDeps, runEffect } from "../run-effect.ts"
import { readChat } from "./simulator.messages.ts"
import { type QuickPick, simulatorCsp, simulatorPage } from "./simulator.page.ts"

export interface SimulatorOptions {
  /** The development app secret the webhook checks signatures with (never a real Meta one). */
  readonly appSecret: string
  readonly phoneNumberId: string
  /** Shown as the business number in the payloads; digits only, as Meta sends it. */
  readonly displayPhoneNumber?: string
}

const PAGE = "/dev/whatsapp"
const MESSAGES = "/dev/whatsapp/messages"
const MEDIA = "/dev/whatsapp/media"
const WEBHOOK = "/webhooks/whatsapp"

/** How many people the page offers to chat as: a shortcut, not a directory. */
const QUICK_PICKS = 12

const headers: MiddlewareHandler = async (c, next) => {
  await next()
  c.header("Cache-Control", "no-store")
  c.header("Referrer-Policy", "no-referrer")
  c.header("X-Content-Type-Options", "nosniff")
  c.header("X-Frame-Options", "DENY")
  if (c.res.headers.get("Content-Type")?.startsWith("text/html")) {
    c.header("Content-Security-Policy", simulatorCsp)
  }
}

const quickPicks = listParties({ limit: QUICK_PICKS }).pipe(
  Effect.map((views) =>
    views.map(
      ({ party }): QuickPick => ({
        phone: party.phone,
        kind: party.kind,
        name: party.profile.displayName,
      }),
    ),
  ),
)

/**
 * The local WhatsApp simulator: mounted only when no Meta credentials are configured. The
 * page posts signed webhook deliveries to the real `/webhooks/whatsapp` and reads the
 * replies from the real outbox, so chatting here runs the same path as a phone would.
 */
export const simulatorRoutes = (deps: RouteDeps, options: SimulatorOptions): Hono => {
  const app = new Hono()
  app.use(`${PAGE}/*`, headers)
  app.use(PAGE, headers)

  app.get(PAGE, async (c) => {
    const picks = await deps.runtime.runPromiseExit(quickPicks)
    return c.html(
      simulatorPage({
        appSecret: options.appSecret,
        phoneNumberId: options.phoneNumberId,
        displayPhoneNumber: options.displayPhoneNumber ?? "15550000000",
        webhookPath: WEBHOOK,
        messagesPath: MESSAGES,
        mediaPath: MEDIA,
        // A shortcut only: when the parties cannot be read, a typed number still works.
        quickPicks: Exit.isSuccess(picks) ? picks.value : [],
      }),
    )
  })

  app.get(MESSAGES, (c) => {
    const { phone, after } = c.req.query()
    return runEffect(
      c,
      deps,
      readChat({
        ...(phone === undefined ? {} : { phone }),
        ...(after === undefined ? {} : { after }),
      }),
      (chat) => c.json(chat),
    )
  })

  // A photo or document the simulated phone sends: stored first, its key then goes in the
  // message as the media id, for the simulator's MediaSource to hand back to the inbox
  // worker. The bytes decide the type. A raw file body is not a "simple" request, so
  // another site's page cannot post one here without a CORS preflight this never answers.
  app.post(MEDIA, async (c) => {
    const limit = await deps.runtime.runPromise(Policy.useSync((p) => p.uploads.maxBytes))
    const tooLarge = (size: number) =>
      sendError(c, domainErrorResponse(new ContentTooLarge({ size, limit })))
    const declared = Number(c.req.header("Content-Length") ?? Number.NaN)
    if (Number.isFinite(declared) && declared > limit) return tooLarge(declared)
    const read = await readLimited(c.req.raw.body, limit)
    if (!read.ok) return tooLarge(read.readBytes)
    const bytes = read.bytes
    const store: Effect.Effect<
      StoredObject,
      InvalidInput | UnsupportedContent | ContentTooLarge | PersistenceUnavailable,
      ObjectStore
    > =
      bytes.byteLength === 0
        ? Effect.fail(
            new InvalidInput({
              issues: [{ path: "", message: "the body is empty: send the file's bytes" }],
            }),
          )
        : Effect.flatMap(ObjectStore, (objects) =>
            objects.put({ prefix: simulatorMediaPrefix, bytes, maxBytes: limit }),
          )
    return runEffect(c, deps, store, (object) =>
      c.json(
        { id: object.key, mimeType: object.contentType, sha256: object.sha256, size: object.size },
        201,
      ),
    )
  })

  return app
}
