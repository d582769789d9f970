import { Effect, Option } from "effect"
import type { DeliveryStatusUpdate } from "../../conversation/domain/inbound.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { Transactions } from "../../shared/transactions.ts"
import {
  advanceDelivery,
  describeChannelError,
  isPermanentWhatsAppError,
} from "../domain/delivery-status.ops.ts"
import { Outbox } from "../ports/outbox.ts"

/**
 * Applies a delivery status from the channel's webhook to the message it names. The state
 * only moves forward (delivery-status.ops), so replays and misordered statuses are no-ops.
 * A `failed` status with a permanent error also fails the message itself, with the code
 * and title, so it shows in `fundi ops outbox list --failed`; a transient one is recorded
 * on the message and left to ops (WhatsApp has already given up on that send). A later
 * `delivered` or `read` proves the phone got it, and puts a failed message back to sent.
 *
 * A status for a message we do not know (sent by another system on the same number, or
 * from before a database reset) is logged and dropped: failing would only make the inbox
 * retry something that can never succeed.
 */
export const recordDeliveryStatus: (
  status: DeliveryStatusUpdate,
) => Effect.Effect<void, PersistenceUnavailable, Outbox | Transactions> = Effect.fn(
  "recordDeliveryStatus",
)(function* (status: DeliveryStatusUpdate) {
  const outbox = yield* Outbox
  const transactions = yield* Transactions
  yield* transactions.run(
    Effect.gen(function* () {
      const found = yield* outbox.findByProviderMessageId(status.providerMessageId)
      if (Option.isNone(found)) {
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
      if (next.value !== "failed" && message.status === "failed" && message.sentAt !== undefined) {
        yield* outbox.markSent(message.id, message.sentAt, message.providerMessageId)
      }
    }),
  )
})
