import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { MarkReadyInput } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction, publish, stepRequest } from "./support.ts"

/** An operator has reviewed a submitted request and releases it for dispatch. */
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
        },
      })
      yield* publish(step.events, step.after)
      return step.after
    }),
  )
})
