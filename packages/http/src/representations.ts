import {
  type Application,
  ApplicationState,
  type ApplicationView,
  BackgroundCheckResult,
  Channel,
  Cohort,
  type Instant,
  LedgerUnit,
  type Party,
  PartyKind,
  PartyStatus,
  type PartyView,
  type Profile,
  type StatementLine,
  StoredContentType,
  type TopUp,
  TopUpMethod,
  TopUpState,
  type TopUpView,
  TransferReason,
  toIso,
  type WalletView,
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
  balance: Schema.optionalKey(
    Schema.String.annotate({ description: "insufficient_funds: what the wallet holds" }),
  ),
  requested: Schema.optionalKey(
    Schema.String.annotate({ description: "insufficient_funds: what was needed" }),
  ),
  unit: Schema.optionalKey(
    Schema.String.annotate({ description: "insufficient_funds: CREDIT or a currency" }),
  ),
  resetsAt: Schema.optionalKey(
    Time.annotate({ description: "weekly_budget_exceeded: when the budget week starts again" }),
  ),
  detected: Schema.optionalKey(
    Schema.String.annotate({ description: "unsupported_content: the type the bytes are" }),
  ),
  allowed: Schema.optionalKey(Schema.Array(Schema.String)),
  limit: Schema.optionalKey(
    Schema.Int.annotate({ description: "content_too_large: the largest accepted file, in bytes" }),
  ),
}).annotate({ identifier: "Error" })

// ---- wallets and top-ups ----
// Ledger amounts are 64-bit integers: JSON numbers cannot hold them exactly, so they travel
// as strings of digits ("12500" minor units, "-5" credits) next to their currency or unit.

const Digits = (description: string) =>
  Schema.String.annotate({ description: `${description}; digits, with a leading - when negative` })

export const WalletResource = Schema.Struct({
  partyId: Schema.String,
  currency: Schema.String.annotate({ description: "ISO 4217 code of earnings, e.g. ZAR" }),
  credits: Digits("credit balance, a whole number as a string"),
  earningsMinor: Digits("earnings not yet paid out, in minor units of `currency`"),
  weeklyCreditBudget: Schema.NullOr(Schema.Int).annotate({
    description: "most credits the provider spends per week; null means no limit",
  }),
  spentThisWeek: Schema.Int.annotate({ description: "credits spent in the current week" }),
  weekEndsAt: Time.annotate({ description: "when the budget week ends and spending resets" }),
}).annotate({ identifier: "Wallet" })

const LinksJson = Schema.Struct({
  requestId: Schema.NullOr(Schema.String),
  leadId: Schema.NullOr(Schema.String),
  jobId: Schema.NullOr(Schema.String),
  topUpId: Schema.NullOr(Schema.String),
  consultationId: Schema.NullOr(Schema.String),
})

export const StatementLineJson = Schema.Struct({
  transferId: Schema.String,
  at: Time,
  reason: TransferReason,
  unit: LedgerUnit,
  change: Digits("positive when the wallet was credited, negative when debited"),
  balanceAfter: Digits("the balance after this movement"),
  memo: Schema.NullOr(Schema.String),
  links: LinksJson,
}).annotate({ identifier: "StatementLine" })

export const StatementResource = Schema.Struct({
  partyId: Schema.String,
  wallet: Schema.Literals(["credits", "earnings"]),
  lines: Schema.Array(StatementLineJson).annotate({ description: "newest first" }),
}).annotate({ identifier: "Statement" })

export const ProofJson = Schema.Struct({
  contentType: StoredContentType.annotate({ description: "detected from the bytes" }),
  size: Schema.Int.annotate({ description: "bytes" }),
  sha256: Schema.String,
  uploadedAt: Time,
}).annotate({ identifier: "ProofOfPayment" })

export const TopUpJson = Schema.Struct({
  id: Schema.String,
  partyId: Schema.String,
  reference: Schema.String.annotate({
    description: "write this on the bank transfer: ops match statements to top-ups by it",
  }),
  method: TopUpMethod,
  state: TopUpState,
  credits: Schema.Int,
  amountMinor: Digits("the price, in minor units of `currency`"),
  currency: Schema.String,
  proof: Schema.NullOr(ProofJson),
  createdAt: Time,
  decidedAt: Schema.NullOr(Time),
  rejectionReason: Schema.NullOr(Schema.String),
  updatedAt: Time,
}).annotate({ identifier: "TopUpSummary" })

export const TopUpResource = Schema.Struct({
  ...TopUpJson.fields,
  party: PartyJson,
}).annotate({ identifier: "TopUp" })

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

export const walletResource = (w: WalletView): typeof WalletResource.Type => ({
  partyId: w.party.id,
  currency: w.currency,
  credits: w.credits.toString(),
  earningsMinor: w.earningsMinor.toString(),
  weeklyCreditBudget: orNull(w.weeklyCreditBudget),
  spentThisWeek: w.spentThisWeek,
  weekEndsAt: new Date(w.weekEndsAt).toISOString(),
})

export const statementLineJson = (l: StatementLine): typeof StatementLineJson.Type => ({
  transferId: l.transfer.id,
  at: toIso(l.transfer.createdAt),
  reason: l.transfer.reason,
  unit: l.transfer.unit,
  change: l.change.toString(),
  balanceAfter: l.balanceAfter.toString(),
  memo: orNull(l.transfer.memo),
  links: {
    requestId: orNull(l.transfer.links.requestId),
    leadId: orNull(l.transfer.links.leadId),
    jobId: orNull(l.transfer.links.jobId),
    topUpId: orNull(l.transfer.links.topUpId),
    consultationId: orNull(l.transfer.links.consultationId),
  },
})

/** The storage key stays inside: clients identify a proof by its hash, not by where it lies. */
export const topUpJson = (t: TopUp): typeof TopUpJson.Type => ({
  id: t.id,
  partyId: t.partyId,
  reference: t.reference,
  method: t.method,
  state: t.state,
  credits: t.credits,
  amountMinor: t.amountMinor.toString(),
  currency: t.currency,
  proof:
    t.proof === undefined
      ? null
      : {
          contentType: t.proof.contentType,
          size: t.proof.size,
          sha256: t.proof.sha256,
          uploadedAt: toIso(t.proof.uploadedAt),
        },
  createdAt: toIso(t.createdAt),
  decidedAt: isoOrNull(t.decidedAt),
  rejectionReason: orNull(t.rejectionReason),
  updatedAt: toIso(t.updatedAt),
})

export const topUpResource = (v: TopUpView): typeof TopUpResource.Type => ({
  ...topUpJson(v.topUp),
  party: partyJson(v.party),
})
