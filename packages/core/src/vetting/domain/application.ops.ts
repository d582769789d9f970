import { Result } from "effect"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { addDays, type Instant } from "../../shared/time.ts"
import {
  type ApplicationCommand,
  type ApplicationCommandTag,
  applicationTransitions,
  openApplicationStates,
} from "./application.transitions.ts"
import type { Application, ApplicationState } from "./application.ts"
import {
  AlreadyApproved,
  ApplicationAlreadyOpen,
  BackgroundCheckNotPassed,
  ProfileIncomplete,
  ReapplyLockedOut,
  TransitionNotAllowed,
} from "./vetting.errors.ts"
import type { VettingEventData } from "./vetting.events.ts"

export type ApplicationTransitionError =
  | TransitionNotAllowed
  | BackgroundCheckNotPassed
  | ProfileIncomplete

export type ApplicationTransition = readonly [Application, ReadonlyArray<VettingEventData>]

/** The ways a command can be refused: every command by the table, two by their guards too. */
export type TransitionErrorOf<C extends ApplicationCommand> =
  | TransitionNotAllowed
  | (C extends { readonly _tag: "Submit" } ? ProfileIncomplete : never)
  | (C extends { readonly _tag: "Approve" } ? BackgroundCheckNotPassed : never)

const applicationStates = Object.keys(applicationTransitions) as ReadonlyArray<ApplicationState>

/** The states from which the table accepts a command, to tell people what would work. */
export const statesAccepting = (command: ApplicationCommandTag): ReadonlyArray<ApplicationState> =>
  applicationStates.filter((state) => applicationTransitions[state][command] !== undefined)

/** Where the table lets `command` lead from `state`; empty when it refuses the command. */
export const applicationTargets = (
  state: ApplicationState,
  command: ApplicationCommandTag,
): ReadonlyArray<ApplicationState> => applicationTransitions[state][command] ?? []

const notAllowed = (application: Application, command: ApplicationCommandTag) =>
  new TransitionNotAllowed({
    entity: "application",
    id: application.id,
    from: application.state,
    command,
    allowedFrom: statesAccepting(command),
  })

/** Whether the table accepts `command` now: checked before asking an outside service. */
export const checkApplicationCommand = (
  application: Application,
  command: ApplicationCommandTag,
): Result.Result<void, TransitionNotAllowed> =>
  applicationTargets(application.state, command).length > 0
    ? Result.void
    : Result.fail(notAllowed(application, command))

export const isApplicationOpen = (application: Application): boolean =>
  openApplicationStates.includes(application.state)

/** The guard on approval: what the background check must show first, if anything. */
const approvalBlocker = (
  application: Application,
  policy: MarketplacePolicy,
): BackgroundCheckNotPassed | undefined => {
  if (!policy.vetting.backgroundCheckRequired) return undefined
  const result = application.backgroundCheck?.result
  if (result === "passed") return undefined
  return new BackgroundCheckNotPassed({
    applicationId: application.id,
    result: application.backgroundCheck === undefined ? "not requested" : (result ?? "pending"),
  })
}

/**
 * Applies one command to an application. The transition table decides which commands a
 * state accepts and where they may lead; the guards here pick the target (a failed check
 * rejects, a passed one stays for approval) and refuse what the policy forbids. The
 * result is checked against the table once more, so no guard can lead anywhere the
 * table does not list.
 */
export const transitionApplication = <C extends ApplicationCommand>(
  application: Application,
  command: C,
  policy: MarketplacePolicy,
  now: Instant,
): Result.Result<ApplicationTransition, TransitionErrorOf<C>> => {
  const targets = applicationTargets(application.state, command._tag)
  if (targets.length === 0) return Result.fail(notAllowed(application, command._tag))
  const base = { at: now, partyId: application.partyId, applicationId: application.id } as const

  const step = ((): Result.Result<ApplicationTransition, ApplicationTransitionError> => {
    const c: ApplicationCommand = command
    switch (c._tag) {
      case "Submit": {
        const minimum = policy.vetting.minimumCompleteness
        if (c.completeness < minimum) {
          return Result.fail(
            new ProfileIncomplete({
              completeness: c.completeness,
              minimum,
              missing: c.missing ?? [],
            }),
          )
        }
        return Result.succeed([
          {
            ...application,
            state: "submitted",
            completeness: c.completeness,
            submittedAt: now,
            updatedAt: now,
          },
          [{ _tag: "ApplicationSubmitted", ...base }],
        ])
      }
      case "StartReview":
        return Result.succeed([
          { ...application, state: "in_review", updatedAt: now },
          [{ _tag: "ApplicationReviewStarted", ...base }],
        ])
      case "RequestBackgroundCheck":
        return Result.succeed([
          {
            ...application,
            state: "background_check",
            backgroundCheck: { reference: c.reference, requestedAt: now },
            updatedAt: now,
          },
          [{ _tag: "BackgroundCheckRequested", ...base, reference: c.reference }],
        ])
      case "RecordBackgroundCheck": {
        const requested = application.backgroundCheck
        const backgroundCheck = {
          reference: c.reference ?? requested?.reference ?? "",
          requestedAt: requested?.requestedAt ?? now,
          result: c.result,
          recordedAt: now,
        }
        const recorded = {
          _tag: "BackgroundCheckRecorded",
          ...base,
          result: c.result,
        } as const
        if (c.result === "passed") {
          return Result.succeed([{ ...application, backgroundCheck, updatedAt: now }, [recorded]])
        }
        const reapplyAfter = addDays(now, policy.vetting.reapplyCooldownDays)
        return Result.succeed([
          {
            ...application,
            state: "rejected",
            backgroundCheck,
            decidedAt: now,
            decidedBy: c.by,
            rejectionReason: c.reason,
            reapplyAfter,
            updatedAt: now,
          },
          [recorded, { _tag: "ApplicationRejected", ...base, reason: c.reason, reapplyAfter }],
        ])
      }
      case "Approve": {
        const blocker = approvalBlocker(application, policy)
        if (blocker !== undefined) return Result.fail(blocker)
        return Result.succeed([
          { ...application, state: "approved", decidedAt: now, decidedBy: c.by, updatedAt: now },
          [{ _tag: "ApplicationApproved", ...base }],
        ])
      }
      case "Reject":
        // An operator's rejection is a judgement, not a failed check: no lockout.
        return Result.succeed([
          {
            ...application,
            state: "rejected",
            decidedAt: now,
            decidedBy: c.by,
            rejectionReason: c.reason,
            updatedAt: now,
          },
          [{ _tag: "ApplicationRejected", ...base, reason: c.reason }],
        ])
    }
  })()

  // The guards only raise the errors TransitionErrorOf<C> lists for their own command.
  return Result.flatMap(step, (transition) =>
    targets.includes(transition[0].state)
      ? Result.succeed(transition)
      : Result.fail(notAllowed(application, command._tag)),
  ) as Result.Result<ApplicationTransition, TransitionErrorOf<C>>
}

/**
 * Whether a party may start a new application, given its latest one: not while one is
 * open, never after approval, and after a failed check only from `reapplyAfter` on
 * (exactly at that instant it may).
 */
export const canApply = (
  latest: Application | undefined,
  now: Instant,
): Result.Result<void, ApplicationAlreadyOpen | ReapplyLockedOut | AlreadyApproved> => {
  if (latest === undefined) return Result.void
  if (isApplicationOpen(latest)) {
    return Result.fail(
      new ApplicationAlreadyOpen({ applicationId: latest.id, state: latest.state }),
    )
  }
  if (latest.state === "approved") {
    return Result.fail(new AlreadyApproved({ partyId: latest.partyId, applicationId: latest.id }))
  }
  if (latest.reapplyAfter !== undefined && now < latest.reapplyAfter) {
    return Result.fail(
      new ReapplyLockedOut({ partyId: latest.partyId, until: latest.reapplyAfter }),
    )
  }
  return Result.void
}
