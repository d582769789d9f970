import { Effect, Option } from "effect"
import type { DeliveryStatusUpdate } from "../../conversation/domain/inbound.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import {
  advanceDelivery,
  describeChannelError,
  isPermanentWhatsAppError,
} from "../domain/delivery-status.ops.ts"
import { DeliveryStatusTooEarly } from "../domain/notifications.errors.ts"
import { Outbox } from "../ports/outbox.ts"

/**
 * Applies a delivery status from the channel's webhook to the message it names. The state
 * only moves forward (delivery-status.ops), so replays and misordered statuses are no-ops.
 * A `failed` status with a permanent error also fails the message itself, with the code
 * and title, so it shows in `fundi ops outbox list --failed`; a transient one is recorded
 * on the message and left to ops (WhatsApp has already given up on that send). A later
 * `delivered` or `read` proves the phone got it, and puts a failed message back to sent.
 *
 * A status for a message we do not know is retried for its first few minutes (it may have
 * overtaken the commit of our own send: DeliveryStatusTooEarly), then logged and dropped
 * (sent by another system on the same number, or from before a database reset): retrying
 * for ever would only keep something that can never succeed in the inbox.
 */
export const UNKNOWN_STATUS_GRACE_MS = 5 * 60_000

export const recordDeliveryStatus: (
  status: DeliveryStatusUpdate,
) => Effect.Effect<void, PersistenceUnavailable | DeliveryStatusTooEarly, Outbox | Transactions> =
  Effect.fn("recordDeliveryStatus")(function* (status: DeliveryStatusUpdate) {
    const outbox = yield* Outbox
    const transactions = yield* Transactions
    yield* transactions.run(
      Effect.gen(function* () {
        // Locked: two statuses of one message (read and sent, claimed by two workers) apply one
        // after the other, so the later one sees the state the earlier one left.
        const found = yield* outbox.findByProviderMessageId(status.providerMessageId, {
          forUpdate: true,
        })
        if (Option.isNone(found)) {
          if ((yield* now) - status.at < UNKNOWN_STATUS_GRACE_MS) {
            return yield* new DeliveryStatusTooEarly({
              providerMessageId: status.providerMessageId,
            })
          }
          yield* Effect.logInfo("delivery status for an unknown message, ignored").pipe(
            Effect.annotateLogs({
              providerMessageId: status.providerMessageId,
              state: status.state,
            }),
          )
          return
        }
        const message = found.value
        const next = advanceDelivery(message.delivery, status.state)
        if (Option.isNone(next)) return
        const error =
          next.value === "failed" && status.errors !== undefined && status.errors.length > 0
            ? status.errors.map(describeChannelError).join("; ")
            : undefined
        yield* outbox.recordDelivery(message.id, next.value, error)
        const permanent =
          next.value === "failed" &&
          (status.errors ?? []).some((e) => isPermanentWhatsAppError(e.code))
        if (permanent && error !== undefined && message.status !== "failed") {
          yield* outbox.markFailed(message.id, error, Option.none())
        }
        // The phone has it after all (a failure reported out of order): off the failed list.
        if (
          next.value !== "failed" &&
          message.status === "failed" &&
          message.sentAt !== undefined
        ) {
          yield* outbox.markSent(message.id, message.sentAt, message.providerMessageId)
        }
      }),
    )
  })
