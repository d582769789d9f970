import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Email } from "../../shared/phone.ts"
import { arbPartyKind, arbProfile, arbProfilePatch } from "../testing/vetting.arbitraries.ts"
import type { Profile } from "./party.ts"
import { emptyProfile } from "./party.ts"
import {
  applyProfilePatch,
  completeness,
  isFilled,
  missingFields,
  type ProfileField,
  profileWeights,
} from "./profile.ops.ts"

const fields = Object.keys(profileWeights.provider) as ReadonlyArray<ProfileField>

describe("profile completeness", () => {
  it("weighs each kind's fields to exactly 100", () => {
    for (const weights of Object.values(profileWeights)) {
      expect(Object.values(weights).reduce((a, b) => a + b, 0)).toBe(100)
    }
  })

  it("is an integer within 0..100 for any profile", () => {
    fc.assert(
      fc.property(arbPartyKind, arbProfile, (kind, profile) => {
        const score = completeness(kind, profile)
        expect(Number.isInteger(score)).toBe(true)
        expect(score).toBeGreaterThanOrEqual(0)
        expect(score).toBeLessThanOrEqual(100)
      }),
    )
  })

  it("is 0 for an empty profile and 100 once every field is filled", () => {
    const full: Profile = {
      displayName: "Sipho Dube",
      email: "sipho@example.com" as Email,
      categories: ["plumbing"],
      serviceAreas: ["soweto"],
      experienceYears: 0,
      bio: "Geysers and burst pipes",
      documents: ["id.pdf"],
      availability: "weekdays",
    }
    fc.assert(
      fc.property(arbPartyKind, (kind) => {
        expect(completeness(kind, emptyProfile)).toBe(0)
        expect(completeness(kind, full)).toBe(100)
        expect(missingFields(kind, full)).toEqual([])
      }),
    )
  })

  it("never falls when absent fields are added", () => {
    fc.assert(
      fc.property(arbPartyKind, arbProfile, arbProfilePatch, (kind, profile, patch) => {
        const additions = Object.fromEntries(
          Object.entries(patch).filter(([field]) => !isFilled(profile, field as ProfileField)),
        )
        const grown = applyProfilePatch(profile, additions)
        expect(completeness(kind, grown)).toBeGreaterThanOrEqual(completeness(kind, profile))
      }),
    )
  })

  it("rises by exactly the weight of a field when it is filled", () => {
    fc.assert(
      fc.property(arbPartyKind, arbProfile, arbProfile, (kind, profile, donor) => {
        for (const field of fields) {
          if (isFilled(profile, field) || !isFilled(donor, field)) continue
          const grown = applyProfilePatch(profile, { [field]: donor[field] })
          expect(completeness(kind, grown) - completeness(kind, profile)).toBe(
            profileWeights[kind][field],
          )
        }
      }),
    )
  })

  it("lists as missing exactly the weighted fields not filled, heaviest first", () => {
    fc.assert(
      fc.property(arbPartyKind, arbProfile, (kind, profile) => {
        const missing = missingFields(kind, profile)
        const weights = missing.map((field) => profileWeights[kind][field])
        expect(weights).toEqual([...weights].sort((a, b) => b - a))
        expect(100 - weights.reduce((a, b) => a + b, 0)).toBe(completeness(kind, profile))
        expect(missing.every((field) => !isFilled(profile, field))).toBe(true)
      }),
    )
  })

  it("counts blank text as not filled", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\s*$/), (blank) => {
        expect(completeness("customer", { ...emptyProfile, displayName: blank })).toBe(0)
      }),
    )
  })
})
