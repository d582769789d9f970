import { Effect } from "effect"
import type { Party } from "../domain/party.ts"
import { type ChangePartyStatusError, changePartyStatus } from "./change-party-status.ts"
import type { VettingServices } from "./services.ts"

/**
 * An operator activates a party: back from a break (inactive), or a pending one whose
 * approval is on record. A vetted party needs an approved latest application.
 */
export const activateParty: (
  input: unknown,
) => Effect.Effect<Party, ChangePartyStatusError, VettingServices> = Effect.fn("activateParty")(
  function* (raw: unknown) {
    return yield* changePartyStatus("Activate")(raw)
  },
)
