import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { AskClarificationInput } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction, publish, stepRequest } from "./support.ts"

/**
 * An operator asks the homeowner a question before the request goes to providers; the
 * homeowner is messaged and the request waits (needs_clarification) for the answer.
 */
export const askClarification: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound | TransitionNotAllowed,
  DispatchServices
> = Effect.fn("askClarification")(function* (raw: unknown) {
  const input = yield* decodeInput(AskClarificationInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepRequest(input.requestId, {
        _tag: "AskClarification",
        by: input.operator,
        question: input.question,
      })
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "request.clarify",
        subjectType: "request",
        subjectId: step.after.id,
        reason: input.question,
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
