import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"

export interface OutboxFilter {
  readonly status?: OutboxStatus
  readonly partyId?: string
  readonly limit?: number
}

export class Outbox extends Context.Service<
  Outbox,
  {
    /** Adds messages; a message whose dedupeKey is already present is skipped (exactly once). */
    readonly enqueue: (
      messages: ReadonlyArray<OutboxMessage>,
    ) => Effect.Effect<void, PersistenceUnavailable>
    /**
     * Claims up to `limit` pending messages due at `now` (status -> sending, attempts + 1,
     * nextAttemptAt = now + leaseMs so a crashed worker's claim returns later). Concurrent
     * workers never claim the same message (FOR UPDATE SKIP LOCKED on Postgres).
     */
    readonly claimDue: (options: {
      readonly now: Instant
      readonly limit: number
      readonly leaseMs: number
    }) => Effect.Effect<ReadonlyArray<OutboxMessage>, PersistenceUnavailable>
    readonly markSent: (id: MessageId, at: Instant) => Effect.Effect<void, PersistenceUnavailable>
    /** Back to pending for another try at `retryAt`, or `failed` for good when retryAt is absent. */
    readonly markFailed: (
      id: MessageId,
      error: string,
      retryAt: Option.Option<Instant>,
    ) => Effect.Effect<void, PersistenceUnavailable>
    readonly findById: (
      id: MessageId,
    ) => Effect.Effect<Option.Option<OutboxMessage>, PersistenceUnavailable>
    /** Newest first. */
    readonly list: (
      filter: OutboxFilter,
    ) => Effect.Effect<ReadonlyArray<OutboxMessage>, PersistenceUnavailable>
  }
>()("@fundi/core/Outbox") {}
