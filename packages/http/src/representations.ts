import {
  type Application,
  ApplicationState,
  type ApplicationView,
  BackgroundCheckResult,
  Channel,
  Cohort,
  type Instant,
  type Party,
  PartyKind,
  PartyStatus,
  type PartyView,
  type Profile,
  toIso,
} from "@fundi/core"
import { Schema } from "effect"

/**
 * What the JSON API returns, as Schemas: the OpenAPI document is generated from them and
 * the serializers below are typed by them, so the document cannot drift from the wire.
 * Every field is always present (null when unset) so clients can rely on the keys; times
 * are ISO-8601 UTC strings.
 */

const Time = Schema.String.annotate({
  format: "date-time",
  description: "ISO-8601 instant in UTC",
})

export const ProfileJson = Schema.Struct({
  displayName: Schema.NullOr(Schema.String),
  email: Schema.NullOr(Schema.String),
  categories: Schema.Array(Schema.String),
  serviceAreas: Schema.Array(Schema.String),
  experienceYears: Schema.NullOr(Schema.Number),
  bio: Schema.NullOr(Schema.String),
  documents: Schema.Array(Schema.String),
  availability: Schema.NullOr(Schema.String),
}).annotate({ identifier: "Profile" })

export const PartyJson = Schema.Struct({
  id: Schema.String,
  kind: PartyKind,
  phone: Schema.String,
  cohort: Cohort,
  channel: Channel,
  status: PartyStatus,
  profile: ProfileJson,
  createdAt: Time,
  updatedAt: Time,
}).annotate({ identifier: "PartySummary" })

export const ApplicationJson = Schema.Struct({
  id: Schema.String,
  partyId: Schema.String,
  role: PartyKind,
  state: ApplicationState,
  completeness: Schema.Number.annotate({
    description: "profile completeness (0-100) when the application was submitted",
  }),
  createdAt: Time,
  submittedAt: Schema.NullOr(Time),
  backgroundCheck: Schema.NullOr(
    Schema.Struct({
      reference: Schema.String,
      requestedAt: Time,
      result: Schema.NullOr(BackgroundCheckResult),
      recordedAt: Schema.NullOr(Time),
    }),
  ),
  decidedAt: Schema.NullOr(Time),
  rejectionReason: Schema.NullOr(Schema.String),
  reapplyAfter: Schema.NullOr(Time).annotate({
    description: "after a rejection: the party may not apply again before this instant",
  }),
  updatedAt: Time,
}).annotate({ identifier: "ApplicationSummary" })

export const PartyResource = Schema.Struct({
  ...PartyJson.fields,
  completeness: Schema.Number.annotate({ description: "profile completeness, 0-100" }),
  leadEligible: Schema.Boolean.annotate({
    description: "true only for an active provider with an approved application",
  }),
  latestApplication: Schema.NullOr(ApplicationJson),
}).annotate({ identifier: "Party" })

export const ApplicationResource = Schema.Struct({
  ...ApplicationJson.fields,
  party: PartyJson,
}).annotate({ identifier: "Application" })

export const ErrorJson = Schema.Struct({
  error: Schema.String.annotate({
    description: "stable snake_case code, e.g. invalid_input, party_not_found",
  }),
  message: Schema.String.annotate({ description: "for people; may change wording" }),
  issues: Schema.optionalKey(
    Schema.Array(
      Schema.Struct({
        path: Schema.String.annotate({ description: "the field, e.g. profile.email" }),
        message: Schema.String,
      }),
    ),
  ),
  until: Schema.optionalKey(Time),
  missing: Schema.optionalKey(Schema.Array(Schema.String)),
  errorId: Schema.optionalKey(Schema.String),
}).annotate({ identifier: "Error" })

export const HealthJson = Schema.Struct({
  status: Schema.Literals(["ok", "unavailable"]),
  reason: Schema.optionalKey(Schema.String),
}).annotate({ identifier: "Health" })

const orNull = <A>(a: A | undefined): A | null => (a === undefined ? null : a)
const isoOrNull = (at: Instant | undefined): string | null => (at === undefined ? null : toIso(at))

export const profileJson = (p: Profile): typeof ProfileJson.Type => ({
  displayName: orNull(p.displayName),
  email: orNull(p.email),
  categories: [...p.categories],
  serviceAreas: [...p.serviceAreas],
  experienceYears: orNull(p.experienceYears),
  bio: orNull(p.bio),
  documents: [...p.documents],
  availability: orNull(p.availability),
})

export const partyJson = (p: Party): typeof PartyJson.Type => ({
  id: p.id,
  kind: p.kind,
  phone: p.phone,
  cohort: p.cohort,
  channel: p.channel,
  status: p.status,
  profile: profileJson(p.profile),
  createdAt: toIso(p.createdAt),
  updatedAt: toIso(p.updatedAt),
})

export const applicationJson = (a: Application): typeof ApplicationJson.Type => ({
  id: a.id,
  partyId: a.partyId,
  role: a.role,
  state: a.state,
  completeness: a.completeness,
  createdAt: toIso(a.createdAt),
  submittedAt: isoOrNull(a.submittedAt),
  backgroundCheck:
    a.backgroundCheck === undefined
      ? null
      : {
          reference: a.backgroundCheck.reference,
          requestedAt: toIso(a.backgroundCheck.requestedAt),
          result: orNull(a.backgroundCheck.result),
          recordedAt: isoOrNull(a.backgroundCheck.recordedAt),
        },
  decidedAt: isoOrNull(a.decidedAt),
  rejectionReason: orNull(a.rejectionReason),
  reapplyAfter: isoOrNull(a.reapplyAfter),
  updatedAt: toIso(a.updatedAt),
})

export const partyResource = (v: PartyView): typeof PartyResource.Type => ({
  ...partyJson(v.party),
  completeness: v.completeness,
  leadEligible: v.leadEligible,
  latestApplication:
    v.latestApplication === undefined ? null : applicationJson(v.latestApplication),
})

export const applicationResource = (v: ApplicationView): typeof ApplicationResource.Type => ({
  ...applicationJson(v.application),
  party: partyJson(v.party),
})
