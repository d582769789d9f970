import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { ConversationSession } from "../domain/session.ts"
import { ConversationStore } from "../ports/conversation-store.ts"

export const conversationTable = "conversation_sessions"

/** Most recently active first; the phone breaks ties so the order is total. */
export const sessionOrder = (a: ConversationSession, b: ConversationSession): number =>
  b.updatedAt - a.updatedAt || compareText(a.phone, b.phone)

/** Sessions over the in-memory store; a transaction serialises writers, so no row locks. */
export const layerConversationStoreInMemory: Layer.Layer<ConversationStore, never, InMemoryStore> =
  Layer.effect(
    ConversationStore,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<ConversationSession>(conversationTable)
      return ConversationStore.of({
        find: (phone) =>
          Effect.andThen(
            store.read,
            Effect.sync(() => Option.fromUndefinedOr(rows().get(phone))),
          ),
        save: (session) =>
          Effect.andThen(
            store.write,
            Effect.sync(() => {
              rows().set(session.phone, session)
            }),
          ),
        list: (filter) =>
          Effect.andThen(
            store.read,
            Effect.sync(() => {
              const sessions = [...rows().values()]
                .filter((s) => filter.optedOut === undefined || s.optedOut === filter.optedOut)
                .sort(sessionOrder)
              return filter.limit === undefined ? sessions : sessions.slice(0, filter.limit)
            }),
          ),
      })
    }),
  )
