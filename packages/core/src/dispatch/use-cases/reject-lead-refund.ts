import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { LeadRefundNotFound, RefundAlreadyDecided } from "../domain/lead-refund.errors.ts"
import { transitionLeadRefund } from "../domain/lead-refund.ops.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { DecideLeadRefundInput } from "./lead-refund-inputs.ts"
import { decisionDetails, lockLeadRefund, notifyDecision } from "./lead-refund-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/**
 * Ops reject a refund claim, saying why: no credits move; the claim is rejected, audited,
 * and the provider is told the reason. A decided claim is RefundAlreadyDecided.
 */
export const rejectLeadRefund: (
  input: unknown,
) => Effect.Effect<
  LeadRefund,
  | InvalidInput
  | PersistenceUnavailable
  | LeadRefundNotFound
  | RequestNotFound
  | RefundAlreadyDecided,
  DispatchServices
> = Effect.fn("rejectLeadRefund")(function* (raw: unknown) {
  const input = yield* decodeInput(DecideLeadRefundInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      // Locked like an approval, so a reject and an approve of one claim cannot both win.
      const { refund } = yield* lockLeadRefund(input.refundId)
      const after = yield* Effect.fromResult(
        transitionLeadRefund(
          refund,
          { _tag: "Reject", operator: input.operator, reason: input.reason },
          yield* now,
        ),
      )
      yield* (yield* LeadRefundRepository).update(after)
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "lead_refund.reject",
        subjectType: "lead_refund",
        subjectId: refund.id,
        reason: input.reason,
        details: decisionDetails(refund, after),
      })
      yield* notifyDecision(after)
      return after
    }),
  )
})
