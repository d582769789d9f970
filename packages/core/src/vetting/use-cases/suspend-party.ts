import { Effect } from "effect"
import type { Party } from "../domain/party.ts"
import { type ChangePartyStatusError, changePartyStatus } from "./change-party-status.ts"
import type { VettingServices } from "./services.ts"

/** An operator suspends an active party, with a reason it is told: no leads until reinstated. */
export const suspendParty: (
  input: unknown,
) => Effect.Effect<Party, ChangePartyStatusError, VettingServices> = Effect.fn("suspendParty")(
  function* (raw: unknown) {
    return yield* changePartyStatus("Suspend")(raw)
  },
)
