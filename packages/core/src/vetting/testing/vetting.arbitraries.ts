import * as fc from "fast-check"
import type { ApplicationId, PartyId } from "../../shared/ids.ts"
import {
  arbApplicationId,
  arbEmail,
  arbInstant,
  arbOperatorName,
  arbPartyId,
  arbPhone,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { ApplicationCommand } from "../domain/application.transitions.ts"
import type { Application, ApplicationState, BackgroundCheckRecord } from "../domain/application.ts"
import type { Cohort, Party, PartyKind, PartyStatus, Profile } from "../domain/party.ts"
import type { StatusCommandTag } from "../domain/provider-status.transitions.ts"
import type { ProfilePatch, SignUpInput } from "../use-cases/inputs.ts"

export const partyKinds: ReadonlyArray<PartyKind> = ["customer", "provider"]
export const partyStatuses: ReadonlyArray<PartyStatus> = [
  "pending",
  "active",
  "inactive",
  "suspended",
]
export const applicationStates: ReadonlyArray<ApplicationState> = [
  "draft",
  "submitted",
  "in_review",
  "background_check",
  "approved",
  "rejected",
]

export const arbPartyKind: fc.Arbitrary<PartyKind> = fc.constantFrom(...partyKinds)
export const arbPartyStatus: fc.Arbitrary<PartyStatus> = fc.constantFrom(...partyStatuses)
export const arbCohort: fc.Arbitrary<Cohort> = fc.constantFrom("live", "test")
export const arbApplicationState: fc.Arbitrary<ApplicationState> = fc.constantFrom(
  ...applicationStates,
)

/** Slugs as the input schema wants them, mostly real trades and areas so lists overlap. */
export const arbSlug: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "plumbing",
    "electrical",
    "carpentry",
    "painting",
    "roofing",
    "gauteng",
    "soweto",
  ),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/),
)

const slugs = (maxLength: number) => fc.uniqueArray(arbSlug, { maxLength })

/** What a party may send to update its profile: any subset of the fields. */
export const arbProfilePatch: fc.Arbitrary<ProfilePatch> = fc.record(
  {
    displayName: arbText(80),
    email: arbEmail,
    categories: slugs(6),
    serviceAreas: slugs(8),
    experienceYears: fc.integer({ min: 0, max: 70 }),
    bio: arbText(2000).map((bio) => bio.slice(0, 200)),
    documents: fc.array(
      arbText(300).map((key) => key.slice(0, 40)),
      { maxLength: 5 },
    ),
    availability: arbText(200).map((text) => text.slice(0, 40)),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ProfilePatch>

export const arbProfile: fc.Arbitrary<Profile> = arbProfilePatch.map((patch) => ({
  categories: [],
  serviceAreas: [],
  documents: [],
  ...patch,
}))

export interface PartyOptions {
  readonly kind?: PartyKind
  readonly status?: PartyStatus
  readonly id?: PartyId
}

export const arbParty = (options: PartyOptions = {}): fc.Arbitrary<Party> =>
  fc
    .record({
      id: options.id === undefined ? arbPartyId : fc.constant(options.id),
      kind: options.kind === undefined ? arbPartyKind : fc.constant(options.kind),
      phone: arbPhone,
      cohort: arbCohort,
      channel: fc.constantFrom("whatsapp" as const, "web" as const, "api" as const, "ops" as const),
      status: options.status === undefined ? arbPartyStatus : fc.constant(options.status),
      profile: arbProfile,
      createdAt: arbInstant,
      age: fc.integer({ min: 0, max: 365 * 86_400_000 }),
    })
    .map(({ age, ...party }) => ({ ...party, updatedAt: (party.createdAt + age) as Instant }))

const later = (at: Instant, by: number): Instant => (at + by) as Instant
const gap = fc.integer({ min: 0, max: 30 * 86_400_000 })

export interface ApplicationOptions {
  readonly state?: ApplicationState
  readonly partyId?: PartyId
  readonly role?: PartyKind
  readonly id?: ApplicationId
}

/**
 * An application whose fields fit its state: submitted ones have submittedAt, decided ones
 * decidedAt and decidedBy, rejected ones a reason, and one rejected after a failed check a
 * failed check and a re-application date.
 */
export const arbApplication = (options: ApplicationOptions = {}): fc.Arbitrary<Application> =>
  fc
    .record({
      id: options.id === undefined ? arbApplicationId : fc.constant(options.id),
      partyId: options.partyId === undefined ? arbPartyId : fc.constant(options.partyId),
      role: options.role === undefined ? arbPartyKind : fc.constant(options.role),
      state: options.state === undefined ? arbApplicationState : fc.constant(options.state),
      completeness: fc.integer({ min: 0, max: 100 }),
      createdAt: arbInstant,
      gaps: fc.tuple(gap, gap, gap, gap),
      checkResult: fc.constantFrom(undefined, "passed" as const, "failed" as const),
      decidedBy: arbOperatorName,
      reason: arbText(200),
      cooldownDays: fc.integer({ min: 0, max: 400 }),
    })
    .map(({ gaps, checkResult, decidedBy, reason, cooldownDays, ...base }): Application => {
      const submittedAt = later(base.createdAt, gaps[0])
      const requestedAt = later(submittedAt, gaps[1])
      const recordedAt = later(requestedAt, gaps[2])
      const decidedAt = later(recordedAt, gaps[3])
      const check = (result: "passed" | "failed" | undefined): BackgroundCheckRecord => ({
        reference: `manual-${base.id}`,
        requestedAt,
        ...(result === undefined ? {} : { result, recordedAt }),
      })
      const byState: { readonly [S in ApplicationState]: () => Application } = {
        draft: () => ({ ...base, updatedAt: base.createdAt }),
        submitted: () => ({ ...base, submittedAt, updatedAt: submittedAt }),
        in_review: () => ({ ...base, submittedAt, updatedAt: submittedAt }),
        background_check: () => ({
          ...base,
          submittedAt,
          backgroundCheck: check(checkResult === "failed" ? undefined : checkResult),
          updatedAt: checkResult === "passed" ? recordedAt : requestedAt,
        }),
        approved: () => ({
          ...base,
          submittedAt,
          ...(checkResult === "passed" ? { backgroundCheck: check("passed") } : {}),
          decidedAt,
          decidedBy,
          updatedAt: decidedAt,
        }),
        rejected: () => ({
          ...base,
          submittedAt,
          ...(checkResult === undefined ? {} : { backgroundCheck: check(checkResult) }),
          decidedAt,
          decidedBy,
          rejectionReason: reason,
          ...(checkResult === "failed"
            ? { reapplyAfter: later(decidedAt, cooldownDays * 86_400_000) }
            : {}),
          updatedAt: decidedAt,
        }),
      }
      return byState[base.state]()
    })

/** Any command an application may be given, allowed or not in the state it is in. */
export const arbApplicationCommand: fc.Arbitrary<ApplicationCommand> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 100 }), fc.array(arbSlug, { maxLength: 3 }))
    .map(
      ([completeness, missing]): ApplicationCommand => ({ _tag: "Submit", completeness, missing }),
    ),
  arbOperatorName.map((by): ApplicationCommand => ({ _tag: "StartReview", by })),
  fc
    .tuple(arbOperatorName, arbText(40))
    .map(
      ([by, reference]): ApplicationCommand => ({ _tag: "RequestBackgroundCheck", by, reference }),
    ),
  fc.tuple(arbOperatorName, fc.constantFrom("passed" as const, "failed" as const), arbText(80)).map(
    ([by, result, reason]): ApplicationCommand => ({
      _tag: "RecordBackgroundCheck",
      by,
      result,
      reason,
    }),
  ),
  fc
    .tuple(arbOperatorName, arbText(80))
    .map(([by, reason]): ApplicationCommand => ({ _tag: "Approve", by, reason })),
  fc
    .tuple(arbOperatorName, arbText(80))
    .map(([by, reason]): ApplicationCommand => ({ _tag: "Reject", by, reason })),
)

export const statusCommandTags: ReadonlyArray<StatusCommandTag> = [
  "Activate",
  "Deactivate",
  "Suspend",
  "Reinstate",
]
export const arbStatusCommandTag: fc.Arbitrary<StatusCommandTag> = fc.constantFrom(
  ...statusCommandTags,
)

export const arbSignUpInput = (
  options: { readonly kind?: PartyKind } = {},
): fc.Arbitrary<SignUpInput> =>
  fc.record(
    {
      kind: options.kind === undefined ? arbPartyKind : fc.constant(options.kind),
      phone: arbPhone as fc.Arbitrary<string>,
      cohort: arbCohort,
      channel: fc.constantFrom("whatsapp" as const, "web" as const, "api" as const, "ops" as const),
      profile: arbProfilePatch,
    },
    { requiredKeys: ["kind", "phone"] },
  ) as fc.Arbitrary<SignUpInput>
