import type { PartyKind, Profile } from "./party.ts"

export type ProfileField = Exclude<keyof Profile, never>

/**
 * How much each profile field counts towards completeness, per kind of party; each row
 * sums to 100. Providers are judged on what a homeowner and ops need to trust them with a
 * job: what they do and where (categories, areas: 20 each), who they are (name 15,
 * documents such as ID and certificates 15), their track record (experience, bio: 10
 * each), and how to reach and book them (availability, email: 5 each). Homeowners need
 * little: a name and where they live (35 each), an email for receipts (20) and the
 * kinds of help they expect to want (10).
 */
export const profileWeights: {
  readonly [K in PartyKind]: { readonly [F in ProfileField]: number }
} = {
  provider: {
    categories: 20,
    serviceAreas: 20,
    displayName: 15,
    documents: 15,
    experienceYears: 10,
    bio: 10,
    availability: 5,
    email: 5,
  },
  customer: {
    displayName: 35,
    serviceAreas: 35,
    email: 20,
    categories: 10,
    experienceYears: 0,
    bio: 0,
    documents: 0,
    availability: 0,
  },
}

/** A field counts once it holds something: text that is not blank, a non-empty list, a number. */
export const isFilled = (profile: Profile, field: ProfileField): boolean => {
  const value = profile[field]
  if (value === undefined) return false
  if (typeof value === "string") return value.trim().length > 0
  if (typeof value === "number") return true
  return value.length > 0
}

const fieldsByWeight = (kind: PartyKind): ReadonlyArray<ProfileField> =>
  (Object.keys(profileWeights[kind]) as Array<ProfileField>)
    .filter((field) => profileWeights[kind][field] > 0)
    .sort((a, b) => profileWeights[kind][b] - profileWeights[kind][a])

/** Profile completeness, 0 to 100: the sum of the weights of the filled fields. */
export const completeness = (kind: PartyKind, profile: Profile): number =>
  fieldsByWeight(kind).reduce(
    (sum, field) => sum + (isFilled(profile, field) ? profileWeights[kind][field] : 0),
    0,
  )

/** The fields that would raise completeness, heaviest first: what to ask the party for next. */
export const missingFields = (kind: PartyKind, profile: Profile): ReadonlyArray<ProfileField> =>
  fieldsByWeight(kind).filter((field) => !isFilled(profile, field))

/** A patch sets the fields it names; lists replace the old list; absent fields stay. */
export const applyProfilePatch = (profile: Profile, patch: Partial<Profile>): Profile => ({
  ...profile,
  ...patch,
})
