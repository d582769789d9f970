import { Effect, Result } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { newApplicationId, type PartyId } from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import { canApply, transitionApplication } from "../domain/application.ops.ts"
import type { Application } from "../domain/application.ts"
import { isVetted } from "../domain/party.ops.ts"
import { completeness, missingFields } from "../domain/profile.ops.ts"
import {
  type AlreadyApproved,
  type ApplicationAlreadyOpen,
  NothingToReapply,
  type PartyNotFound,
  type ProfileIncomplete,
  type ReapplyLockedOut,
  VettingNotRequired,
} from "../domain/vetting.errors.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import type { VettingServices } from "./services.ts"
import { audit, inTransaction, latestApplication, lockParty, publish } from "./support.ts"

export type OpenApplicationError =
  | PersistenceUnavailable
  | PartyNotFound
  | ProfileIncomplete
  | ApplicationAlreadyOpen
  | ReapplyLockedOut
  | AlreadyApproved
  | VettingNotRequired

/** What re-applying adds to applying: there must be a rejection to re-apply after. */
export const requireRejection = (
  partyId: PartyId,
  latest: Application | undefined,
): Result.Result<void, NothingToReapply> =>
  latest?.state === "rejected" ? Result.void : Result.fail(new NothingToReapply({ partyId }))

/**
 * Creates an application for the party and submits it, scored by the profile's
 * completeness at this moment, once `precondition` accepts the latest application. The
 * party row is locked first, so two submissions at once cannot both pass the "no open
 * application" rule.
 */
export const openApplication = <X>(
  partyId: PartyId,
  action: "application.submit" | "application.reapply",
  precondition: (partyId: PartyId, latest: Application | undefined) => Result.Result<void, X>,
): Effect.Effect<Application, OpenApplicationError | X, VettingServices> =>
  inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const applications = yield* ApplicationRepository
      const party = yield* lockParty(partyId)
      if (!isVetted(party.kind, policy)) {
        return yield* new VettingNotRequired({ partyId, kind: party.kind })
      }
      const latest = yield* latestApplication(partyId)
      yield* Effect.fromResult(precondition(partyId, latest))
      const at = yield* now
      yield* Effect.fromResult(canApply(latest, at))
      // "Latest" is by createdAt: a new application must sort after the last one even when
      // both fall in the same millisecond (the party row is locked, so this cannot race).
      const createdAt =
        latest !== undefined && latest.createdAt >= at ? ((latest.createdAt + 1) as Instant) : at
      const draft: Application = {
        id: yield* newApplicationId,
        partyId,
        role: party.kind,
        state: "draft",
        completeness: 0,
        createdAt,
        updatedAt: createdAt,
      }
      const [submitted, events] = yield* Effect.fromResult(
        transitionApplication(
          draft,
          {
            _tag: "Submit",
            completeness: completeness(party.kind, party.profile),
            missing: missingFields(party.kind, party.profile),
          },
          policy,
          createdAt,
        ),
      ).pipe(
        // A new draft always accepts Submit: only the profile can make it fail.
        Effect.catchTag("TransitionNotAllowed", (bug) => Effect.die(bug)),
      )
      yield* applications.insert(submitted)
      yield* audit({
        actor: { _tag: "party", partyId },
        action,
        subjectType: "application",
        subjectId: submitted.id,
        details: {
          partyId,
          to: submitted.state,
          completeness: submitted.completeness,
          ...(latest === undefined ? {} : { previousApplicationId: latest.id }),
        },
      })
      yield* publish(events, party)
      return submitted
    }),
  )
