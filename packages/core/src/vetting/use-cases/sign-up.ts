import { Effect, Option } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { newPartyId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { initialStatus } from "../domain/party.ops.ts"
import { emptyProfile, type Party } from "../domain/party.ts"
import { applyProfilePatch, completeness } from "../domain/profile.ops.ts"
import { PhoneAlreadyRegistered } from "../domain/vetting.errors.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import { SignUpInput } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { audit, inTransaction, publish } from "./support.ts"

/**
 * A provider or homeowner joins. Providers (and homeowners where the policy vets them)
 * start `pending` until an application is approved; anyone else is `active` at once.
 */
export const signUp: (
  input: unknown,
) => Effect.Effect<
  Party,
  InvalidInput | PersistenceUnavailable | PhoneAlreadyRegistered,
  VettingServices
> = Effect.fn("signUp")(function* (raw: unknown) {
  const input = yield* decodeInput(SignUpInput)(raw)
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const parties = yield* PartyRepository
      const taken = yield* parties.findByPhone(input.phone)
      if (Option.isSome(taken)) {
        return yield* new PhoneAlreadyRegistered({ phone: input.phone, partyId: taken.value.id })
      }
      const at = yield* now
      const party: Party = {
        id: yield* newPartyId,
        kind: input.kind,
        phone: input.phone,
        cohort: input.cohort ?? "live",
        channel: input.channel ?? "api",
        status: initialStatus(input.kind, policy),
        profile: applyProfilePatch(emptyProfile, input.profile ?? {}),
        createdAt: at,
        updatedAt: at,
      }
      yield* parties.insert(party)
      yield* audit({
        actor: { _tag: "party", partyId: party.id },
        action: "party.sign_up",
        subjectType: "party",
        subjectId: party.id,
        details: {
          kind: party.kind,
          to: party.status,
          completeness: completeness(party.kind, party.profile),
        },
      })
      yield* publish([{ _tag: "PartySignedUp", at, partyId: party.id }], party)
      return party
    }),
  )
})
