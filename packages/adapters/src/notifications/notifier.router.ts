import { type NotificationChannel, Notifier } from "@fundi/core"
import { Effect, Layer } from "effect"
import { type ConsoleNotifierOptions, makeConsoleNotifier } from "./notifier.console.ts"
import { makeSmtpNotifier, parseSmtpUrl, type SmtpNotifierOptions } from "./notifier.smtp.ts"

/** A notifier per channel. */
export type ChannelNotifiers = Readonly<Record<NotificationChannel, typeof Notifier.Service>>

/** Hands each message to the notifier of its channel. */
export const makeRoutingNotifier = (routes: ChannelNotifiers): typeof Notifier.Service =>
  Notifier.of({ send: (message) => routes[message.channel].send(message) })

export interface NotifierOptions extends ConsoleNotifierOptions {
  /** Email goes out over SMTP when set, otherwise to the console like everything else. */
  readonly smtp?: SmtpNotifierOptions
}

/**
 * The Notifier the composition root provides: email over SMTP when configured, else the
 * console; WhatsApp and SMS to the console until their adapters exist. The SMTP transport
 * lives as long as the layer. A bad SMTP URL throws here, naming the problem.
 */
export const layerNotifier = (options: NotifierOptions = {}): Layer.Layer<Notifier> => {
  const { smtp } = options
  if (smtp !== undefined) parseSmtpUrl(smtp.url)
  const toConsole = makeConsoleNotifier(options)
  return Layer.effect(
    Notifier,
    Effect.gen(function* () {
      const email =
        smtp === undefined
          ? toConsole
          : (yield* Effect.acquireRelease(
              Effect.sync(() => makeSmtpNotifier(smtp)),
              (transport) => Effect.sync(transport.close),
            )).notifier
      return makeRoutingNotifier({ email, whatsapp: toConsole, sms: toConsole })
    }),
  )
}
