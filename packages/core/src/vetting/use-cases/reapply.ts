import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type { NothingToReapply } from "../domain/vetting.errors.ts"
import { PartyRef } from "./inputs.ts"
import { type OpenApplicationError, openApplication, requireRejection } from "./open-application.ts"
import type { VettingServices } from "./services.ts"

/**
 * A rejected party applies again with a new application: allowed from the lockout's end
 * (`reapplyAfter`) after a failed background check, at once after an operator's rejection.
 */
export const reapply: (
  input: unknown,
) => Effect.Effect<
  Application,
  InvalidInput | OpenApplicationError | NothingToReapply,
  VettingServices
> = Effect.fn("reapply")(function* (raw: unknown) {
  const input = yield* decodeInput(PartyRef)(raw)
  return yield* openApplication(input.partyId, "application.reapply", requireRejection)
})
