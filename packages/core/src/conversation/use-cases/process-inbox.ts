import { Effect, Option, Schema } from "effect"
import { defaultRetryPolicy, nextAttemptAt } from "../../notifications/domain/delivery.ops.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import { RetryPolicyInput } from "../../notifications/use-cases/inputs.ts"
import { recordDeliveryStatus } from "../../notifications/use-cases/record-delivery-status.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { ObjectStore } from "../../storage/ports/object-store.ts"
import type { InboundMessage } from "../domain/inbound.ts"
import type { InboxEntry } from "../domain/inbox-entry.ts"
import { Inbox } from "../ports/inbox.ts"
import { MediaSource } from "../ports/media-source.ts"
import { handleInboundMessage } from "./handle-inbound-message.ts"
import type { ConversationServices } from "./services.ts"

const PositiveInt = (maximum: number) =>
  Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum }))

export const ProcessDueInboxInput = Schema.Struct({
  /** Most entries claimed (and processed) in one run. */
  batchSize: PositiveInt(1_000),
  /** How long a claim holds an entry before another worker may take it over. */
  leaseMs: PositiveInt(86_400_000),
  retry: Schema.optionalKey(RetryPolicyInput),
})
export type ProcessDueInboxInput = typeof ProcessDueInboxInput.Encoded

/** What one run of the inbox worker did. `claimed === batchSize` means more may be due. */
export interface InboxCounts {
  readonly claimed: number
  readonly processed: number
  /** Failed this time, pending again for a later attempt. */
  readonly retried: number
  /** Failed for good after the last allowed attempt. */
  readonly failed: number
}

export type ProcessInboxServices =
  | Inbox
  | Transactions
  | ObjectStore
  | Policy
  | Outbox
  | ConversationServices

/**
 * Copies an inbound photo or document into the ObjectStore so it outlives the channel's
 * media id (WhatsApp's expire). A file we do not accept, or one the channel will not hand
 * over, is not a reason to lose the message: it goes on without `storedKey` and the flow
 * decides what to ask for instead.
 */
const storeMedia = (
  message: InboundMessage,
): Effect.Effect<InboundMessage, PersistenceUnavailable, ObjectStore | Policy> =>
  Effect.gen(function* () {
    const content = message.content
    if (content._tag !== "media" || content.storedKey !== undefined) return message
    const source = yield* Effect.serviceOption(MediaSource)
    if (Option.isNone(source)) return message
    const policy = yield* Policy
    const objects = yield* ObjectStore
    const stored = yield* source.value.fetch(content.mediaId).pipe(
      Effect.flatMap(({ bytes }) =>
        objects.put({ prefix: "whatsapp", bytes, maxBytes: policy.uploads.maxBytes }),
      ),
      Effect.map((object) => Option.some(object.key)),
      Effect.catchTags({
        MediaUnavailable: (e) => skipped(message, e.message),
        UnsupportedContent: (e) => skipped(message, e.message),
        ContentTooLarge: (e) => skipped(message, e.message),
      }),
    )
    return Option.match(stored, {
      onNone: () => message,
      onSome: (storedKey): InboundMessage => ({ ...message, content: { ...content, storedKey } }),
    })
  })

const skipped = (message: InboundMessage, reason: string) =>
  Effect.as(
    Effect.logWarning("inbound media not stored").pipe(
      Effect.annotateLogs({ messageId: message.id, reason }),
    ),
    Option.none<string>(),
  )

/**
 * Processes the inbox entries that are due: each inbound message goes to the conversation
 * engine, each delivery status onto the outbox message it is about. The claim commits in
 * its own transaction first (media downloads must not hold a transaction open). A status
 * is recorded and its entry marked processed in one transaction; a message is handled in
 * the engine's own transaction and then marked processed, and the engine ignores a message
 * it has handled already, so a redelivered or re-claimed entry is never handled twice. A failure puts the entry back at the outbox's backoff, and
 * after the last attempt leaves it failed for ops to see. If recording an outcome fails
 * (database down) the run stops: the rest stay claimed until their lease runs out.
 */
export const processDueInbox: (
  input: ProcessDueInboxInput,
) => Effect.Effect<InboxCounts, InvalidInput | PersistenceUnavailable, ProcessInboxServices> =
  Effect.fn("processDueInbox")(function* (raw: ProcessDueInboxInput) {
    const { batchSize, leaseMs, retry } = yield* decodeInput(ProcessDueInboxInput)(raw)
    const policy = retry ?? defaultRetryPolicy
    const inbox = yield* Inbox
    const transactions = yield* Transactions

    const claimedAt = yield* now
    const claimed = yield* transactions.run(
      inbox.claimDue({ now: claimedAt, limit: batchSize, leaseMs }),
    )

    const handle = (entry: InboxEntry) =>
      Effect.gen(function* () {
        const update = entry.update
        if (update._tag === "message") {
          const message = yield* storeMedia(update.message)
          // Its own transaction, not one joined with the mark below: the engine undoes a
          // refused use case by rolling back. Handling a message again changes nothing
          // (the session keeps the last message id), so a crash between the two is safe.
          yield* handleInboundMessage(message)
          yield* transactions.run(Effect.flatMap(now, (at) => inbox.markProcessed(entry.key, at)))
        } else {
          yield* transactions.run(
            Effect.andThen(
              recordDeliveryStatus(update.status),
              Effect.flatMap(now, (at) => inbox.markProcessed(entry.key, at)),
            ),
          )
        }
      }).pipe(
        // A crash in a flow is a bug to fix, not a reason to stop the other entries.
        Effect.catchDefect((defect) =>
          Effect.fail(defect instanceof Error ? defect.message : String(defect)),
        ),
        Effect.mapError((e) => (typeof e === "string" ? e : e.message)),
      )

    let processed = 0
    let retried = 0
    let failed = 0
    for (const entry of claimed) {
      // Half the lease gone: another worker may soon claim what is left and handle it while
      // this one still is. Leave the rest claimed; it comes back when the lease ends.
      if ((yield* now) - claimedAt >= leaseMs / 2) break
      const outcome = yield* Effect.result(handle(entry))
      if (outcome._tag === "Success") {
        processed++
        continue
      }
      const at = yield* now
      const retryAt = nextAttemptAt({ attempts: entry.attempts, now: at, permanent: false }, policy)
      yield* transactions.run(inbox.markFailed(entry.key, outcome.failure, retryAt))
      if (Option.isSome(retryAt)) retried++
      else failed++
      yield* Effect.logWarning(
        Option.isSome(retryAt)
          ? "inbound update failed, will retry"
          : "inbound update failed for good",
      ).pipe(
        Effect.annotateLogs({ key: entry.key, attempts: entry.attempts, error: outcome.failure }),
      )
    }
    return { claimed: claimed.length, processed, retried, failed }
  })
