import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { transitionPartyStatus } from "../domain/party.ops.ts"
import type { Party } from "../domain/party.ts"
import type { StatusCommandTag } from "../domain/provider-status.transitions.ts"
import type * as E from "../domain/vetting.errors.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import { PartyAction } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { audit, inTransaction, latestApplication, lockParty, publish } from "./support.ts"

export type ChangePartyStatusError =
  | InvalidInput
  | PersistenceUnavailable
  | E.PartyNotFound
  | E.TransitionNotAllowed
  | E.ApprovalRequired

const actions: { readonly [C in StatusCommandTag]: string } = {
  Activate: "party.activate",
  Deactivate: "party.deactivate",
  Suspend: "party.suspend",
  Reinstate: "party.reinstate",
}

/** An operator moves a party's status as the status table allows, with a reason. */
export const changePartyStatus =
  (command: StatusCommandTag) =>
  (raw: unknown): Effect.Effect<Party, ChangePartyStatusError, VettingServices> =>
    Effect.gen(function* () {
      const input = yield* decodeInput(PartyAction)(raw)
      const policy = yield* Policy
      return yield* inTransaction(
        Effect.gen(function* () {
          const party = yield* lockParty(input.partyId)
          const [changed, events] = yield* Effect.fromResult(
            transitionPartyStatus(
              party,
              { _tag: command, reason: input.reason },
              { policy, latestApplication: yield* latestApplication(party.id) },
              yield* now,
            ),
          )
          yield* (yield* PartyRepository).update(changed)
          yield* audit({
            actor: { _tag: "operator", name: input.operator },
            action: actions[command],
            subjectType: "party",
            subjectId: party.id,
            reason: input.reason,
            details: { from: party.status, to: changed.status },
          })
          yield* publish(events, changed)
          return changed
        }),
      )
    })
