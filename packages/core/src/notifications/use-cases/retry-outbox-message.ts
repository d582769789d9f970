import { Effect, Option } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { operator } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { type MessageId, newAuditId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { operatorRetryAllowed } from "../domain/delivery.ops.ts"
import {
  OutboxMessageNotFound,
  type OutboxMessageNotRetryable,
} from "../domain/notifications.errors.ts"
import type { OutboxMessage } from "../domain/outbox-message.ts"
import { Outbox } from "../ports/outbox.ts"
import { RetryOutboxMessageInput } from "./inputs.ts"

/**
 * An operator puts a message back in the queue, due now: one that failed for good (after
 * fixing an address or the SMTP settings), or a pending one whose backoff they do not want
 * to wait out. Its attempt count is kept, so a message that failed for lack of attempts
 * gets exactly one more before it fails again. Audited with operator and reason.
 */
export const retryOutboxMessage: (
  input: RetryOutboxMessageInput,
) => Effect.Effect<
  OutboxMessage,
  InvalidInput | PersistenceUnavailable | OutboxMessageNotFound | OutboxMessageNotRetryable,
  Outbox | AuditLog | Transactions
> = Effect.fn("retryOutboxMessage")(function* (input: RetryOutboxMessageInput) {
  const {
    messageId,
    operator: operatorName,
    reason,
  } = yield* decodeInput(RetryOutboxMessageInput)(input)
  const outbox = yield* Outbox
  const audit = yield* AuditLog
  const transactions = yield* Transactions
  const findOrFail = (id: MessageId) =>
    Effect.flatMap(outbox.findById(id), (found) =>
      Option.match(found, {
        onNone: () => Effect.fail(new OutboxMessageNotFound({ messageId: id })),
        onSome: Effect.succeed,
      }),
    )

  return yield* transactions.run(
    Effect.gen(function* () {
      const message = yield* findOrFail(messageId)
      yield* Effect.fromResult(operatorRetryAllowed(message))
      const at = yield* now
      // Keep the last delivery error visible: it is what the operator was looking at.
      const note = `requeued by ${operatorName}${message.lastError ? ` after: ${message.lastError}` : ""}`
      yield* outbox.markFailed(message.id, note, Option.some(at))
      yield* audit.record({
        id: yield* newAuditId,
        actor: operator(operatorName),
        action: "outbox.retry",
        subjectType: "outbox_message",
        subjectId: message.id,
        reason,
        details: {
          previousStatus: message.status,
          attempts: message.attempts,
          ...(message.lastError === undefined ? {} : { lastError: message.lastError }),
        },
        at,
      })
      return yield* findOrFail(messageId)
    }),
  )
})
