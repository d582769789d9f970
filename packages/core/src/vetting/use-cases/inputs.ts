import { Schema } from "effect"
import { ApplicationId, PartyId } from "../../shared/ids.ts"
import { Email, PhoneInput } from "../../shared/phone.ts"
import { Text as SharedText } from "../../shared/text.ts"
import { ApplicationState, BackgroundCheckResult } from "../domain/application.ts"
import { Channel, Cohort, PartyKind, PartyStatus } from "../domain/party.ts"

/**
 * Input schemas of the vetting use cases: the HTTP API and the CLI validate with these,
 * and the use cases decode with them again, so every entrance gets the same rules.
 */

const Text = (max: number) => SharedText(1, max)
const Slug = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,39}$/u, {
    message: "must be a lower-case slug such as plumbing",
  }),
)

/** The profile fields a party may set; every field optional, lists replace what was there. */
export const ProfilePatch = Schema.Struct({
  displayName: Schema.optionalKey(Text(80)),
  email: Schema.optionalKey(Email),
  categories: Schema.optionalKey(Schema.Array(Slug).check(Schema.isMaxLength(20))),
  serviceAreas: Schema.optionalKey(Schema.Array(Slug).check(Schema.isMaxLength(50))),
  experienceYears: Schema.optionalKey(
    Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: 70 })),
  ),
  bio: Schema.optionalKey(Text(2000)),
  documents: Schema.optionalKey(Schema.Array(Text(300)).check(Schema.isMaxLength(20))),
  availability: Schema.optionalKey(Text(200)),
})
export type ProfilePatch = typeof ProfilePatch.Type

export const OperatorName = Text(80)
export const Reason = Text(1000)

export const SignUpInput = Schema.Struct({
  kind: PartyKind,
  phone: PhoneInput,
  cohort: Schema.optionalKey(Cohort),
  channel: Schema.optionalKey(Channel),
  profile: Schema.optionalKey(ProfilePatch),
})
export type SignUpInput = typeof SignUpInput.Encoded

export const UpdateProfileInput = Schema.Struct({ partyId: PartyId, profile: ProfilePatch })
export type UpdateProfileInput = typeof UpdateProfileInput.Encoded

export const PartyRef = Schema.Struct({ partyId: PartyId })
export type PartyRef = typeof PartyRef.Encoded

/** An operator acting on an application, with a reason for the audit log where it changes things. */
export const ApplicationAction = Schema.Struct({
  applicationId: ApplicationId,
  operator: OperatorName,
  reason: Reason,
})
export type ApplicationAction = typeof ApplicationAction.Encoded

export const RecordBackgroundCheckInput = Schema.Struct({
  applicationId: ApplicationId,
  operator: OperatorName,
  reason: Reason,
  result: BackgroundCheckResult,
  /** The checking service's reference, when ops copy it from a report. */
  reference: Schema.optionalKey(Text(200)),
})
export type RecordBackgroundCheckInput = typeof RecordBackgroundCheckInput.Encoded

export const PartyAction = Schema.Struct({
  partyId: PartyId,
  operator: OperatorName,
  reason: Reason,
})
export type PartyAction = typeof PartyAction.Encoded

const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export const ListApplicationsInput = Schema.Struct({
  states: Schema.optionalKey(Schema.Array(ApplicationState)),
  role: Schema.optionalKey(PartyKind),
  limit: Schema.optionalKey(Limit),
})
export type ListApplicationsInput = typeof ListApplicationsInput.Encoded

export const ListPartiesInput = Schema.Struct({
  kind: Schema.optionalKey(PartyKind),
  status: Schema.optionalKey(PartyStatus),
  cohort: Schema.optionalKey(Cohort),
  limit: Schema.optionalKey(Limit),
})
export type ListPartiesInput = typeof ListPartiesInput.Encoded

export const ApplicationRef = Schema.Struct({ applicationId: ApplicationId })
export type ApplicationRef = typeof ApplicationRef.Encoded

export const ListAuditInput = Schema.Struct({
  subjectId: Schema.optionalKey(Text(100)),
  /** An operator's name, or "party:<id>" / "system:<process>". */
  actorName: Schema.optionalKey(Text(120)),
  action: Schema.optionalKey(Text(80)),
  limit: Schema.optionalKey(Limit),
})
export type ListAuditInput = typeof ListAuditInput.Encoded
