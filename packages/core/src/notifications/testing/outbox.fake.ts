import { Effect, Layer, Option } from "effect"
import type { ConversationSession } from "../../conversation/domain/session.ts"
import { conversationTable } from "../../conversation/testing/conversation-store.fake.ts"
import type { MessageId } from "../../shared/ids.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { writableFor } from "../domain/whatsapp-send.ops.ts"
import { Outbox } from "../ports/outbox.ts"

export const outboxTable = "outbox"

/**
 * Oldest due first, so a backlog drains in the order it built up; then in the order
 * enqueued (the store keeps insertion order and the sort is stable), so one turn's replies
 * go out in the order they were said.
 */
const dueOrder = (a: OutboxMessage, b: OutboxMessage): number => a.nextAttemptAt - b.nextAttemptAt

/**
 * The outbox over the in-memory store. A claim is a lease: a message stays `sending` with
 * `nextAttemptAt = now + leaseMs`, and becomes claimable again once that passes, which is
 * how a message claimed by a worker that crashed gets sent after all. Enqueue reads the
 * conversation sessions of the same store (the fake ConversationStore's table), as the
 * Postgres trigger reads `conversation_sessions`, to leave out WhatsApp to opted-out numbers.
 */
export const layerOutboxInMemory: Layer.Layer<Outbox, never, InMemoryStore> = Layer.effect(
  Outbox,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const rows = () => store.table<OutboxMessage>(outboxTable)
    const optedOut = (phone: string) =>
      store.table<ConversationSession>(conversationTable).get(phone)?.optedOut === true
    const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
    const writing = <A>(f: () => A) => Effect.andThen(store.write, Effect.sync(f))
    const change = (id: MessageId, f: (message: OutboxMessage) => OutboxMessage) =>
      writing(() => {
        const message = rows().get(id)
        if (message !== undefined) rows().set(id, f(message))
      })

    return Outbox.of({
      enqueue: (messages) =>
        writing(() => {
          const keys = new Set([...rows().values()].map((m) => m.dedupeKey))
          for (const message of messages) {
            if (keys.has(message.dedupeKey) || !writableFor(message, optedOut)) continue
            keys.add(message.dedupeKey)
            rows().set(message.id, message)
          }
        }),
      claimDue: ({ now, limit, leaseMs }) =>
        writing(() => {
          const due = [...rows().values()]
            .filter(
              (m) => (m.status === "pending" || m.status === "sending") && m.nextAttemptAt <= now,
            )
            .sort(dueOrder)
            .slice(0, limit)
          return due.map((m) => {
            const claimed: OutboxMessage = {
              ...m,
              status: "sending",
              attempts: m.attempts + 1,
              nextAttemptAt: (now + leaseMs) as Instant,
            }
            rows().set(m.id, claimed)
            return claimed
          })
        }),
      markSent: (id, at, providerMessageId) =>
        change(id, (m) => ({
          ...m,
          status: "sent",
          sentAt: at,
          ...(providerMessageId === undefined ? {} : { providerMessageId }),
        })),
      defer: (id, until) =>
        change(id, (m) => ({
          ...m,
          status: "pending" as const,
          attempts: Math.max(0, m.attempts - 1),
          nextAttemptAt: until,
        })),
      markFailed: (id, error, retryAt) =>
        change(id, (m) =>
          Option.match(retryAt, {
            onNone: () => ({ ...m, status: "failed" as const, lastError: error }),
            onSome: (at) => ({
              ...m,
              status: "pending" as const,
              lastError: error,
              nextAttemptAt: at,
            }),
          }),
        ),
      findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
      findByProviderMessageId: (providerMessageId) =>
        reading(() =>
          Option.fromUndefinedOr(
            [...rows().values()].find((m) => m.providerMessageId === providerMessageId),
          ),
        ),
      recordDelivery: (id, state, error) =>
        change(id, ({ deliveryError: _, ...m }) => ({
          ...m,
          delivery: state,
          ...(error === undefined ? {} : { deliveryError: error }),
        })),
      list: (filter) =>
        reading(() => {
          const newestFirst = [...rows().values()]
            .map((message, seq) => ({ message, seq }))
            .sort((a, b) => b.message.createdAt - a.message.createdAt || b.seq - a.seq)
            .map(({ message }) => message)
            .filter(
              (m) =>
                (filter.status === undefined || m.status === filter.status) &&
                (filter.partyId === undefined || m.partyId === filter.partyId) &&
                (filter.to === undefined || m.to === filter.to) &&
                (filter.channel === undefined || m.channel === filter.channel) &&
                (filter.delivery === undefined || m.delivery === filter.delivery),
            )
          return filter.limit === undefined ? newestFirst : newestFirst.slice(0, filter.limit)
        }),
    })
  }),
)
