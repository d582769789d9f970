import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../domain/party.ts"
import { applyProfilePatch, completeness } from "../domain/profile.ops.ts"
import type { PartyNotFound } from "../domain/vetting.errors.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import { UpdateProfileInput } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { audit, inTransaction, lockParty } from "./support.ts"

/** A party sets some of its profile fields; the others stay as they were. */
export const updateProfile: (
  input: unknown,
) => Effect.Effect<Party, InvalidInput | PersistenceUnavailable | PartyNotFound, VettingServices> =
  Effect.fn("updateProfile")(function* (raw: unknown) {
    const input = yield* decodeInput(UpdateProfileInput)(raw)
    return yield* inTransaction(
      Effect.gen(function* () {
        const parties = yield* PartyRepository
        const party = yield* lockParty(input.partyId)
        const updated: Party = {
          ...party,
          profile: applyProfilePatch(party.profile, input.profile),
          updatedAt: yield* now,
        }
        yield* parties.update(updated)
        yield* audit({
          actor: { _tag: "party", partyId: party.id },
          action: "party.update_profile",
          subjectType: "party",
          subjectId: party.id,
          details: {
            fields: Object.keys(input.profile),
            completeness: {
              from: completeness(party.kind, party.profile),
              to: completeness(updated.kind, updated.profile),
            },
          },
        })
        return updated
      }),
    )
  })
