import { Schema } from "effect"
import { OfferId, PartyId, TopUpId } from "../../shared/ids.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { TopUpMethod, TopUpState } from "../domain/top-up.ts"

const Credits = Schema.Number.check(
  Schema.isInt(),
  Schema.isBetween({ minimum: 1, maximum: 1_000_000 }),
)
/** Money in minor units, as a bigint or a string of digits (JSON has no bigint). */
const MinorUnits = Schema.Union([
  Schema.BigInt,
  Schema.String.check(
    Schema.isPattern(/^[0-9]{1,18}$/u, { message: "must be a whole number of minor units" }),
  ),
])
const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export const CreateTopUpInput = Schema.Struct({
  partyId: PartyId,
  credits: Credits,
  method: TopUpMethod,
})
export type CreateTopUpInput = typeof CreateTopUpInput.Encoded

/** The proof's bytes come from an upload, not JSON: the use case takes them as they are. */
export const SubmitTopUpProofInput = Schema.Struct({
  topUpId: TopUpId,
  partyId: PartyId,
  bytes: Schema.Uint8Array,
})
export type SubmitTopUpProofInput = typeof SubmitTopUpProofInput.Encoded

export const TopUpAction = Schema.Struct({
  topUpId: TopUpId,
  operator: OperatorName,
  reason: Reason,
})
export type TopUpAction = typeof TopUpAction.Encoded

export const TopUpRef = Schema.Struct({ topUpId: TopUpId })
export type TopUpRef = typeof TopUpRef.Encoded

export const ListTopUpsInput = Schema.Struct({
  states: Schema.optionalKey(Schema.Array(TopUpState)),
  partyId: Schema.optionalKey(PartyId),
  limit: Schema.optionalKey(Limit),
})
export type ListTopUpsInput = typeof ListTopUpsInput.Encoded

export const WalletRef = Schema.Struct({ partyId: PartyId })
export type WalletRef = typeof WalletRef.Encoded

export const StatementInput = Schema.Struct({
  partyId: PartyId,
  wallet: Schema.Literals(["credits", "earnings"]),
  limit: Schema.optionalKey(Limit),
  offset: Schema.optionalKey(Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(0))),
})
export type StatementInput = typeof StatementInput.Encoded

export const SetWeeklyBudgetInput = Schema.Struct({
  partyId: PartyId,
  /** null removes the budget. */
  weeklyCreditBudget: Schema.NullOr(Credits),
})
export type SetWeeklyBudgetInput = typeof SetWeeklyBudgetInput.Encoded

/** Spending credits on something (a lead unlock): checks the weekly budget and the balance. */
export const SpendCreditsInput = Schema.Struct({
  partyId: PartyId,
  credits: Credits,
  /** Idempotency key: the same key never spends twice. */
  transferId: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
  leadId: Schema.optionalKey(Schema.String),
  requestId: Schema.optionalKey(Schema.String),
})
export type SpendCreditsInput = typeof SpendCreditsInput.Encoded

export const AdjustCreditsInput = Schema.Struct({
  partyId: PartyId,
  credits: Credits,
  operator: OperatorName,
  reason: Reason,
  /** Idempotency key for retries of the same command; one is made when absent. */
  idempotencyKey: Schema.optionalKey(
    Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(100)),
  ),
  /** The lead (offer) the adjustment is about, e.g. a refund for an invalid lead. */
  leadId: Schema.optionalKey(OfferId),
})
export type AdjustCreditsInput = typeof AdjustCreditsInput.Encoded

export const ConsultationPayoutInput = Schema.Struct({
  partyId: PartyId,
  consultationId: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(100)),
  grossMinor: MinorUnits,
})
export type ConsultationPayoutInput = typeof ConsultationPayoutInput.Encoded

export const EarningsPayoutInput = Schema.Struct({
  partyId: PartyId,
  amountMinor: MinorUnits,
  operator: OperatorName,
  reason: Reason,
  idempotencyKey: Schema.optionalKey(
    Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(100)),
  ),
})
export type EarningsPayoutInput = typeof EarningsPayoutInput.Encoded

/** A provider acting on its own top-up. */
export const TopUpOwnerRef = Schema.Struct({ topUpId: TopUpId, partyId: PartyId })
export type TopUpOwnerRef = typeof TopUpOwnerRef.Encoded
