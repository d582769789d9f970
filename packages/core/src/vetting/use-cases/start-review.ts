import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type * as E from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { ApplicationAction } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { auditApplicationStep, inTransaction, publish, stepApplication } from "./support.ts"

/** An operator picks a submitted application from the queue to review it. */
export const startReview: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.ApplicationNotFound
  | E.PartyNotFound
  | E.TransitionNotAllowed,
  VettingServices
> = Effect.fn("startReview")(function* (raw: unknown) {
  const input = yield* decodeInput(ApplicationAction)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepApplication(input.applicationId, {
        _tag: "StartReview",
        by: input.operator,
      })
      yield* (yield* ApplicationRepository).update(step.after)
      yield* auditApplicationStep(input.operator, "application.start_review", input.reason, step)
      yield* publish(step.events, step.party)
      return step.after
    }),
  )
})
