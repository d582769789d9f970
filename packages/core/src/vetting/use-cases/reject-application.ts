import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type * as E from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { ApplicationAction } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { auditApplicationStep, inTransaction, publish, stepApplication } from "./support.ts"

/**
 * An operator rejects an application, with a reason the applicant is told. Unlike a
 * failed background check this sets no lockout: the party may re-apply at once.
 */
export const rejectApplication: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.ApplicationNotFound
  | E.PartyNotFound
  | E.TransitionNotAllowed,
  VettingServices
> = Effect.fn("rejectApplication")(function* (raw: unknown) {
  const input = yield* decodeInput(ApplicationAction)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepApplication(input.applicationId, {
        _tag: "Reject",
        by: input.operator,
        reason: input.reason,
      })
      yield* (yield* ApplicationRepository).update(step.after)
      yield* auditApplicationStep(input.operator, "application.reject", input.reason, step)
      yield* publish(step.events, step.party)
      return step.after
    }),
  )
})
