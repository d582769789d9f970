import {
  decodeInput,
  type HistoryItem,
  type InboundContent,
  type InboxEntry,
  type MessageIntent,
  type OutboxMessage,
  PhoneInput,
  showConversation,
} from "@fundi/core"
import { Effect, Schema } from "effect"

/** One line of the simulated chat, either direction, as the page renders it. */
export type ChatItem =
  | {
      readonly direction: "out"
      readonly id: string
      /** The time shown: when it was sent (created, until then). */
      readonly at: number
      /** When it was enqueued: its place in the chat, and what `after` compares against. */
      readonly recordedAt: number
      readonly template: string
      /** pending | sending | sent | failed: where the outbox is with it. */
      readonly status: OutboxMessage["status"]
      /** What the channel said happened to it after sending (the ticks). */
      readonly delivery?: OutboxMessage["delivery"]
      readonly error?: string
      readonly providerMessageId?: string
      readonly intent: MessageIntent
    }
  | {
      readonly direction: "in"
      readonly id: string
      /** The time shown: WhatsApp's timestamp (whole seconds). */
      readonly at: number
      /** When the webhook recorded it: its place in the chat, and what `after` compares against. */
      readonly recordedAt: number
      /** pending | processing | processed | failed: where the inbox worker is with it. */
      readonly status: InboxEntry["status"]
      readonly content: InboundContent
    }

export interface ChatPage {
  readonly phone: string
  /** Pass back as `after` to get only what is new (inclusive: the page merges by id). */
  readonly cursor: number
  /** Where the bot is with this phone, when it is in the middle of a flow. */
  readonly flow?: { readonly name: string; readonly step: string }
  /** The phone said "stop": nothing but the confirmation reaches it any more. */
  readonly optedOut: boolean
  readonly messages: ReadonlyArray<ChatItem>
}

/** How far back one read looks, both directions together: a chat screen, not an export. */
const WINDOW = 200

const Query = Schema.Struct({
  phone: PhoneInput,
  after: Schema.optionalKey(
    Schema.String.check(
      Schema.isPattern(/^[0-9]{1,16}$/, { message: "must be a time in milliseconds, 0 or more" }),
    ),
  ),
})

const chatItem = (item: HistoryItem): ChatItem | undefined => {
  if (item._tag === "inbound") {
    return {
      direction: "in",
      id: item.message.id,
      at: item.at,
      recordedAt: item.entry.receivedAt,
      status: item.entry.status,
      content: item.message.content,
    }
  }
  const m = item.message
  // An SMS to the same number is not part of the WhatsApp chat.
  if (m.channel !== "whatsapp") return undefined
  const error = m.deliveryError ?? m.lastError
  return {
    direction: "out",
    id: m.id,
    at: item.at,
    recordedAt: m.createdAt,
    template: m.template,
    status: m.status,
    ...(m.delivery === undefined ? {} : { delivery: m.delivery }),
    ...(error === undefined ? {} : { error }),
    ...(m.providerMessageId === undefined ? {} : { providerMessageId: m.providerMessageId }),
    // A message without an intent goes to WhatsApp as its body, as text.
    intent: m.intent ?? { _tag: "text", body: m.body },
  }
}

/**
 * Both directions of one phone's WhatsApp conversation recorded since `after`, in the
 * order they were recorded: what the bot sent (the outbox) and what the phone sent (the
 * inbox). Not by send time: the outbox worker may send a reply after the phone has
 * already tapped on it (WhatsApp stamps whole seconds), and by the server's one clock a
 * reply is always enqueued after the message it answers and before any tap on it.
 */
export const readChat = Effect.fn("readChat")(function* (raw: unknown) {
  const query = yield* decodeInput(Query)(raw)
  const phone = query.phone
  const after = Number(query.after ?? 0)
  const { session, history } = yield* showConversation({ phone, limit: WINDOW })
  const messages = history
    .map(chatItem)
    .filter((item): item is ChatItem => item !== undefined && item.recordedAt >= after)
    .sort((a, b) => a.recordedAt - b.recordedAt)
  const cursor = messages.reduce((latest, item) => Math.max(latest, item.recordedAt), after)
  const position = session?.position
  return {
    phone,
    cursor,
    ...(position === undefined ? {} : { flow: { name: position.flow, step: position.step } }),
    optedOut: session?.optedOut ?? false,
    messages,
  } satisfies ChatPage
})
