import {
  ConversationStore,
  type InboundUpdate,
  Inbox,
  type Instant,
  type MessageId,
  Outbox,
  type OutboxMessage,
} from "@fundi/core"
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
const sipho = "+27831112222"
const t = (minutes: number) => Date.UTC(2026, 10, 22, 9, minutes) as Instant

const inbound = (id: string, from: string, at: number, content: unknown): InboundUpdate =>
  ({
    _tag: "message",
    message: { id, channel: "whatsapp", from, at, content },
  }) as InboundUpdate

const sent = (n: number, to: string, at: number, extra: Partial<OutboxMessage>): OutboxMessage => ({
  id: `msg_${String(n).padStart(20, "0")}` as MessageId,
  dedupeKey: `test:${n}`,
  channel: "whatsapp",
  to,
  template: "conversation.reply",
  body: "fallback text",
  status: "sent",
  attempts: 1,
  nextAttemptAt: at as Instant,
  createdAt: at as Instant,
  sentAt: at as Instant,
  ...extra,
})

/** Thandi asked for help with her geyser; Sipho said stop. */
const scene = () =>
  h.runtime.runPromise(
    Effect.gen(function* () {
      const store = yield* ConversationStore
      yield* store.save({
        phone: thandi,
        channel: "whatsapp",
        partyId: "pty_0000000000000000000a",
        position: { flow: "request_help", step: "location", data: {}, startedAt: t(1) },
        optedOut: false,
        lastInboundAt: t(3),
        updatedAt: t(4),
      })
      yield* store.save({ phone: sipho, channel: "whatsapp", optedOut: true, updatedAt: t(2) })
      yield* (yield* Inbox).record(
        [
          inbound("wamid.in1", thandi, t(0), { _tag: "text", body: "help" }),
          inbound("wamid.in2", thandi, t(2), {
            _tag: "list_reply",
            id: "plumbing",
            title: "Plumbing",
          }),
          inbound("wamid.in3", thandi, t(3), {
            _tag: "media",
            kind: "image",
            mediaId: "m1",
            caption: "the geyser",
          }),
        ],
        t(3),
      )
      yield* (yield* Outbox).enqueue([
        sent(1, thandi, t(1), {
          intent: {
            _tag: "list",
            body: "What do you need?",
            button: "Choose",
            sections: [{ rows: [{ id: "plumbing", title: "Plumbing" }] }],
          },
          providerMessageId: "wamid.out1",
          delivery: "read",
        }),
        sent(2, thandi, t(2), {
          intent: { _tag: "location_request", body: "Where is the geyser?" },
          delivery: "failed",
          deliveryError: "131026 Message undeliverable",
        }),
      ])
    }),
  )

interface SessionDoc {
  readonly phone: string
  readonly partyId: string | null
  readonly optedOut: boolean
  readonly position: { readonly flow: string; readonly step: string } | null
}

describe("fundi ops conversations", () => {
  it("lists conversations, newest first, and only opted-out ones with --opted-out", async () => {
    await scene()
    const all = json<{ conversations: Array<SessionDoc> }>(
      await h.cli(["ops", "conversations", "list", ...as, "--json"]),
    )
    expect(all.conversations.map((c) => [c.phone, c.optedOut, c.position?.step ?? null])).toEqual([
      [thandi, false, "location"],
      [sipho, true, null],
    ])
    const stopped = await h.cli(["ops", "conversations", "list", "--opted-out", ...as])
    expect(stopped.code).toBe(0)
    expect(stopped.stdout).toContain(sipho)
    expect(stopped.stdout).not.toContain(thandi)
  })

  it("shows the session, then both directions by time with delivery and errors", async () => {
    await scene()
    const result = await h.cli(["ops", "conversations", "show", "082 123 4567", ...as])
    // A local number without the country code is not E.164: it says what to type.
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'PHONE "082 123 4567": must be an E.164 phone number such as +27821234567',
    )

    const text = await h.cli(["ops", "conversations", "show", "+27 82 123 4567", ...as])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("request_help / location")
    const lines = text.stdout.split("\n").filter((l) => /^\d{4}-/.test(l))
    expect(lines).toHaveLength(5)
    expect(lines[0]).toContain('<- text "help"')
    expect(lines[1]).toContain('-> "What do you need?" list "Choose": Plumbing  [sent, read]')
    expect(lines[2]).toContain('<- picked "Plumbing" (plumbing)')
    expect(lines[3]).toContain("[sent, failed: 131026 Message undeliverable]")
    expect(lines[4]).toContain('<- image "the geyser" (not fetched yet)  [pending]')

    const doc = json<{
      session: SessionDoc
      history: Array<{ direction: string; type: string; delivery?: string | null }>
    }>(await h.cli(["ops", "conversations", "show", thandi, "--limit", "2", ...as, "--json"]))
    expect(doc.session.partyId).toBe("pty_0000000000000000000a")
    expect(doc.history.map((i) => [i.direction, i.type, i.delivery ?? null])).toEqual([
      ["out", "location_request", "failed"],
      ["in", "media", null],
    ])
  })

  it("shows a number nobody has written from yet, and refuses a bad --limit", async () => {
    const empty = await h.cli(["ops", "conversations", "show", thandi, ...as])
    expect(empty.code).toBe(0)
    expect(empty.stdout).toContain("none yet")
    expect(empty.stdout).toContain(`no messages to or from ${thandi}`)
    const bad = await h.cli(["ops", "conversations", "list", "--limit", "0", ...as])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("must be a whole number from 1 to 1000")
  })

  it("lists the deliveries the webhook could not use, with how often each came", async () => {
    const none = await h.cli(["ops", "conversations", "rejected", ...as])
    expect(none.stdout).toContain("no rejected deliveries")
    await h.runtime.runPromise(
      Effect.gen(function* () {
        const inbox = yield* Inbox
        const body = { reason: "the body is not JSON", excerpt: "{not\njson", size: 9 }
        yield* inbox.recordRejected({ fingerprint: "f00d", ...body, at: t(1) })
        yield* inbox.recordRejected({ fingerprint: "f00d", ...body, at: t(4) })
        yield* inbox.recordRejected({
          fingerprint: "beef",
          reason: 'ignored: object "page"',
          excerpt: '{"object":"page"}',
          size: 17,
          at: t(2),
        })
      }),
    )
    const doc = json<{ rejected: Array<{ reason: string; count: number; lastAt: string }> }>(
      await h.cli(["ops", "conversations", "rejected", ...as, "--json"]),
    )
    expect(doc.rejected.map((r) => [r.reason, r.count, r.lastAt])).toEqual([
      ["the body is not JSON", 2, new Date(t(4)).toISOString()],
      ['ignored: object "page"', 1, new Date(t(2)).toISOString()],
    ])
    const text = await h.cli(["ops", "conversations", "rejected", ...as])
    expect(text.stdout).toContain("{not json")
  })
})
