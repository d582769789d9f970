import { AuditLog, type Instant, type MessageId, Outbox, type OutboxMessage } from "@fundi/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
beforeEach(() => {
  h = makeHarness()
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]
const thandi = "+27821234567"
const id = (n: number) => `msg_${String(n).padStart(20, "0")}` as MessageId

const message = (n: number, extra: Partial<OutboxMessage>): OutboxMessage => ({
  id: id(n),
  dedupeKey: `test:${n}`,
  channel: "whatsapp",
  to: thandi,
  template: "conversation.reply",
  body: `message ${n}`,
  status: "pending",
  attempts: 0,
  nextAttemptAt: (Date.UTC(2026, 0, 1) + n * 60_000) as Instant,
  createdAt: (Date.UTC(2026, 0, 1) + n * 60_000) as Instant,
  ...extra,
})

/** One of each way a message can end: sent and read, failed to send, undeliverable, email. */
const scene = () =>
  h.runtime.runPromise(
    Effect.gen(function* () {
      yield* (yield* Outbox).enqueue([
        message(1, { status: "sent", attempts: 1, delivery: "read", providerMessageId: "wamid.1" }),
        message(2, { status: "failed", attempts: 8, lastError: "131047 re-engagement message" }),
        message(3, {
          status: "sent",
          attempts: 1,
          delivery: "failed",
          deliveryError: "131026 Message undeliverable",
        }),
        message(4, {
          channel: "email",
          to: "thandi@example.org",
          template: "application.approved",
        }),
      ])
    }),
  )

interface MessageDoc {
  readonly id: string
  readonly channel: string
  readonly status: string
  readonly delivery: string | null
  readonly deliveryError: string | null
  readonly lastError: string | null
  readonly attempts: number
  readonly nextAttemptAt: string
}

describe("fundi ops outbox", () => {
  it("lists failed messages, both kinds, newest first, with the error", async () => {
    await scene()
    const failed = json<{ messages: Array<MessageDoc> }>(
      await h.cli(["ops", "outbox", "list", "--failed", ...as, "--json"]),
    )
    expect(failed.messages.map((m) => [m.id, m.status, m.delivery])).toEqual([
      [id(3), "sent", "failed"],
      [id(2), "failed", null],
    ])
    const table = await h.cli(["ops", "outbox", "list", "--failed", ...as])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain("131026 Message undeliverable")
    expect(table.stdout).toContain("131047 re-engagement message")
  })

  it("filters by channel and by recipient as typed", async () => {
    await scene()
    const email = json<{ messages: Array<MessageDoc> }>(
      await h.cli(["ops", "outbox", "list", "--channel", "email", ...as, "--json"]),
    )
    expect(email.messages.map((m) => m.id)).toEqual([id(4)])
    const toThandi = json<{ messages: Array<MessageDoc> }>(
      await h.cli([
        "ops",
        "outbox",
        "list",
        "--to",
        "0027 82 123 4567",
        "--limit",
        "2",
        ...as,
        "--json",
      ]),
    )
    expect(toThandi.messages.map((m) => m.id)).toEqual([id(3), id(2)])
  })

  it("says what to type for a bad recipient or channel", async () => {
    const badTo = await h.cli(["ops", "outbox", "list", "--to", "082123", ...as])
    expect(badTo.code).toBe(1)
    expect(badTo.stderr).toContain(
      '--to "082123": must be an E.164 phone number such as +27821234567, or an email address',
    )
    const badChannel = await h.cli(["ops", "outbox", "list", "--channel", "telegram", ...as])
    expect(badChannel.code).toBe(2)
    expect(badChannel.stderr).toContain("whatsapp, email, sms")
  })

  it("retries a failed message now, keeps its attempts, and audits who and why", async () => {
    await scene()
    const result = json<{ message: MessageDoc }>(
      await h.cli([
        "ops",
        "outbox",
        "retry",
        id(2),
        "--reason",
        "homeowner wrote again, window open",
        ...as,
        "--json",
      ]),
    )
    expect(result.message).toMatchObject({ id: id(2), status: "pending", attempts: 8 })
    const audit = await h.runtime.runPromise(AuditLog.use((log) => log.list({ subjectId: id(2) })))
    expect(audit.map((e) => [e.action, e.reason])).toEqual([
      ["outbox.retry", "homeowner wrote again, window open"],
    ])
  })

  it("refuses a retry without a reason, of a bad or unknown id, or of a sent message, saying what to do", async () => {
    await scene()
    const noReason = await h.cli(["ops", "outbox", "retry", id(2), ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")

    const badId = await h.cli(["ops", "outbox", "retry", "42", "--reason", "r", ...as])
    expect(badId.code).toBe(1)
    expect(badId.stderr).toContain(
      'ID "42": must be a message id: "msg_" then 20 letters and digits (lower case, no i, l, o or u)',
    )

    const unknown = await h.cli(["ops", "outbox", "retry", id(99), "--reason", "r", ...as])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain(`no outbox message with id ${id(99)}`)
    expect(unknown.stderr).toContain("fundi ops outbox list --failed")

    const sentOne = await h.cli(["ops", "outbox", "retry", id(3), "--reason", "r", ...as])
    expect(sentOne.code).toBe(1)
    expect(sentOne.stderr).toContain("only failed or pending messages can be retried")
    expect(sentOne.stderr).toContain("fundi ops conversations show PHONE")
  })
})
