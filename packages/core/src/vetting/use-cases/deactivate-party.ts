import { Effect } from "effect"
import type { Party } from "../domain/party.ts"
import { type ChangePartyStatusError, changePartyStatus } from "./change-party-status.ts"
import type { VettingServices } from "./services.ts"

/** An active party takes a break (inactive): no leads until it is activated again. */
export const deactivateParty: (
  input: unknown,
) => Effect.Effect<Party, ChangePartyStatusError, VettingServices> = Effect.fn("deactivateParty")(
  function* (raw: unknown) {
    return yield* changePartyStatus("Deactivate")(raw)
  },
)
