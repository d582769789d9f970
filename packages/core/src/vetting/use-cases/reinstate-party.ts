import { Effect } from "effect"
import type { Party } from "../domain/party.ts"
import { type ChangePartyStatusError, changePartyStatus } from "./change-party-status.ts"
import type { VettingServices } from "./services.ts"

/** An operator lifts a suspension: the party is active again and is told so. */
export const reinstateParty: (
  input: unknown,
) => Effect.Effect<Party, ChangePartyStatusError, VettingServices> = Effect.fn("reinstateParty")(
  function* (raw: unknown) {
    return yield* changePartyStatus("Reinstate")(raw)
  },
)
