import { Effect, Option } from "effect"
import type { IdempotencyConflict, InsufficientFunds } from "../../ledger/domain/ledger.errors.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { transfer } from "../../wallet/use-cases/support.ts"
import type { LeadRefundNotFound, RefundAlreadyDecided } from "../domain/lead-refund.errors.ts"
import {
  checkRefundDecision,
  type RefundDecisionRefused,
  refundTransfer,
  transitionLeadRefund,
} from "../domain/lead-refund.ops.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { DecideLeadRefundInput } from "./lead-refund-inputs.ts"
import {
  claimFacts,
  decisionDetails,
  lockLeadRefund,
  notifyDecision,
} from "./lead-refund-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"
import { unlockTransferId } from "./unlock-lead.ts"

/**
 * Ops approve a refund claim: the preconditions that can change since the claim (the
 * policy, the facts) are checked again, then one ledger transfer (`lead-refund:<offerId>`)
 * reverses the unlock's (same accounts, opposite direction, same credits), the claim is
 * approved, audited, and the provider told, all in one transaction. A decided claim is
 * RefundAlreadyDecided; the transfer id makes a second payout impossible even so.
 */
export const approveLeadRefund: (
  input: unknown,
) => Effect.Effect<
  LeadRefund,
  | InvalidInput
  | PersistenceUnavailable
  | LeadRefundNotFound
  | RequestNotFound
  | RefundAlreadyDecided
  | RefundDecisionRefused
  | IdempotencyConflict
  | InsufficientFunds,
  DispatchServices
> = Effect.fn("approveLeadRefund")(function* (raw: unknown) {
  const input = yield* decodeInput(DecideLeadRefundInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { refund, request, offer } = yield* lockLeadRefund(input.refundId)
      const at = yield* now
      const after = yield* Effect.fromResult(
        transitionLeadRefund(
          refund,
          { _tag: "Approve", operator: input.operator, reason: input.reason },
          at,
        ),
      )
      yield* Effect.fromResult(
        checkRefundDecision(yield* claimFacts(refund, request, offer, refund), policy),
      )
      const unlock = yield* (yield* Ledger).findTransfer(unlockTransferId(offer.id))
      const reversal = Option.isSome(unlock) ? refundTransfer(after, unlock.value) : undefined
      // The claim took its credits from the offer, which the unlock's transfer charged:
      // if they disagree the records are corrupt, and no money should move on them.
      if (reversal === undefined) {
        return yield* Effect.die(
          new Error(
            `refund ${refund.id}: the unlock of offer ${offer.id} does not match the claim`,
          ),
        )
      }
      const moved = yield* transfer(reversal, at)
      yield* (yield* LeadRefundRepository).update(after)
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "lead_refund.approve",
        subjectType: "lead_refund",
        subjectId: refund.id,
        reason: input.reason,
        details: { ...decisionDetails(refund, after), transferId: moved.id },
      })
      yield* notifyDecision(after)
      return after
    }),
  )
})
