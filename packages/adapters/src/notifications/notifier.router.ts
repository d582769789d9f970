import { type NotificationChannel, Notifier } from "@fundi/core"
import { Effect, Layer } from "effect"
import {
  type CloudApiSenderOptions,
  makeCloudApiNotifier,
} from "../whatsapp/message-sender.cloud-api.ts"
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
  /** WhatsApp goes to the Cloud API when set, otherwise to the console (and the simulator). */
  readonly whatsapp?: CloudApiSenderOptions
}

/**
 * The Notifier the composition root provides: email over SMTP when configured, else the
 * console; WhatsApp over the Cloud API when configured, else the console; SMS to the
 * console until its adapter exists. The SMTP transport
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
      const whatsapp =
        options.whatsapp === undefined ? toConsole : makeCloudApiNotifier(options.whatsapp)
      return makeRoutingNotifier({ email, whatsapp, sms: toConsole })
    }),
  )
}
