import * as fc from "fast-check"
import type { MarketplacePolicy } from "../policy.ts"
import { creditsPreset, subscriptionPreset } from "../presets.ts"

export const arbVettingPolicy: fc.Arbitrary<MarketplacePolicy["vetting"]> = fc.record({
  vetCustomers: fc.boolean(),
  backgroundCheckRequired: fc.boolean(),
  reapplyCooldownDays: fc.oneof(fc.constant(90), fc.integer({ min: 0, max: 400 })),
  minimumCompleteness: fc.integer({ min: 0, max: 100 }),
})

/** A valid policy: one of the presets with the vetting rules, dispatch and currency varied. */
export const arbPolicy: fc.Arbitrary<MarketplacePolicy> = fc
  .record({
    base: fc.constantFrom(subscriptionPreset, creditsPreset),
    brand: fc.constantFrom("Fundi", "FixIt Lagos", "Mama Fundi"),
    vetting: arbVettingPolicy,
    strategy: fc.constantFrom("sequential" as const, "broadcast" as const),
    broadcastSize: fc.integer({ min: 1, max: 20 }),
    offerTtlMinutes: fc.integer({ min: 1, max: 24 * 60 }),
    currency: fc.constantFrom(...(["ZAR", "NGN", "KES", "GHS", "USD"] as const)),
  })
  .map(({ base, brand, vetting, strategy, broadcastSize, offerTtlMinutes, currency }) => ({
    ...base,
    brand,
    vetting,
    dispatch: { strategy, broadcastSize, offerTtlMinutes },
    currency,
  }))
