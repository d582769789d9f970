import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { MarkReadyInput } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction, publish, stepRequest } from "./support.ts"

/**
 * An operator has reviewed a request and releases it for dispatch. A request waiting for
 * the homeowner's answer may be released too (they answered by phone): the audit entry
 * records the question as closed by the operator, with the reason.
 */
export const markReady: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound | TransitionNotAllowed,
  DispatchServices
> = Effect.fn("markReady")(function* (raw: unknown) {
  const input = yield* decodeInput(MarkReadyInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepRequest(input.requestId, { _tag: "MarkReady", by: input.operator })
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "request.ready",
        subjectType: "request",
        subjectId: step.after.id,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        details: {
          customerId: step.after.customerId,
          from: step.before.state,
          to: step.after.state,
          ...(step.before.state === "needs_clarification"
            ? { closedQuestion: step.before.clarificationQuestion ?? null }
            : {}),
        },
      })
      yield* publish(step.events, step.after)
      return step.after
    }),
  )
})
