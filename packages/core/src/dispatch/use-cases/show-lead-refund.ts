import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { LeadRefundNotFound } from "../domain/lead-refund.errors.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import { LeadRefundRef } from "./lead-refund-inputs.ts"
import { loadLeadRefund } from "./lead-refund-support.ts"
import type { DispatchServices } from "./services.ts"

/** One refund claim as stored, for ops. */
export const showLeadRefund: (
  input: unknown,
) => Effect.Effect<
  LeadRefund,
  InvalidInput | PersistenceUnavailable | LeadRefundNotFound,
  DispatchServices
> = Effect.fn("showLeadRefund")(function* (raw: unknown) {
  const { refundId } = yield* decodeInput(LeadRefundRef)(raw)
  return yield* loadLeadRefund(refundId)
})
