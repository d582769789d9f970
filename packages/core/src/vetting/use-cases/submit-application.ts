import { Effect, Result } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import { PartyRef } from "./inputs.ts"
import { type OpenApplicationError, openApplication } from "./open-application.ts"
import type { VettingServices } from "./services.ts"

/**
 * A party applies to be vetted. Refused while an application is open, after approval,
 * during a lockout after a failed check, or while the profile is less complete than the
 * policy's minimum.
 */
export const submitApplication: (
  input: unknown,
) => Effect.Effect<Application, InvalidInput | OpenApplicationError, VettingServices> = Effect.fn(
  "submitApplication",
)(function* (raw: unknown) {
  const input = yield* decodeInput(PartyRef)(raw)
  return yield* openApplication(input.partyId, "application.submit", () => Result.void)
})
