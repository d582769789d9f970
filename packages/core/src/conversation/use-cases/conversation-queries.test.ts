import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { InvalidInput } from "../../shared/errors.ts"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import type { InboundUpdate } from "../domain/inbound.ts"
import type { ConversationSession } from "../domain/session.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { Inbox } from "../ports/inbox.ts"
import { listConversations, showConversation } from "./conversation-queries.ts"

const thandi = "+27821234567"
const sipho = "+27831112222"
const t = (seconds: number) => (1_800_000_000 + seconds) * 1000

const session = (
  phone: string,
  updatedAt: number,
  extra: Partial<ConversationSession> = {},
): ConversationSession => ({
  phone,
  channel: "whatsapp",
  optedOut: false,
  updatedAt: updatedAt as Instant,
  ...extra,
})

const text = (id: string, from: string, at: number, body: string): InboundUpdate => ({
  _tag: "message",
  message: {
    id,
    channel: "whatsapp",
    from,
    at: at as Instant,
    content: { _tag: "text", body },
  },
})

const status = (providerMessageId: string, recipient: string, at: number): InboundUpdate => ({
  _tag: "status",
  status: {
    providerMessageId,
    channel: "whatsapp",
    state: "delivered",
    at: at as Instant,
    recipient,
  },
})

const outbound = (n: number, to: string, createdAt: number, body: string): OutboxMessage => ({
  id: `msg_${String(n).padStart(20, "0")}` as MessageId,
  dedupeKey: `test:${n}`,
  channel: "whatsapp",
  to,
  template: "conversation.reply",
  body,
  status: "sent",
  attempts: 1,
  nextAttemptAt: createdAt as Instant,
  createdAt: createdAt as Instant,
  sentAt: (createdAt + 500) as Instant,
  providerMessageId: `wamid.${n}`,
  delivery: "delivered",
})

describe("listConversations", () => {
  it.effect("lists sessions most recently active first, and only opted-out ones when asked", () =>
    Effect.gen(function* () {
      const store = yield* ConversationStore
      yield* store.save(session(thandi, t(10)))
      yield* store.save(session(sipho, t(20), { optedOut: true }))

      const all = yield* listConversations({})
      expect(all.map((s) => s.phone)).toEqual([sipho, thandi])
      const stopped = yield* listConversations({ optedOut: true })
      expect(stopped.map((s) => s.phone)).toEqual([sipho])
      const one = yield* listConversations({ limit: 1 })
      expect(one).toHaveLength(1)
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("refuses a limit out of range, naming it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(listConversations({ limit: 0 }))
      expect(error._tag).toBe("InvalidInput")
      expect((error as InvalidInput).issues.map((i) => i.path)).toEqual(["limit"])
    }).pipe(Effect.provide(layerInMemory())),
  )
})

describe("showConversation", () => {
  it.effect("merges both directions by time, statuses left out, for the phone as typed", () =>
    Effect.gen(function* () {
      yield* (yield* ConversationStore).save(
        session(thandi, t(30), {
          position: {
            flow: "request_help",
            step: "describe",
            data: {},
            startedAt: t(5) as Instant,
          },
          lastInboundAt: t(20) as Instant,
        }),
      )
      yield* (yield* Inbox).record(
        [
          text("wamid.in1", thandi, t(0), "hi"),
          text("wamid.in2", thandi, t(20), "my geyser leaks"),
          status("wamid.1", thandi, t(3)),
          text("wamid.other", sipho, t(1), "not thandi"),
        ],
        t(21) as Instant,
      )
      yield* (yield* Outbox).enqueue([
        outbound(1, thandi, t(1), "Hello! What do you need?"),
        outbound(2, sipho, t(2), "not for thandi"),
      ])

      // A local spelling of the number finds the same conversation.
      const view = yield* showConversation({ phone: "+27 82 123 4567" })

      expect(view.phone).toBe(thandi)
      expect(view.session?.position?.step).toBe("describe")
      expect(
        view.history.map((h) =>
          h._tag === "inbound"
            ? `in ${h.message.id} ${h.entry.status}`
            : `out ${h.message.id} ${h.message.delivery}`,
        ),
      ).toEqual([
        "in wamid.in1 pending",
        "out msg_00000000000000000001 delivered",
        "in wamid.in2 pending",
      ])
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("keeps the newest messages when limited, and works before any session exists", () =>
    Effect.gen(function* () {
      yield* (yield* Inbox).record(
        [1, 2, 3, 4].map((n) => text(`wamid.${n}`, thandi, t(n * 10), `m${n}`)),
        t(50) as Instant,
      )
      yield* (yield* Outbox).enqueue([outbound(9, thandi, t(35), "reply")])

      const view = yield* showConversation({ phone: thandi, limit: 3 })

      expect(view.session).toBeUndefined()
      expect(view.history.map((h) => h.message.id)).toEqual([
        "wamid.3",
        "msg_00000000000000000009",
        "wamid.4",
      ])
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("says what to type for a phone number that is not one", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(showConversation({ phone: "082 123" }))
      expect(error._tag).toBe("InvalidInput")
      expect((error as InvalidInput).issues).toEqual([
        { path: "phone", message: "must be an E.164 phone number such as +27821234567" },
      ])
    }).pipe(Effect.provide(layerInMemory())),
  )
})
