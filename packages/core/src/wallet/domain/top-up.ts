import { Schema } from "effect"
import { TopUpId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"
import { StoredContentType } from "../../storage/ports/object-store.ts"

export const TopUpMethod = Schema.Literals(["eft_proof", "card"])
export type TopUpMethod = typeof TopUpMethod.Type

export const TopUpState = Schema.Literals([
  "awaiting_proof",
  "proof_submitted",
  "approved",
  "rejected",
  "cancelled",
])
export type TopUpState = typeof TopUpState.Type

export const ProofOfPayment = Schema.Struct({
  key: Schema.String,
  contentType: StoredContentType,
  size: Schema.Number,
  sha256: Schema.String,
  uploadedAt: Instant,
})
export type ProofOfPayment = typeof ProofOfPayment.Type

/**
 * A provider's intent to buy credits. The reference (e.g. "FND-7K3Q9X") is what the
 * provider writes on the bank transfer, so ops can match bank statements to intents.
 */
export const TopUp = Schema.Struct({
  id: TopUpId,
  partyId: Schema.String,
  reference: Schema.String,
  method: TopUpMethod,
  credits: Schema.Number,
  /** Price in minor units of `currency`: credits x policy.credits.creditPriceMinor. */
  amountMinor: Schema.BigInt,
  currency: Schema.String,
  state: TopUpState,
  proof: Schema.optionalKey(ProofOfPayment),
  createdAt: Instant,
  decidedAt: Schema.optionalKey(Instant),
  decidedBy: Schema.optionalKey(Schema.String),
  rejectionReason: Schema.optionalKey(Schema.String),
  updatedAt: Instant,
})
export type TopUp = typeof TopUp.Type

export type TopUpCommandTag = "SubmitProof" | "Approve" | "Reject" | "Cancel"

/**
 * awaiting_proof -> proof_submitted -> approved | rejected; a proof may be replaced while
 * it waits for review; the provider may cancel before sending one.
 */
export const topUpTransitions: {
  readonly [S in TopUpState]: { readonly [C in TopUpCommandTag]?: TopUpState }
} = {
  awaiting_proof: { SubmitProof: "proof_submitted", Reject: "rejected", Cancel: "cancelled" },
  proof_submitted: { SubmitProof: "proof_submitted", Approve: "approved", Reject: "rejected" },
  approved: {},
  rejected: {},
  cancelled: {},
}
