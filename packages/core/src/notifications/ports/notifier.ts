import { Context, type Effect } from "effect"
import type { DeliveryFailed } from "../domain/notifications.errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"

/** What a channel said when it accepted a message. */
export interface SendReceipt {
  /** The channel's id for the message (WhatsApp "wamid..."), which delivery statuses name. */
  readonly providerMessageId?: string
}

/**
 * Delivers one message on its channel (console log, SMTP, WhatsApp Cloud API…). Called
 * only by the outbox worker, never from a use case.
 */
export class Notifier extends Context.Service<
  Notifier,
  {
    readonly send: (message: OutboxMessage) => Effect.Effect<SendReceipt, DeliveryFailed>
  }
>()("@fundi/core/Notifier") {}
