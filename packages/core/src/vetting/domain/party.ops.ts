import { Result } from "effect"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Instant } from "../../shared/time.ts"
import type { Application } from "./application.ts"
import type { Party, PartyKind, PartyStatus } from "./party.ts"
import { type StatusCommandTag, statusTransitions } from "./provider-status.transitions.ts"
import { ApprovalRequired, TransitionNotAllowed } from "./vetting.errors.ts"
import type { VettingEventData } from "./vetting.events.ts"

export interface StatusCommand {
  readonly _tag: StatusCommandTag
  readonly reason: string
}

/** Providers are always vetted; homeowners only where the policy says so. */
export const isVetted = (kind: PartyKind, policy: MarketplacePolicy): boolean =>
  kind === "provider" || policy.vetting.vetCustomers

/** A vetted party waits for approval; anyone else may use the marketplace at once. */
export const initialStatus = (kind: PartyKind, policy: MarketplacePolicy): PartyStatus =>
  isVetted(kind, policy) ? "pending" : "active"

const partyStatuses = Object.keys(statusTransitions) as ReadonlyArray<PartyStatus>

/** The statuses from which the table accepts a command. */
export const statusesAccepting = (command: StatusCommandTag): ReadonlyArray<PartyStatus> =>
  partyStatuses.filter((status) => statusTransitions[status][command] !== undefined)

export type PartyTransition = readonly [Party, ReadonlyArray<VettingEventData>]

/**
 * Moves a party's status as the table allows. Whatever the command, a vetted party enters
 * `active` only when its latest application is approved: the gate that keeps unvetted
 * providers away from leads.
 */
export const transitionPartyStatus = (
  party: Party,
  command: StatusCommand,
  context: {
    readonly policy: MarketplacePolicy
    readonly latestApplication: Application | undefined
  },
  now: Instant,
): Result.Result<PartyTransition, TransitionNotAllowed | ApprovalRequired> => {
  const to = statusTransitions[party.status][command._tag]
  if (to === undefined) {
    return Result.fail(
      new TransitionNotAllowed({
        entity: "party",
        id: party.id,
        from: party.status,
        command: command._tag,
        allowedFrom: statusesAccepting(command._tag),
      }),
    )
  }
  const latest = context.latestApplication
  if (
    to === "active" &&
    isVetted(party.kind, context.policy) &&
    !(latest?.state === "approved" && latest.partyId === party.id)
  ) {
    return Result.fail(
      new ApprovalRequired({ partyId: party.id, applicationState: latest?.state ?? "none" }),
    )
  }
  return Result.succeed([
    { ...party, status: to, updatedAt: now },
    [
      {
        _tag: "PartyStatusChanged",
        at: now,
        partyId: party.id,
        from: party.status,
        to,
        reason: command.reason,
      },
    ],
  ])
}

/**
 * Whether a party may receive leads: a provider, active, whose latest application is
 * approved. Suspension, deactivation, a pending or rejected application all shut it out.
 */
export const isLeadEligible = (party: Party, latestApplication: Application | undefined): boolean =>
  party.kind === "provider" &&
  party.status === "active" &&
  latestApplication !== undefined &&
  latestApplication.partyId === party.id &&
  latestApplication.state === "approved"
