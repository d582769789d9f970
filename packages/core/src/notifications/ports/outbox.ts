import { Context, type Effect, type Option } from "effect"
import type { DeliveryState } from "../../conversation/domain/inbound.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import type { NotificationChannel, OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"

export interface OutboxFilter {
  readonly status?: OutboxStatus
  readonly partyId?: string
  /** Messages addressed to this phone number or email address. */
  readonly to?: string
  readonly channel?: NotificationChannel
  /** Messages the channel reported in this delivery state (a "failed" one is undeliverable). */
  readonly delivery?: DeliveryState
  readonly limit?: number
}

export class Outbox extends Context.Service<
  Outbox,
  {
    /**
     * Adds messages; a message whose dedupeKey is already present is skipped (exactly once).
     * A WhatsApp message to a number whose conversation session is opted out (said "stop")
     * is not stored either, bar the opt-out confirmation (`writableFor`): it could only
     * fail. Sessions are read as the caller's transaction has them, so an opt-out (or
     * "start") saved before the call in the same transaction counts; save a session before
     * enqueueing what depends on it (Postgres writes held messages as late as commit). Other
     * channels are unaffected. The store applies it as it writes (a trigger on Postgres),
     * so callers pay no extra read per recipient.
     */
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
    /**
     * `providerMessageId` is the channel's id for the sent message (WhatsApp "wamid..."),
     * which later delivery statuses name; it is unique across the outbox.
     */
    readonly markSent: (
      id: MessageId,
      at: Instant,
      providerMessageId?: string,
    ) => Effect.Effect<void, PersistenceUnavailable>
    /**
     * Back to pending, due at `until`, giving back the attempt its claim counted: the send
     * was not tried (the recipient's pacing said wait), so it must not use up the retries.
     */
    readonly defer: (id: MessageId, until: Instant) => Effect.Effect<void, PersistenceUnavailable>
    /** Back to pending for another try at `retryAt`, or `failed` for good when retryAt is absent. */
    readonly markFailed: (
      id: MessageId,
      error: string,
      retryAt: Option.Option<Instant>,
    ) => Effect.Effect<void, PersistenceUnavailable>
    readonly findById: (
      id: MessageId,
    ) => Effect.Effect<Option.Option<OutboxMessage>, PersistenceUnavailable>
    /** `forUpdate` locks the message until the transaction ends (statuses of one message queue). */
    readonly findByProviderMessageId: (
      providerMessageId: string,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<OutboxMessage>, PersistenceUnavailable>
    /**
     * Sets the delivery state the channel reported and its error, if any (the error is
     * cleared when absent). The caller decides whether the state may move (delivery-status.ops).
     */
    readonly recordDelivery: (
      id: MessageId,
      state: DeliveryState,
      error?: string,
    ) => Effect.Effect<void, PersistenceUnavailable>
    /** Newest first. */
    readonly list: (
      filter: OutboxFilter,
    ) => Effect.Effect<ReadonlyArray<OutboxMessage>, PersistenceUnavailable>
  }
>()("@fundi/core/Outbox") {}
