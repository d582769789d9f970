import { Notifier, type OutboxMessage } from "@fundi/core"
import { Effect, Layer } from "effect"

export interface ConsoleNotifierOptions {
  /** Where each line goes; `console.log` unless a test or the CLI wants them elsewhere. */
  readonly write?: (line: string) => void
}

/**
 * One line per message, readable in a terminal and greppable in a log file. Subject and
 * body are JSON-quoted so a multi-line body still takes exactly one line.
 */
export const formatMessageLine = (message: OutboxMessage): string =>
  [
    `[${message.channel}]`,
    `to=${message.to}`,
    `template=${message.template}`,
    ...(message.subject === undefined ? [] : [`subject=${JSON.stringify(message.subject)}`]),
    `body=${JSON.stringify(message.body)}`,
    `id=${message.id}`,
  ].join(" ")

/**
 * The embedded default: nothing leaves the machine, the operator sees what would have been
 * sent. It cannot fail, so every message it is given ends `sent`.
 */
export const makeConsoleNotifier = (
  options: ConsoleNotifierOptions = {},
): typeof Notifier.Service => {
  const write = options.write ?? ((line: string) => console.log(line))
  return Notifier.of({
    send: (message) =>
      Effect.sync(() => {
        write(formatMessageLine(message))
        // A WhatsApp message gets an id as the Cloud API would give one, so the simulator's
        // read receipts come back through the webhook onto this message.
        return message.channel === "whatsapp"
          ? { providerMessageId: `wamid.console.${message.id}` }
          : {}
      }),
  })
}

export const layerConsoleNotifier = (options: ConsoleNotifierOptions = {}): Layer.Layer<Notifier> =>
  Layer.succeed(Notifier)(makeConsoleNotifier(options))
