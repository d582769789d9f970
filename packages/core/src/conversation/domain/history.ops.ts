import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import type { Instant } from "../../shared/time.ts"
import type { InboundContent, InboundMessage } from "./inbound.ts"
import type { InboxEntry } from "./inbox-entry.ts"
import type { MessageIntent } from "./intent.ts"

/** One line of a conversation as ops read it: something the person sent, or something we sent. */
export type HistoryItem =
  | {
      readonly _tag: "inbound"
      readonly at: Instant
      readonly message: InboundMessage
      /** Whether the engine has handled it yet (pending, processing, processed, failed). */
      readonly entry: InboxEntry
    }
  | { readonly _tag: "outbound"; readonly at: Instant; readonly message: OutboxMessage }

/**
 * The newest `limit` items of both directions, oldest first (the order a chat reads in).
 * An outbound message is placed when it was sent (created, until then). On equal times the
 * inbound message comes first: a reply is stamped in the same second as what it answers.
 */
export const mergeHistory = (
  inbound: ReadonlyArray<InboxEntry>,
  outbound: ReadonlyArray<OutboxMessage>,
  limit: number,
): ReadonlyArray<HistoryItem> => {
  const items: Array<HistoryItem> = []
  for (const entry of inbound) {
    // Statuses are about our messages: they show as each outbound message's delivery.
    if (entry.update._tag === "message") {
      items.push({
        _tag: "inbound",
        at: entry.update.message.at,
        message: entry.update.message,
        entry,
      })
    }
  }
  for (const message of outbound) {
    items.push({ _tag: "outbound", at: message.sentAt ?? message.createdAt, message })
  }
  const rank = (item: HistoryItem) => (item._tag === "inbound" ? 0 : 1)
  // Array.prototype.sort is stable, so items at the same time and direction keep input order.
  items.sort((a, b) => a.at - b.at || rank(a) - rank(b))
  return limit <= 0 ? [] : items.slice(-limit)
}

const quoted = (text: string): string => JSON.stringify(text)

/** What a person sent, in one line: the type first, then what matters of it. */
export const describeInbound = (content: InboundContent): string => {
  switch (content._tag) {
    case "text":
      return `text ${quoted(content.body)}`
    case "button_reply":
      return `tapped button ${quoted(content.title)} (${content.id})`
    case "list_reply":
      return `picked ${quoted(content.title)} (${content.id})`
    case "quick_reply":
      return `tapped template button ${quoted(content.text)} (${content.payload})`
    case "media": {
      const what = [content.filename, content.caption && quoted(content.caption), content.mimeType]
        .filter((part) => part !== undefined && part !== "")
        .join(", ")
      return `${content.kind}${what === "" ? "" : ` ${what}`}${content.storedKey === undefined ? " (not fetched yet)" : ` stored as ${content.storedKey}`}`
    }
    case "location":
      return `location ${content.latitude}, ${content.longitude}${content.name === undefined ? "" : ` ${quoted(content.name)}`}${content.address === undefined ? "" : ` (${content.address})`}`
    case "contacts":
      return `contacts: ${content.contacts.map((c) => `${c.name} ${c.phones.join("/")}`).join("; ")}`
    case "reaction":
      return content.emoji === undefined
        ? `removed a reaction on ${content.messageId}`
        : `reacted ${content.emoji} to ${content.messageId}`
    case "order":
      return `order from catalog ${content.catalogId}: ${content.items.length} item(s)${content.text === undefined ? "" : ` ${quoted(content.text)}`}`
    case "system":
      return `system: ${content.body}`
    case "unsupported":
      return `unsupported ${content.originalType}${content.detail === undefined ? "" : `: ${content.detail}`}`
  }
}

/** What we sent, in one line: the intent's type and its visible text, or the plain body. */
export const describeOutbound = (message: OutboxMessage): string =>
  message.intent === undefined ? quoted(message.body) : describeIntent(message.intent)

export const describeIntent = (intent: MessageIntent): string => {
  switch (intent._tag) {
    case "text":
      return quoted(intent.body)
    case "buttons":
      return `${quoted(intent.body)} [${intent.buttons.map((b) => b.title).join(" | ")}]`
    case "list":
      return `${quoted(intent.body)} list "${intent.button}": ${intent.sections
        .flatMap((s) => s.rows.map((r) => r.title))
        .join(" | ")}`
    case "media":
      return `${intent.kind} ${intent.filename ?? intent.link ?? intent.storedKey ?? ""}${intent.caption === undefined ? "" : ` ${quoted(intent.caption)}`}`.trimEnd()
    case "template":
      return `template ${intent.name} (${intent.language})${intent.parameters.length === 0 ? "" : ` ${intent.parameters.map(quoted).join(", ")}`}`
    case "location_request":
      return `asks for a location: ${quoted(intent.body)}`
  }
}
