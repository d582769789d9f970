import { DeliveryFailed, Notifier } from "@fundi/core"
import { Effect, Layer } from "effect"
import nodemailer, { type NodemailerError } from "nodemailer"

export interface SmtpNotifierOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  readonly url: string
  /** The sender, e.g. `Fundi <noreply@example.com>`. */
  readonly from: string
  /**
   * Milliseconds to wait for the connection, the greeting and each reply. nodemailer waits
   * up to ten minutes by default; the outbox worker gives up on a send after half its
   * lease, so waiting longer here only keeps a socket open for nothing.
   */
  readonly timeoutMs?: number
}

export interface SmtpNotifier {
  readonly notifier: typeof Notifier.Service
  /** Closes the transport's sockets; sends after this fail. */
  readonly close: () => void
}

/** The URL without its password, for messages people read. */
export const redactSmtpUrl = (url: string): string =>
  url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@")

/** Throws an Error that names what is wrong with the URL (its password redacted). */
export const parseSmtpUrl = (url: string): URL => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`SMTP URL is not a URL: ${redactSmtpUrl(url)}`)
  }
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
    throw new Error(
      `SMTP URL must start with smtp:// or smtps://, got ${redactSmtpUrl(url)} (e.g. smtp://user:pass@mail.example.com:587)`,
    )
  }
  if (parsed.hostname === "") throw new Error(`SMTP URL has no host: ${redactSmtpUrl(url)}`)
  return parsed
}

// Rejections of the account or the set-up, not of the message: once an operator fixes the
// credentials every waiting message can go, so they must not be failed for good.
const configurationCodes = new Set(["EAUTH", "ENOAUTH", "ECONFIG", "ETLS", "EREQUIRETLS"])

/**
 * A 5xx reply about this message (550 mailbox unavailable, 553 bad address, 554 refused) is
 * permanent: sending it again gets the same answer. 503 means the session was out of step,
 * not that the message was refused. Everything else (4xx "try later", refused or dropped
 * connections, timeouts, DNS) is transient and retried with backoff.
 */
export const isPermanentSmtpFailure = (error: {
  readonly code?: string | undefined
  readonly responseCode?: number | undefined
}): boolean =>
  error.responseCode !== undefined &&
  error.responseCode >= 500 &&
  error.responseCode < 600 &&
  error.responseCode !== 503 &&
  !configurationCodes.has(error.code ?? "")

const toDeliveryFailed = (cause: unknown): DeliveryFailed => {
  const error = (cause ?? {}) as NodemailerError
  const text = cause instanceof Error ? cause.message : String(cause)
  const code = error.code === undefined ? "" : `${error.code}: `
  return new DeliveryFailed({
    channel: "email",
    detail: `${code}${text}`,
    permanent: isPermanentSmtpFailure(error),
  })
}

/** Sends email-channel messages through one SMTP server with nodemailer. */
export const makeSmtpNotifier = (options: SmtpNotifierOptions): SmtpNotifier => {
  const url = parseSmtpUrl(options.url)
  const timeoutMs = options.timeoutMs ?? 30_000
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port === "" ? (url.protocol === "smtps:" ? 465 : 587) : Number(url.port),
    secure: url.protocol === "smtps:",
    ...(url.username === ""
      ? {}
      : {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })

  const notifier = Notifier.of({
    send: (message) =>
      message.channel !== "email"
        ? Effect.fail(
            new DeliveryFailed({
              channel: message.channel,
              detail:
                "the SMTP notifier only sends email (the message was routed to it by mistake)",
              permanent: true,
            }),
          )
        : Effect.tryPromise({
            try: () =>
              transport.sendMail({
                from: options.from,
                to: message.to,
                subject: message.subject ?? message.template,
                text: message.body,
                // Lets a support person find the outbox row from a received email.
                headers: { "X-Fundi-Message-Id": message.id, "X-Fundi-Template": message.template },
              }),
            catch: toDeliveryFailed,
          }).pipe(Effect.as({})),
  })

  return { notifier, close: () => transport.close() }
}

/**
 * The SMTP notifier as a layer: the transport is closed when the layer is released. A bad
 * URL throws here, when the composition root is assembled, not at the first send.
 */
export const layerSmtpNotifier = (options: SmtpNotifierOptions): Layer.Layer<Notifier> => {
  parseSmtpUrl(options.url)
  return Layer.effect(
    Notifier,
    Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => makeSmtpNotifier(options)),
        (smtp) => Effect.sync(smtp.close),
      ),
      (smtp) => smtp.notifier,
    ),
  )
}
