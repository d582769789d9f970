import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { ListLeadRefundsInput } from "./lead-refund-inputs.ts"
import type { DispatchServices } from "./services.ts"

/** The ops refund queue: oldest claim first, all or in one state, the first `limit` of them. */
export const listLeadRefunds: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<LeadRefund>,
  InvalidInput | PersistenceUnavailable,
  DispatchServices
> = Effect.fn("listLeadRefunds")(function* (raw: unknown) {
  const filter = yield* decodeInput(ListLeadRefundsInput)(raw)
  return yield* (yield* LeadRefundRepository).list(filter)
})
