import {
  DeliveryFailed,
  isPermanentWhatsAppError,
  type MessageIntent,
  Notifier,
  type OutboxMessage,
  type SendReceipt,
} from "@fundi/core"
import { Clock, Effect, Layer, Redacted } from "effect"
import {
  ActionButtons,
  ActionList,
  ActionLocation,
  Audio,
  Body,
  BodyComponent,
  BodyParameter,
  Button,
  Document,
  Footer,
  Header,
  Image,
  Interactive,
  Language,
  ListSection,
  Row,
  Template,
  Text,
  Video,
} from "whatsapp-api-js/messages"
import { defaultPerRecipient, makeRateLimits, type RateLimitOptions } from "./rate-limits.ts"

/**
 * The WhatsApp Cloud API sender: one intent, one POST to `{graphUrl}/{phoneNumberId}/messages`.
 * whatsapp-api-js builds the message objects (its classes serialize to the Cloud API's
 * JSON and check the limits a second time); the request itself is our fetch, because the
 * library's client hard-codes graph.facebook.com and drops the HTTP status and the
 * Retry-After header we need to tell a rate limit from a refusal (docs/decisions/0010).
 */
export interface CloudApiSenderOptions extends RateLimitOptions {
  readonly accessToken: Redacted.Redacted<string>
  readonly phoneNumberId: string
  /** e.g. https://graph.facebook.com/v23.0, no trailing slash. */
  readonly graphUrl: string
  readonly fetch?: typeof globalThis.fetch
}

type CloudApiMessage = Text | Interactive | Image | Document | Audio | Video | Template

const header = (text: string | undefined) => (text === undefined ? undefined : new Header(text))
const footer = (text: string | undefined) => (text === undefined ? undefined : new Footer(text))

/** The library's constructors want at least one element; checkIntent has made sure of it. */
const atLeastOne = <A>(items: ReadonlyArray<A>, what: string): [A, ...A[]] => {
  if (items.length === 0) throw new Error(`${what}: at least one is needed`)
  return items as [A, ...A[]]
}

/** Builds the Cloud API message for an intent; throws on what WhatsApp would refuse. */
export const toCloudApiMessage = (intent: MessageIntent): CloudApiMessage => {
  switch (intent._tag) {
    case "text":
      return new Text(intent.body)
    case "buttons":
      return new Interactive(
        new ActionButtons(
          ...atLeastOne(
            intent.buttons.map((b) => new Button(b.id, b.title)),
            "buttons",
          ),
        ),
        new Body(intent.body),
        header(intent.header),
        footer(intent.footer),
      )
    case "list":
      return new Interactive(
        new ActionList(
          intent.button,
          ...atLeastOne(
            intent.sections.map(
              (s) =>
                new ListSection(
                  s.title,
                  ...atLeastOne(
                    s.rows.map((r) => new Row(r.id, r.title, r.description)),
                    "rows",
                  ),
                ),
            ),
            "sections",
          ),
        ),
        new Body(intent.body),
        header(intent.header),
        footer(intent.footer),
      )
    case "media": {
      // Uploading from the ObjectStore (Graph /media) is not built yet: links only.
      if (intent.link === undefined) throw new Error("media without a public link")
      switch (intent.kind) {
        case "image":
          return new Image(intent.link, false, intent.caption)
        case "document":
          return new Document(intent.link, false, intent.caption, intent.filename)
        case "audio":
          return new Audio(intent.link, false)
        case "video":
          return new Video(intent.link, false, intent.caption)
      }
      break
    }
    case "template":
      return intent.parameters.length === 0
        ? new Template(intent.name, new Language(intent.language))
        : new Template(
            intent.name,
            new Language(intent.language),
            new BodyComponent(
              ...atLeastOne(
                intent.parameters.map((p) => new BodyParameter(p)),
                "parameters",
              ),
            ),
          )
    case "location_request":
      return new Interactive(new ActionLocation(), new Body(intent.body))
  }
}

/** The request body for one message to `to` (E.164; WhatsApp ids are the digits). */
export const cloudApiRequest = (to: string, intent: MessageIntent) => {
  const message = toCloudApiMessage(intent)
  const type = message._type
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: to.replace(/^\+/, ""),
    type,
    // The library's classes serialize to exactly the Cloud API's object for the type.
    [type]: JSON.parse(JSON.stringify(message)) as unknown,
  }
}

/** WhatsApp's "too many messages to this recipient" (about one per 6 s). */
const pairRateLimit = 131_056

interface GraphError {
  readonly code?: number
  readonly message?: string
  readonly error_subcode?: number
  readonly error_data?: { readonly details?: string }
}

/** Retry-After is seconds or an HTTP date; either becomes milliseconds from `now`. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1_000))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const failed = (
  detail: string,
  permanent: boolean,
  extra: {
    readonly code?: number
    readonly retryAfterMs?: number
    readonly notAttempted?: boolean
  } = {},
) =>
  new DeliveryFailed({
    channel: "whatsapp",
    detail,
    permanent,
    ...(extra.code === undefined ? {} : { code: extra.code }),
    ...(extra.retryAfterMs === undefined ? {} : { retryAfterMs: extra.retryAfterMs }),
    ...(extra.notAttempted === true ? { notAttempted: true } : {}),
  })

/**
 * How a non-2xx answer reads: permanent for a refusal that will not change (the codes in
 * isPermanentWhatsAppError, or 401: the token is bad), transient for everything else (429,
 * 5xx, throttling codes, codes we do not know), with the wait the server asked for.
 */
export const graphFailure = (
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
  pairIntervalMs: number,
): DeliveryFailed => {
  const error: GraphError =
    typeof body === "object" && body !== null && "error" in body
      ? ((body as { error: GraphError }).error ?? {})
      : {}
  const code = typeof error.code === "number" ? error.code : undefined
  const permanent = status === 401 || (code !== undefined && isPermanentWhatsAppError(code))
  const details = error.error_data?.details
  const detail = [
    `HTTP ${status}`,
    code === undefined ? undefined : `${code}`,
    error.error_subcode === undefined ? undefined : `(subcode ${error.error_subcode})`,
    error.message ?? "no error message",
  ]
    .filter((part) => part !== undefined)
    .join(" ")
  // Meta sends no Retry-After with 131056; its pace is known, so wait that long at least.
  const wait = code === pairRateLimit ? Math.max(retryAfterMs ?? 0, pairIntervalMs) : retryAfterMs
  return failed(details === undefined ? detail : `${detail}: ${details}`, permanent, {
    ...(code === undefined ? {} : { code }),
    ...(permanent || wait === undefined ? {} : { retryAfterMs: wait }),
  })
}

export const makeCloudApiNotifier = (options: CloudApiSenderOptions): typeof Notifier.Service => {
  const limits = makeRateLimits(options)
  const pairIntervalMs = (options.perRecipient ?? defaultPerRecipient).intervalMs
  const doFetch = options.fetch ?? globalThis.fetch
  const url = `${options.graphUrl}/${encodeURIComponent(options.phoneNumberId)}/messages`

  const post = (body: unknown) =>
    Effect.tryPromise({
      try: async (signal) => {
        const response = await doFetch(url, {
          method: "POST",
          headers: {
            authorization: `Bearer ${Redacted.value(options.accessToken)}`,
            "content-type": "application/json",
          },
          body: JSON.stringify(body),
          signal,
        })
        // A proxy's HTML error page is not JSON: keep the status, drop the body.
        const json: unknown = await response.json().catch(() => undefined)
        return { status: response.status, headers: response.headers, json }
      },
      catch: (cause) =>
        failed(`network error: ${cause instanceof Error ? cause.message : String(cause)}`, false),
    })

  const send = (message: OutboxMessage): Effect.Effect<SendReceipt, DeliveryFailed> =>
    Effect.gen(function* () {
      if (message.channel !== "whatsapp") {
        return yield* failed(
          `the WhatsApp sender got a ${message.channel} message (routed to it by mistake)`,
          true,
        )
      }
      const intent: MessageIntent = message.intent ?? { _tag: "text", body: message.body }
      const body = yield* Effect.try({
        try: () => cloudApiRequest(message.to, intent),
        catch: (cause) =>
          failed(
            `cannot build the ${intent._tag} message: ${cause instanceof Error ? cause.message : String(cause)}`,
            true,
          ),
      })
      const waitMs = yield* limits.recipient(message.to)
      if (waitMs > 0) {
        return yield* failed(`pacing ${message.to}: next message in ${waitMs} ms`, false, {
          retryAfterMs: waitMs,
          notAttempted: true,
        })
      }
      yield* limits.number
      const answer = yield* post(body)
      if (answer.status >= 200 && answer.status < 300) {
        const id = (answer.json as { messages?: ReadonlyArray<{ id?: unknown }> } | undefined)
          ?.messages?.[0]?.id
        return typeof id === "string" ? { providerMessageId: id } : {}
      }
      return yield* graphFailure(
        answer.status,
        answer.json,
        parseRetryAfter(answer.headers.get("retry-after"), yield* Clock.currentTimeMillis),
        pairIntervalMs,
      )
    })

  return Notifier.of({ send })
}

export const layerCloudApiNotifier = (options: CloudApiSenderOptions): Layer.Layer<Notifier> =>
  Layer.sync(Notifier, () => makeCloudApiNotifier(options))
