import {
  describeOutbound,
  listOutbox,
  NotificationChannel,
  type OutboxMessage,
  retryOutboxMessage,
} from "@fundi/core"
import { type Command, Option } from "commander"
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
import {
  idLabel,
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
} from "./common.ts"

/**
 * Why a message has not reached its recipient, if it has not: the channel's delivery
 * error (a WhatsApp status "failed", e.g. 131026 undeliverable) wins over the send error.
 */
export const outboxErrorText = (m: OutboxMessage): string | undefined =>
  m.delivery === "failed"
    ? (m.deliveryError ?? "the channel reported it undeliverable")
    : m.status === "sent"
      ? undefined
      : m.lastError

export const outboxJson = (m: OutboxMessage): Json => ({
  id: m.id,
  channel: m.channel,
  to: m.to,
  template: m.template,
  partyId: m.partyId ?? null,
  subject: m.subject ?? null,
  body: m.body,
  intent: m.intent === undefined ? null : (JSON.parse(JSON.stringify(m.intent)) as Json),
  status: m.status,
  attempts: m.attempts,
  nextAttemptAt: iso(m.nextAttemptAt),
  lastError: m.lastError ?? null,
  createdAt: iso(m.createdAt),
  sentAt: iso(m.sentAt),
  providerMessageId: m.providerMessageId ?? null,
  delivery: m.delivery ?? null,
  deliveryError: m.deliveryError ?? null,
})

interface ListOptions extends OpsOptions {
  readonly failed?: boolean
  readonly channel?: NotificationChannel
  readonly to?: string
  readonly limit?: number
}

export const registerOutbox = (ops: Command, session: Session): void => {
  const outbox = ops
    .command("outbox")
    .description("outbound messages (WhatsApp, SMS, email): what was sent, what failed, retry")

  opsCommand(outbox.command("list"))
    .description("outbound messages, newest first, with send status and delivery")
    .option(
      "--failed",
      "only messages that will not arrive without ops: failed to send, or reported undeliverable",
    )
    .addOption(
      new Option("--channel <channel>", "only this channel").choices(NotificationChannel.literals),
    )
    .option(
      "--to <recipient>",
      "only messages to this phone number (+27821234567) or email address",
    )
    .option("--limit <n>", "at most this many (default 50)", parseLimit)
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const messages = await session.execute(
        listOutbox({
          ...(options.failed === true ? { failed: true } : {}),
          ...(options.channel === undefined ? {} : { channel: options.channel }),
          ...(options.to === undefined ? {} : { to: options.to }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
        }),
        { to: `--to "${options.to ?? ""}"` },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { messages: messages.map(outboxJson) })
        return
      }
      writeTable(
        out,
        messages,
        [
          { header: "ID", cell: (m) => m.id },
          { header: "CHANNEL", cell: (m) => m.channel },
          { header: "TO", cell: (m) => m.to },
          { header: "TEMPLATE", cell: (m) => m.template },
          { header: "STATUS", cell: (m) => m.status },
          { header: "DELIVERY", cell: (m) => m.delivery ?? "-" },
          { header: "TRIES", cell: (m) => String(m.attempts), align: "right" },
          { header: "CREATED", cell: (m) => shortTime(m.createdAt) },
          { header: "ERROR", cell: (m) => truncate(outboxErrorText(m) ?? "-", 60) },
        ],
        options.failed === true ? "no failed messages" : "no messages",
      )
    })

  mutatingCommand(outbox.command("retry"))
    .description("send a failed (or waiting) message again now; its attempt count is kept")
    .argument("<id>", "message id (msg_…), from `fundi ops outbox list --failed`")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const message = await session.execute(
        retryOutboxMessage({ messageId: id, operator, reason: options.reason }),
        { messageId: idLabel(id) },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { message: outboxJson(message) })
        return
      }
      writeFields(out, [
        ["message", message.id],
        ["to", `${message.to} (${message.channel})`],
        ["content", truncate(describeOutbound(message), 120)],
        ["status", `${message.status}, due ${longTime(message.nextAttemptAt)}`],
        ["attempts so far", String(message.attempts)],
      ])
      out.write("the outbox worker of `fundi serve` sends it on its next run\n")
    })
}
