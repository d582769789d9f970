import { Effect } from "effect"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { Application } from "../domain/application.ts"
import type * as E from "../domain/vetting.errors.ts"
import type { VettingServices } from "./services.ts"

/** TODO(core): implement. */
export const reapply: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.PartyNotFound
  | E.ProfileIncomplete
  | E.ApplicationAlreadyOpen
  | E.ReapplyLockedOut
  | E.NothingToReapply,
  VettingServices
> = Effect.fn("reapply")(function* (_input: unknown) {
  return yield* Effect.die("not implemented")
})
