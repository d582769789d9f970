import { Effect } from "effect"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { type Instant, now } from "../../shared/time.ts"
import type { InboundContent, InboundMessage } from "../domain/inbound.ts"
import { handleInboundMessage } from "../use-cases/handle-inbound-message.ts"

/** An inbound message as the normalizer would hand it to the engine. */
export const inboundMessage = (
  id: string,
  from: string,
  content: InboundContent,
  at: Instant,
  replyTo?: string,
): InboundMessage => ({
  id,
  channel: "whatsapp",
  from,
  at,
  content,
  ...(replyTo === undefined ? {} : { replyTo }),
})

/**
 * Drives a conversation for tests: each `say` hands one message (a fresh id, the Clock's
 * time) to the engine and returns the WhatsApp messages it enqueued for that phone.
 */
export const chat = (phone: string) => {
  let counter = 0
  /** `replyTo`: the id of our message this one replies to (WhatsApp context.id). */
  const send = (content: InboundContent, id = `wamid.${phone}.${++counter}`, replyTo?: string) =>
    Effect.gen(function* () {
      const outbox = yield* Outbox
      const before = new Set((yield* outbox.list({ to: phone })).map((m) => m.id))
      yield* handleInboundMessage(inboundMessage(id, phone, content, yield* now, replyTo))
      const after = yield* outbox.list({ to: phone })
      // The outbox lists newest first; a conversation reads oldest first.
      return after.filter((m) => !before.has(m.id)).reverse() as ReadonlyArray<OutboxMessage>
    })
  return {
    send,
    text: (body: string) => send({ _tag: "text", body }),
    tap: (id: string, title = id) => send({ _tag: "button_reply", id, title }),
    pick: (id: string, title = id) => send({ _tag: "list_reply", id, title }),
    /** Text sent as a reply in context to our message `replyTo`. */
    reply: (replyTo: string, body: string) => send({ _tag: "text", body }, undefined, replyTo),
  }
}
