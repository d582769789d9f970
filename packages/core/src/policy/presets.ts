import type { MarketplacePolicy } from "./policy.ts"

const shared = {
  brand: "Fundi",
  vetting: {
    vetCustomers: false,
    backgroundCheckRequired: true,
    reapplyCooldownDays: 90,
    minimumCompleteness: 60,
  },
  uploads: { maxBytes: 5 * 1024 * 1024 },
  currency: "ZAR",
  timeZone: "Africa/Johannesburg",
  catalog: {
    categories: [
      { id: "plumbing", name: "Plumbing" },
      { id: "electrical", name: "Electrical" },
      { id: "appliance-repair", name: "Appliance repair" },
      { id: "carpentry", name: "Carpentry" },
      { id: "painting", name: "Painting" },
      { id: "roofing", name: "Roofing" },
      { id: "locksmith", name: "Locksmith" },
      { id: "garden", name: "Garden and outdoor" },
      { id: "cleaning", name: "Cleaning" },
      { id: "pest-control", name: "Pest control" },
    ],
  },
} as const

const plans: MarketplacePolicy["subscription"]["plans"] = [
  {
    id: "pay-as-go",
    name: "Pay-As-Go",
    monthlyPriceMinor: 0,
    includedVirtualConsultations: 0,
    consultationDiscountBps: 0,
    aiSuggestions: false,
  },
  {
    id: "premium",
    name: "Premium",
    monthlyPriceMinor: 9_900,
    includedVirtualConsultations: 1,
    consultationDiscountBps: 1_000,
    aiSuggestions: true,
  },
  {
    id: "elite",
    name: "Elite",
    monthlyPriceMinor: 19_900,
    includedVirtualConsultations: 3,
    consultationDiscountBps: 2_000,
    aiSuggestions: true,
  },
]

/** Homeowners subscribe; self-help first, then virtual consultations or visits. */
export const subscriptionPreset: MarketplacePolicy = {
  name: "subscription",
  model: "subscription",
  ...shared,
  credits: {
    leadPrice: { "*": { low: 1, normal: 1, urgent: 1, emergency: 1 } },
    creditPriceMinor: 1_000,
    topUpMinCredits: 5,
    topUpMaxCredits: 1_000,
    unlocksPerLead: 1,
    unlockHoldMinutes: 30,
    refundReasons: ["invalid_contact", "duplicate_request", "withdrawn_before_contact", "expired"],
  },
  dispatch: { strategy: "sequential", broadcastSize: 1, offerTtlMinutes: 15 },
  subscription: { plans, platformFeeBps: 1_500, paymentWindowDays: 7, graceDays: 7 },
  catalog: {
    ...shared.catalog,
    virtualConsultation: { minutes: 30, priceMinor: 25_000 },
  },
}

/** Providers buy credits and spend them to unlock leads. */
export const creditsPreset: MarketplacePolicy = {
  name: "credits",
  model: "credits",
  ...shared,
  credits: {
    leadPrice: {
      "*": { low: 3, normal: 5, urgent: 8, emergency: 12 },
      plumbing: { low: 4, normal: 6, urgent: 10, emergency: 15 },
      electrical: { low: 4, normal: 6, urgent: 10, emergency: 15 },
    },
    creditPriceMinor: 1_000,
    topUpMinCredits: 5,
    topUpMaxCredits: 1_000,
    unlocksPerLead: 3,
    unlockHoldMinutes: 60,
    refundReasons: ["invalid_contact", "duplicate_request", "withdrawn_before_contact", "expired"],
  },
  dispatch: { strategy: "broadcast", broadcastSize: 5, offerTtlMinutes: 120 },
  subscription: { plans, platformFeeBps: 0 },
}

export const presets = { subscription: subscriptionPreset, credits: creditsPreset } as const
export type PresetName = keyof typeof presets
