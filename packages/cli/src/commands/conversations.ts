import {
  type ConversationSession,
  type ConversationView,
  customerServiceWindowMs,
  describeInbound,
  describeOutbound,
  type HistoryItem,
  type Instant,
  listConversations,
  listRejectedDeliveries,
  type OutboxMessage,
  showConversation,
  windowOpen,
} from "@fundi/core"
import type { Command } from "commander"
import {
  iso,
  type Json,
  longTime,
  shortTime,
  truncate,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type OpsOptions, opsCommand, parseLimit } from "./common.ts"
import { outboxErrorText } from "./outbox.ts"

/** WhatsApp's customer-service window, as the sender decides it: outside it, templates only. */
const windowText = (s: ConversationSession, now: Instant): string => {
  if (s.lastInboundAt === undefined) return "closed (they never wrote): templates only"
  const closes = s.lastInboundAt + customerServiceWindowMs
  return windowOpen(s, now)
    ? `open until ${longTime(closes)}`
    : `closed since ${longTime(closes)}: templates only`
}

const flowText = (s: ConversationSession): string =>
  s.position === undefined ? "-" : `${s.position.flow} / ${s.position.step}`

export const sessionJson = (s: ConversationSession): Json => ({
  phone: s.phone,
  channel: s.channel,
  partyId: s.partyId ?? null,
  position:
    s.position === undefined
      ? null
      : {
          flow: s.position.flow,
          step: s.position.step,
          startedAt: iso(s.position.startedAt),
          data: JSON.parse(JSON.stringify(s.position.data)) as Json,
        },
  optedOut: s.optedOut,
  lastInboundAt: iso(s.lastInboundAt),
  updatedAt: iso(s.updatedAt),
})

const historyJson = (item: HistoryItem): Json =>
  item._tag === "inbound"
    ? {
        direction: "in",
        at: iso(item.at),
        id: item.message.id,
        type: item.message.content._tag,
        summary: describeInbound(item.message.content),
        content: JSON.parse(JSON.stringify(item.message.content)) as Json,
        replyTo: item.message.replyTo ?? null,
        processing: item.entry.status,
        lastError: item.entry.lastError ?? null,
      }
    : {
        direction: "out",
        at: iso(item.at),
        id: item.message.id,
        channel: item.message.channel,
        template: item.message.template,
        type: item.message.intent?._tag ?? "text",
        summary: describeOutbound(item.message),
        status: item.message.status,
        delivery: item.message.delivery ?? null,
        error: outboxErrorText(item.message) ?? null,
        providerMessageId: item.message.providerMessageId ?? null,
      }

export const conversationJson = (view: ConversationView): Json => ({
  phone: view.phone,
  session: view.session === undefined ? null : sessionJson(view.session),
  history: view.history.map(historyJson),
})

/** "sent, delivered" / "failed: 131026 …": how far one outbound message got. */
const outcome = (m: OutboxMessage): string => {
  const error = outboxErrorText(m)
  const reached = m.delivery === undefined ? m.status : `${m.status}, ${m.delivery}`
  return error === undefined ? reached : `${reached}: ${truncate(error, 80)}`
}

const historyLine = (item: HistoryItem): string => {
  if (item._tag === "inbound") {
    const state = item.entry.status === "processed" ? "" : `  [${item.entry.status}]`
    return `${shortTime(item.at)}  <- ${describeInbound(item.message.content)}${state}`
  }
  const m = item.message
  const channel = m.channel === "whatsapp" ? "" : ` (${m.channel})`
  return `${shortTime(item.at)}  -> ${describeOutbound(m)}${channel}  [${outcome(m)}] ${m.id}`
}

interface ListOptions extends OpsOptions {
  readonly optedOut?: boolean
  readonly limit?: number
}

interface ShowOptions extends OpsOptions {
  readonly limit?: number
}

export const registerConversations = (ops: Command, session: Session): void => {
  const conversations = ops
    .command("conversations")
    .description("WhatsApp conversations: where each person is in a flow, and what was said")

  opsCommand(conversations.command("list"))
    .description("conversations, most recently active first")
    .option("--opted-out", "only people who said stop (nothing but templates reach them)")
    .option("--limit <n>", "at most this many (default 50)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const sessions = await session.execute(
        listConversations({
          ...(options.optedOut === true ? { optedOut: true } : {}),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { conversations: sessions.map(sessionJson) })
        return
      }
      writeTable(
        out,
        sessions,
        [
          { header: "PHONE", cell: (s) => s.phone },
          { header: "PARTY", cell: (s) => s.partyId ?? "-" },
          { header: "FLOW / STEP", cell: flowText },
          { header: "OPTED OUT", cell: (s) => (s.optedOut ? "yes" : "no") },
          { header: "LAST INBOUND", cell: (s) => shortTime(s.lastInboundAt) },
          { header: "UPDATED", cell: (s) => shortTime(s.updatedAt) },
        ],
        options.optedOut === true ? "nobody has opted out" : "no conversations yet",
      )
    })

  opsCommand(conversations.command("rejected"))
    .description(
      "signed webhook deliveries (or parts) that could not be used, most recently seen first",
    )
    .option("--limit <n>", "at most this many (default 50)", parseLimit)
    .action(async (options: ShowOptions) => {
      operatorName(options.as, session.io.env)
      const rejected = await session.execute(
        listRejectedDeliveries(options.limit === undefined ? {} : { limit: options.limit }),
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, {
          rejected: rejected.map((r) => ({
            fingerprint: r.fingerprint,
            channel: r.channel,
            reason: r.reason,
            excerpt: r.excerpt,
            size: r.size,
            count: r.count,
            firstAt: iso(r.firstAt),
            lastAt: iso(r.lastAt),
          })),
        })
        return
      }
      writeTable(
        out,
        rejected,
        [
          { header: "LAST SEEN", cell: (r) => shortTime(r.lastAt) },
          { header: "TIMES", cell: (r) => String(r.count) },
          { header: "BYTES", cell: (r) => String(r.size) },
          { header: "REASON", cell: (r) => truncate(r.reason, 60) },
          { header: "EXCERPT", cell: (r) => truncate(r.excerpt.replace(/\s+/g, " "), 60) },
        ],
        "no rejected deliveries",
      )
    })

  opsCommand(conversations.command("show"))
    .description("one phone's conversation: its session, then messages both ways, oldest first")
    .argument("<phone>", "the person's number, e.g. +27821234567")
    .option("--limit <n>", "the newest this many messages (default 50)", parseLimit)
    .action(async (phone: string, options: ShowOptions) => {
      operatorName(options.as, session.io.env)
      const view = await session.execute(
        showConversation({
          phone,
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
        { phone: `PHONE "${phone}"` },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, conversationJson(view))
        return
      }
      const s = view.session
      writeFields(
        out,
        s === undefined
          ? [
              ["phone", view.phone],
              ["session", "none yet (the bot has not handled a message from this number)"],
            ]
          : [
              ["phone", s.phone],
              ["party", s.partyId ?? "- (not signed up)"],
              ["flow", flowText(s)],
              ["started", longTime(s.position?.startedAt)],
              ["opted out", s.optedOut ? "yes (said stop)" : "no"],
              ["last inbound", longTime(s.lastInboundAt)],
              ["24-hour window", windowText(s, Date.now() as Instant)],
            ],
      )
      out.write("\n")
      if (view.history.length === 0) {
        out.write(`no messages to or from ${view.phone}\n`)
        return
      }
      out.write(`messages, oldest first (<- from them, -> from us):\n`)
      for (const item of view.history) out.write(`${historyLine(item)}\n`)
    })
}
