import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type * as E from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { RecordBackgroundCheckInput } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { auditApplicationStep, inTransaction, publish, stepApplication } from "./support.ts"

/**
 * The result of a background check arrives. Passed: the application waits for approval.
 * Failed: it is rejected, and the party may not apply again for the policy's cooldown.
 */
export const recordBackgroundCheck: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.ApplicationNotFound
  | E.PartyNotFound
  | E.TransitionNotAllowed,
  VettingServices
> = Effect.fn("recordBackgroundCheck")(function* (raw: unknown) {
  const input = yield* decodeInput(RecordBackgroundCheckInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepApplication(input.applicationId, {
        _tag: "RecordBackgroundCheck",
        by: input.operator,
        result: input.result,
        reason: input.reason,
        ...(input.reference === undefined ? {} : { reference: input.reference }),
      })
      yield* (yield* ApplicationRepository).update(step.after)
      yield* auditApplicationStep(
        input.operator,
        "application.record_background_check",
        input.reason,
        step,
        {
          result: input.result,
          ...(step.after.reapplyAfter === undefined
            ? {}
            : { reapplyAfter: step.after.reapplyAfter }),
        },
      )
      yield* publish(step.events, step.party)
      return step.after
    }),
  )
})
