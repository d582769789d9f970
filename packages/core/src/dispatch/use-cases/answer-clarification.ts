import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type { NotRequestOwner, RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { AnswerClarificationInput } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { audit, checkOwner, inTransaction, publish, stepRequest } from "./support.ts"

/**
 * The homeowner answers ops' question; the request goes back to the review queue
 * (submitted). The answer is kept in the audit log with the question it answers.
 */
export const answerClarification: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound | NotRequestOwner | TransitionNotAllowed,
  DispatchServices
> = Effect.fn("answerClarification")(function* (raw: unknown) {
  const input = yield* decodeInput(AnswerClarificationInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepRequest(
        input.requestId,
        { _tag: "Answer", text: input.text },
        checkOwner(input.customerId),
      )
      yield* audit({
        actor: { _tag: "party", partyId: input.customerId },
        action: "request.answer",
        subjectType: "request",
        subjectId: step.after.id,
        details: {
          customerId: step.after.customerId,
          from: step.before.state,
          to: step.after.state,
          question: step.before.clarificationQuestion ?? null,
          answer: input.text,
        },
      })
      yield* publish(step.events, step.after)
      return step.after
    }),
  )
})
