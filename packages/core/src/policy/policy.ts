import { Schema } from "effect"
import { Email } from "../shared/phone.ts"

const NonNegativeInt = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))
const PositiveInt = Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1))
const Slug = Schema.String.check(
  Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,39}$/u, {
    message: "must be a lower-case slug such as plumbing",
  }),
)

/** Whether the runtime's Intl knows the zone (pure: no I/O, no clock). */
export const isKnownTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone })
    return zone.length > 0
  } catch {
    return false
  }
}

export const BusinessModel = Schema.Literals(["subscription", "credits"])
export type BusinessModel = typeof BusinessModel.Type

export const Urgency = Schema.Literals(["low", "normal", "urgent", "emergency"])
export type Urgency = typeof Urgency.Type

/** An urgency as the homeowner chose it in the chat (its list's titles), for pages and messages. */
export const urgencyLabel: { readonly [U in Urgency]: string } = {
  emergency: "Emergency",
  urgent: "Today",
  normal: "This week",
  low: "No rush",
}

/** An urgency as a phrase after a lead's trade and area: "plumbing in soweto, wanted today". */
export const urgencyPhrase: { readonly [U in Urgency]: string } = {
  emergency: "an emergency",
  urgent: "wanted today",
  normal: "wanted this week",
  low: "no rush",
}

export const Plan = Schema.Struct({
  id: Schema.NonEmptyString,
  name: Schema.NonEmptyString,
  /** Price per month in minor units of the policy currency (0 for Pay-As-Go). */
  monthlyPriceMinor: NonNegativeInt,
  /** Virtual consultations included per month; further ones are paid per call. */
  includedVirtualConsultations: NonNegativeInt,
  /** Discount on paid consultations, in basis points (100 = 1%). */
  consultationDiscountBps: Schema.Number.check(
    Schema.isInt(),
    Schema.isBetween({ minimum: 0, maximum: 10_000 }),
  ),
  aiSuggestions: Schema.Boolean,
})
export type Plan = typeof Plan.Type

/**
 * The marketplace policy: one validated object decides everything that differs between
 * deployments. See DESIGN.md, "The marketplace policy".
 */
export const MarketplacePolicy = Schema.Struct({
  name: Schema.NonEmptyString,
  /** The marketplace's name as people see it in messages ("Fundi", "FixIt Lagos"). */
  brand: Schema.NonEmptyString,
  model: BusinessModel,
  vetting: Schema.Struct({
    /** Whether homeowners (customers) are vetted like providers before they may request help. */
    vetCustomers: Schema.Boolean,
    /** Whether an application needs a passed background check before approval. */
    backgroundCheckRequired: Schema.Boolean,
    /** Days after a failed background check before the applicant may apply again. */
    reapplyCooldownDays: NonNegativeInt,
    /** Least profile completeness (0-100) needed to submit an application. */
    minimumCompleteness: Schema.Number.check(
      Schema.isInt(),
      Schema.isBetween({ minimum: 0, maximum: 100 }),
    ),
  }),
  credits: Schema.Struct({
    /** Lead price in credits: per category (or "*" for any), per urgency. */
    leadPrice: Schema.Record(Schema.String, Schema.Record(Urgency, PositiveInt)),
    /** How many providers may unlock one lead (1 = exclusive). */
    unlocksPerLead: PositiveInt,
    unlockHoldMinutes: PositiveInt,
    /** Price of one credit in minor units of the policy currency. */
    creditPriceMinor: PositiveInt,
    /** Smallest and largest top-up, in credits. */
    topUpMinCredits: PositiveInt,
    topUpMaxCredits: PositiveInt,
    refundReasons: Schema.Array(
      Schema.Literals([
        "invalid_contact",
        "duplicate_request",
        "withdrawn_before_contact",
        "expired",
      ]),
    ),
    /** Hours after the unlock during which a provider may claim a refund (default 168, a week). */
    refundClaimWindowHours: Schema.optionalKey(PositiveInt),
    /** How far apart (hours) two requests may be for the later to count as a duplicate (default 168). */
    duplicateRequestWindowHours: Schema.optionalKey(PositiveInt),
  }),
  dispatch: Schema.Struct({
    strategy: Schema.Literals(["sequential", "broadcast"]),
    broadcastSize: PositiveInt,
    offerTtlMinutes: PositiveInt,
  }),
  subscription: Schema.Struct({
    plans: Schema.Array(Plan),
    /** Days a homeowner has to pay for a newly chosen paid plan (default 7). */
    paymentWindowDays: Schema.optionalKey(PositiveInt),
    /** Days a past-due plan stays open for its renewal payment before it expires (default 7). */
    graceDays: Schema.optionalKey(PositiveInt),
    /** Platform fee on virtual consultations, in basis points of the amount. */
    platformFeeBps: Schema.Number.check(
      Schema.isInt(),
      Schema.isBetween({ minimum: 0, maximum: 10_000 }),
    ),
  }),
  uploads: Schema.Struct({
    /** Largest accepted file (proof of payment, photo, document), in bytes. */
    maxBytes: PositiveInt,
  }),
  currency: Schema.Literals(["ZAR", "NGN", "KES", "GHS", "USD"]),
  /** An IANA time zone ("Africa/Johannesburg"): budget weeks and local times follow it. */
  timeZone: Schema.String.check(
    Schema.makeFilter((zone: string) => isKnownTimeZone(zone), {
      message: "must be an IANA time zone such as Africa/Johannesburg",
    }),
  ),
  /** What homeowners can ask for. Optional, so existing policy files stay valid. */
  catalog: Schema.optionalKey(
    Schema.Struct({
      /** Offered in this order (the WhatsApp list shows the first ten). */
      categories: Schema.Array(Schema.Struct({ id: Slug, name: Schema.NonEmptyString })),
      /**
       * What a virtual consultation booked in a chat lasts and costs (minor units of the
       * policy currency); without it the chat offers in-person visits only.
       */
      virtualConsultation: Schema.optionalKey(
        Schema.Struct({ minutes: PositiveInt, priceMinor: PositiveInt }),
      ),
    }),
  ),
  /** How the operations team is reached. Optional, so existing policy files stay valid. */
  ops: Schema.optionalKey(
    Schema.Struct({
      /** Where alerts go (a request nobody could take, ...); without it ops read the audit log. */
      alertEmail: Schema.optionalKey(Email),
    }),
  ),
})
export type MarketplacePolicy = typeof MarketplacePolicy.Type
