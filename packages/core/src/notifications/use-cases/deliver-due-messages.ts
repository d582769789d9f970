import { Effect, Option, Result } from "effect"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { type Instant, now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { defaultRetryPolicy, nextAttemptAt } from "../domain/delivery.ops.ts"
import { DeliveryFailed } from "../domain/notifications.errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { planWhatsAppSend } from "../domain/whatsapp-send.ops.ts"
import { Notifier, type SendReceipt } from "../ports/notifier.ts"
import { Outbox } from "../ports/outbox.ts"
import { DeliverDueMessagesInput } from "./inputs.ts"

/** What one run of the outbox worker did. `claimed === batchSize` means more may be due. */
export interface DeliveryCounts {
  readonly claimed: number
  readonly sent: number
  /** Failed this time, queued again for a later attempt. */
  readonly retried: number
  /** Failed for good: a permanent failure, or the last allowed attempt. */
  readonly failed: number
}

/**
 * Sends the messages that are due. The claim commits in its own transaction before any
 * send, so no database transaction is held open while a slow SMTP server or WhatsApp API
 * answers, and concurrent workers never claim the same message. Each outcome is then
 * recorded on its own: sent, queued again at the backoff time, or failed for good.
 *
 * Delivery is at least once. A message is marked sent only after the notifier succeeded,
 * at most once per claim; a worker that dies mid-batch leaves its messages `sending` until
 * the lease ends and another worker claims them again. If recording an outcome fails the
 * run stops right there: with the database down every later send could not be recorded
 * either and would be repeated after the lease, so it is better not to send them.
 *
 * A WhatsApp message first goes through WhatsApp's sending rules (planWhatsAppSend) with
 * the recipient's conversation: the notifier gets the intent to send (fallback template
 * swapped in outside the 24-hour window), or the message fails without a call. A channel
 * that asks us to slow down (`retryAfterMs`) is tried again no sooner than it asked.
 */
export const deliverDueMessages: (
  input: DeliverDueMessagesInput,
) => Effect.Effect<
  DeliveryCounts,
  InvalidInput | PersistenceUnavailable,
  Outbox | Notifier | Transactions | ConversationStore
> = Effect.fn("deliverDueMessages")(function* (input: DeliverDueMessagesInput) {
  const { batchSize, leaseMs, retry } = yield* decodeInput(DeliverDueMessagesInput)(input)
  const policy = retry ?? defaultRetryPolicy
  const outbox = yield* Outbox
  const notifier = yield* Notifier
  const transactions = yield* Transactions
  const conversations = yield* ConversationStore

  const claimedAt = yield* now
  const claimed = yield* transactions.run(
    outbox.claimDue({ now: claimedAt, limit: batchSize, leaseMs }),
  )

  // Cut a hung send off well inside the lease: past the lease another worker may claim the
  // message and send it again while this one is still waiting.
  const sendTimeoutMs = Math.max(1, Math.floor(leaseMs / 2))
  const send = (message: OutboxMessage): Effect.Effect<SendReceipt, DeliveryFailed> =>
    notifier.send(message).pipe(
      Effect.timeoutOrElse({
        duration: sendTimeoutMs,
        orElse: () =>
          Effect.fail(
            new DeliveryFailed({
              channel: message.channel,
              detail: `no answer within ${sendTimeoutMs} ms`,
              permanent: false,
            }),
          ),
      }),
      // A notifier that throws is a bug in an adapter, not a verdict on the message: retry it.
      Effect.catchDefect((defect) =>
        Effect.fail(
          new DeliveryFailed({
            channel: message.channel,
            detail: `notifier crashed: ${defect instanceof Error ? defect.message : String(defect)}`,
            permanent: false,
          }),
        ),
      ),
    )

  const attempt = (
    message: OutboxMessage,
    at: Instant,
  ): Effect.Effect<SendReceipt, DeliveryFailed | PersistenceUnavailable> =>
    message.channel !== "whatsapp"
      ? send(message)
      : Effect.gen(function* () {
          const session = Option.getOrUndefined(yield* conversations.find(message.to))
          const plan = planWhatsAppSend(message, session, at)
          if (Result.isFailure(plan)) return yield* plan.failure
          // The notifier sends `intent` as is; the fallback has been applied already.
          const { fallbackTemplate: _, ...rest } = message
          return yield* send({ ...rest, intent: plan.success })
        })

  let sent = 0
  let retried = 0
  let failed = 0
  for (const message of claimed) {
    // Half the lease gone: a send started now could outlast the lease, and another worker
    // could claim the message and send it again. The rest of the batch is left claimed; it
    // comes back when the lease ends (claimed, but neither sent, retried nor failed).
    if ((yield* now) - claimedAt >= sendTimeoutMs) break
    const outcome = yield* Effect.result(
      Effect.flatMap(now, (started) => attempt(message, started)),
    )
    const at = yield* now
    if (outcome._tag === "Success") {
      yield* transactions.run(outbox.markSent(message.id, at, outcome.success.providerMessageId))
      sent++
      continue
    }
    const error = outcome.failure
    // Reading the recipient's conversation failed: the database is down, stop here (above).
    if (error._tag === "PersistenceUnavailable") return yield* error
    if (error.notAttempted === true && error.retryAfterMs !== undefined) {
      // Held back by pacing, not refused: due again when the pace allows, attempt given back.
      yield* transactions.run(outbox.defer(message.id, (at + error.retryAfterMs) as Instant))
      retried++
      continue
    }
    const backoff = nextAttemptAt(
      { attempts: message.attempts, now: at, permanent: error.permanent },
      policy,
    )
    const retryAt = Option.map(backoff, (retry) =>
      error.retryAfterMs === undefined
        ? retry
        : (Math.max(retry, at + error.retryAfterMs) as Instant),
    )
    yield* transactions.run(outbox.markFailed(message.id, error.message, retryAt))
    if (Option.isSome(retryAt)) retried++
    else failed++
    yield* Effect.logWarning(
      Option.isSome(retryAt) ? "delivery failed, will retry" : "delivery failed for good",
    ).pipe(
      Effect.annotateLogs({
        messageId: message.id,
        channel: message.channel,
        template: message.template,
        attempts: message.attempts,
        error: error.message,
      }),
    )
  }
  return { claimed: claimed.length, sent, retried, failed }
})
