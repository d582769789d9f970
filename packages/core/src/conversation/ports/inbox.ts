import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { Instant } from "../../shared/time.ts"
import type { InboundUpdate } from "../domain/inbound.ts"
import type { InboxEntry, InboxStatus } from "../domain/inbox-entry.ts"
import type { RejectedDelivery } from "../domain/rejected-delivery.ts"

export interface InboxFilter {
  readonly phone?: string
  readonly status?: InboxStatus
  readonly limit?: number
}

/** Inbound updates recorded before the webhook is acknowledged, processed after. */
export class Inbox extends Context.Service<
  Inbox,
  {
    /**
     * Records updates as pending, in one statement; an update whose key is already there
     * is skipped (a redelivery). Returns how many were new.
     */
    readonly record: (
      updates: ReadonlyArray<InboundUpdate>,
      receivedAt: Instant,
    ) => Effect.Effect<{ readonly recorded: number }, PersistenceUnavailable>
    /**
     * Claims up to `limit` pending entries due at `now`, oldest first (status -> processing,
     * attempts + 1, nextAttemptAt = now + leaseMs). Concurrent workers never claim the same
     * entry, and two entries of one phone are never claimed by two workers at once. A phone's
     * messages come out one at a time in the order they were sent (the message's `at`; ties
     * in the order received), among those open together: one already claimed is not
     * overtaken by an earlier-sent message that arrives after it.
     */
    readonly claimDue: (options: {
      readonly now: Instant
      readonly limit: number
      readonly leaseMs: number
    }) => Effect.Effect<ReadonlyArray<InboxEntry>, PersistenceUnavailable>
    readonly markProcessed: (
      key: string,
      at: Instant,
    ) => Effect.Effect<void, PersistenceUnavailable>
    /** Back to pending at `retryAt`, or `failed` for good when it is absent. */
    readonly markFailed: (
      key: string,
      error: string,
      retryAt: Option.Option<Instant>,
    ) => Effect.Effect<void, PersistenceUnavailable>
    readonly findByKey: (
      key: string,
    ) => Effect.Effect<Option.Option<InboxEntry>, PersistenceUnavailable>
    /** Newest first. */
    readonly list: (
      filter: InboxFilter,
    ) => Effect.Effect<ReadonlyArray<InboxEntry>, PersistenceUnavailable>
    /**
     * Keeps a delivery (or part) that could not be used; the same fingerprint again only
     * counts up and moves `lastAt`. The excerpt is cut to REJECTED_EXCERPT_MAX characters.
     */
    readonly recordRejected: (rejected: {
      readonly fingerprint: string
      readonly reason: string
      readonly excerpt: string
      readonly size: number
      readonly at: Instant
    }) => Effect.Effect<void, PersistenceUnavailable>
    /** Most recently seen first (then by fingerprint). */
    readonly listRejected: (filter: {
      readonly limit?: number
    }) => Effect.Effect<ReadonlyArray<RejectedDelivery>, PersistenceUnavailable>
  }
>()("@fundi/core/Inbox") {}
