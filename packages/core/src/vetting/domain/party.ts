import { Schema } from "effect"
import { PartyId } from "../../shared/ids.ts"
import { Email, Phone } from "../../shared/phone.ts"
import { Instant } from "../../shared/time.ts"

/** A customer (homeowner) asks for help; a provider answers. */
export const PartyKind = Schema.Literals(["customer", "provider"])
export type PartyKind = typeof PartyKind.Type

/** Live and test parties never meet in matching or messaging. */
export const Cohort = Schema.Literals(["live", "test"])
export type Cohort = typeof Cohort.Type

export const Channel = Schema.Literals(["whatsapp", "web", "api", "ops"])
export type Channel = typeof Channel.Type

/** See provider-status.transitions.ts for the allowed moves. */
export const PartyStatus = Schema.Literals(["pending", "active", "inactive", "suspended"])
export type PartyStatus = typeof PartyStatus.Type

export const Profile = Schema.Struct({
  displayName: Schema.optionalKey(Schema.String),
  email: Schema.optionalKey(Email),
  /** Trade categories offered (providers) or of interest (customers): slugs like "plumbing". */
  categories: Schema.Array(Schema.String),
  /** Area codes served (providers) or lived in (customers). */
  serviceAreas: Schema.Array(Schema.String),
  experienceYears: Schema.optionalKey(Schema.Number),
  bio: Schema.optionalKey(Schema.String),
  /** Keys of uploaded evidence in the object store: ID, certificates, photos of work. */
  documents: Schema.Array(Schema.String),
  /** Free-text availability, e.g. "weekdays 08:00-17:00". */
  availability: Schema.optionalKey(Schema.String),
})
export type Profile = typeof Profile.Type

export const emptyProfile: Profile = { categories: [], serviceAreas: [], documents: [] }

export const Party = Schema.Struct({
  id: PartyId,
  kind: PartyKind,
  phone: Phone,
  cohort: Cohort,
  channel: Channel,
  status: PartyStatus,
  profile: Profile,
  createdAt: Instant,
  updatedAt: Instant,
})
export type Party = typeof Party.Type
