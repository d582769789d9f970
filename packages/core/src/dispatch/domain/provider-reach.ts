import { Schema } from "effect"
import { PartyId } from "../../shared/ids.ts"
import { GeoPoint, TimeWindow } from "./service-request.ts"

/**
 * When a provider takes work, kept deliberately simple: `always`, or the windows the
 * provider has published (absolute instants, like a shared calendar). Recurring weekly
 * hours can be expanded into windows by whoever stores them.
 */
export const ProviderAvailability = Schema.Union([
  Schema.TaggedStruct("always", {}),
  Schema.TaggedStruct("windows", { windows: Schema.Array(TimeWindow) }),
])
export type ProviderAvailability = typeof ProviderAvailability.Type

/** What matching needs to know about a provider beyond the vetted profile. */
export const ProviderReach = Schema.Struct({
  providerId: PartyId,
  /** Where the provider works from and how far they travel; areas in the profile count too. */
  base: Schema.optionalKey(
    Schema.Struct({
      point: GeoPoint,
      radiusKm: Schema.Number.check(Schema.isGreaterThanOrEqualTo(0)),
    }),
  ),
  availability: ProviderAvailability,
  /** Most jobs the provider takes at once (assigned, not yet completed). */
  maxOpenAssignments: Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1)),
})
export type ProviderReach = typeof ProviderReach.Type

/**
 * Until a provider publishes their reach, matching treats them as covering the areas of
 * their profile, available at any time, and taking up to this many jobs at once.
 */
export const defaultMaxOpenAssignments = 3

export const defaultReach = (providerId: PartyId): ProviderReach => ({
  providerId,
  availability: { _tag: "always" },
  maxOpenAssignments: defaultMaxOpenAssignments,
})
