import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { checkApplicationCommand } from "../domain/application.ops.ts"
import type { Application } from "../domain/application.ts"
import type * as E from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { BackgroundCheck } from "../ports/background-check.ts"
import { ApplicationAction } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import {
  auditApplicationStep,
  inTransaction,
  lockApplication,
  lockParty,
  publish,
  stepApplication,
} from "./support.ts"

/**
 * An operator sends an application under review for a background check: the checking
 * service is asked first (only when the table allows the step, so no check is ordered
 * for an application that cannot take it) and its reference is kept on the application.
 */
export const requestBackgroundCheck: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.ApplicationNotFound
  | E.PartyNotFound
  | E.TransitionNotAllowed
  | E.BackgroundCheckUnavailable,
  VettingServices
> = Effect.fn("requestBackgroundCheck")(function* (raw: unknown) {
  const input = yield* decodeInput(ApplicationAction)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const application = yield* lockApplication(input.applicationId)
      yield* Effect.fromResult(checkApplicationCommand(application, "RequestBackgroundCheck"))
      const party = yield* lockParty(application.partyId)
      const checks = yield* BackgroundCheck
      const { reference } = yield* checks.request({
        applicationId: application.id,
        partyId: party.id,
        name: party.profile.displayName ?? party.phone,
        phone: party.phone,
      })
      const step = yield* stepApplication(input.applicationId, {
        _tag: "RequestBackgroundCheck",
        by: input.operator,
        reference,
      })
      yield* (yield* ApplicationRepository).update(step.after)
      yield* auditApplicationStep(
        input.operator,
        "application.request_background_check",
        input.reason,
        step,
        { reference },
      )
      yield* publish(step.events, step.party)
      return step.after
    }),
  )
})
