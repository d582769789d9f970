import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { Application } from "../domain/application.ts"
import { transitionPartyStatus } from "../domain/party.ops.ts"
import type { Party } from "../domain/party.ts"
import type * as E from "../domain/vetting.errors.ts"
import type { VettingEventData } from "../domain/vetting.events.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { ContactBook } from "../ports/contact-book.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import { ApplicationAction } from "./inputs.ts"
import type { VettingServices } from "./services.ts"
import { auditApplicationStep, inTransaction, publish, stepApplication } from "./support.ts"

/**
 * An operator approves an application. The party becomes active (from pending, or from
 * inactive), its phone is added to the business WhatsApp contacts, and it is welcomed.
 * Where the policy requires a background check, approval needs a passed one.
 */
export const approveApplication: (
  input: unknown,
) => Effect.Effect<
  Application,
  | InvalidInput
  | PersistenceUnavailable
  | E.ApplicationNotFound
  | E.PartyNotFound
  | E.TransitionNotAllowed
  | E.BackgroundCheckNotPassed,
  VettingServices
> = Effect.fn("approveApplication")(function* (raw: unknown) {
  const input = yield* decodeInput(ApplicationAction)(raw)
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepApplication(input.applicationId, {
        _tag: "Approve",
        by: input.operator,
        reason: input.reason,
      })
      const at = yield* now
      let party: Party = step.party
      let partyEvents: ReadonlyArray<VettingEventData> = []
      // A suspended party stays suspended: approval does not undo an operator's suspension.
      if (party.status === "pending" || party.status === "inactive") {
        const [activated, events] = yield* Effect.fromResult(
          transitionPartyStatus(
            party,
            { _tag: "Activate", reason: input.reason },
            { policy, latestApplication: step.after },
            at,
          ),
          // The application it is checked against was approved just now.
        ).pipe(Effect.catchTag("ApprovalRequired", (bug) => Effect.die(bug)))
        yield* (yield* PartyRepository).update(activated)
        party = activated
        partyEvents = events
      }
      yield* (yield* ApplicationRepository).update(step.after)
      yield* (yield* ContactBook).add({
        partyId: party.id,
        phone: party.phone,
        name: party.profile.displayName ?? party.phone,
        addedAt: at,
      })
      yield* auditApplicationStep(input.operator, "application.approve", input.reason, step, {
        party: { from: step.party.status, to: party.status },
        contactAdded: true,
      })
      yield* publish([...step.events, ...partyEvents], party)
      return step.after
    }),
  )
})
