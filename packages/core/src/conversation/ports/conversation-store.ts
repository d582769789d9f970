import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { ConversationSession } from "../domain/session.ts"

export interface ConversationFilter {
  readonly optedOut?: boolean
  readonly limit?: number
}

/** Session state per phone number. */
export class ConversationStore extends Context.Service<
  ConversationStore,
  {
    /** `forUpdate` locks the row until the transaction ends (one message at a time per phone). */
    readonly find: (
      phone: string,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<ConversationSession>, PersistenceUnavailable>
    /** Inserts or replaces the session of `session.phone`. */
    readonly save: (session: ConversationSession) => Effect.Effect<void, PersistenceUnavailable>
    /** Most recently active first. */
    readonly list: (
      filter: ConversationFilter,
    ) => Effect.Effect<ReadonlyArray<ConversationSession>, PersistenceUnavailable>
  }
>()("@fundi/core/ConversationStore") {}
