import { Effect, Option } from "effect"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { writableFor } from "../domain/whatsapp-send.ops.ts"
import { Outbox } from "../ports/outbox.ts"

/**
 * Puts notifications into the outbox, in the caller's transaction, leaving out WhatsApp
 * copies to numbers that said "stop" (writableFor): a party with an email address still
 * gets it by email, one without gets nothing we know would fail. Every use case's
 * notifications go through here; the conversation engine's own replies do not (it answers
 * the number that wrote, and an opted-out one only with the confirmation).
 */
export const enqueueNotifications = (
  messages: ReadonlyArray<OutboxMessage>,
): Effect.Effect<void, PersistenceUnavailable, Outbox | ConversationStore> =>
  Effect.gen(function* () {
    if (messages.length === 0) return
    const sessions = yield* ConversationStore
    const optedOut = new Set<string>()
    const phones = new Set(messages.filter((m) => m.channel === "whatsapp").map((m) => m.to))
    for (const phone of phones) {
      if (Option.exists(yield* sessions.find(phone), (session) => session.optedOut)) {
        optedOut.add(phone)
      }
    }
    const kept = messages.filter((m) => writableFor(m, (phone) => optedOut.has(phone)))
    if (kept.length > 0) yield* (yield* Outbox).enqueue(kept)
  })
