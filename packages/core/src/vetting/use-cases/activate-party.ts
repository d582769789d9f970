import { Effect } from "effect"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Party } from "../domain/party.ts"
import type * as E from "../domain/vetting.errors.ts"
import type { VettingServices } from "./services.ts"

/** TODO(core): implement. */
export const activateParty: (
  input: unknown,
) => Effect.Effect<
  Party,
  InvalidInput | PersistenceUnavailable | E.PartyNotFound | E.TransitionNotAllowed,
  VettingServices
> = Effect.fn("activateParty")(function* (_input: unknown) {
  return yield* Effect.die("not implemented")
})
