import * as fc from "fast-check"
import type { PartyId, TopUpId } from "../../shared/ids.ts"
import {
  arbInstant,
  arbOperatorName,
  arbPartyId,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { StoredContentType } from "../../storage/ports/object-store.ts"
import type { TopUpCommand } from "../domain/top-up.ops.ts"
import type { ProofOfPayment, TopUp, TopUpMethod, TopUpState } from "../domain/top-up.ts"
import type { WalletSettingsRecord } from "../ports/wallet-settings.ts"

const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

export const arbTopUpId: fc.Arbitrary<TopUpId> = fc
  .array(idChar, { minLength: 20, maxLength: 20 })
  .map((body) => `tpu_${body.join("")}` as TopUpId)

export const topUpStateList: ReadonlyArray<TopUpState> = [
  "awaiting_proof",
  "proof_submitted",
  "approved",
  "rejected",
  "cancelled",
]
export const arbTopUpState: fc.Arbitrary<TopUpState> = fc.constantFrom(...topUpStateList)
export const arbTopUpMethod: fc.Arbitrary<TopUpMethod> = fc.constantFrom("eft_proof", "card")

/** "FND-" and six Crockford base-32 characters, as `randomTopUpReference` makes them. */
export const arbTopUpReference: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ"), {
    minLength: 6,
    maxLength: 6,
  })
  .map((body) => `FND-${body.join("")}`)

export const arbStoredContentType: fc.Arbitrary<StoredContentType> = fc.constantFrom(
  "application/pdf",
  "image/jpeg",
  "image/png",
)

export const arbProofOfPayment: fc.Arbitrary<ProofOfPayment> = fc
  .record({
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    contentType: arbStoredContentType,
    size: fc.integer({ min: 1, max: 20 * 1024 * 1024 }),
    uploadedAt: arbInstant,
    folder: arbTopUpId,
  })
  .map(({ folder, ...proof }) => ({
    ...proof,
    key: `proofs/${folder}/2026/03/${proof.sha256}.${proof.contentType.split("/")[1]}`,
  }))

/** Credits any policy could sell, and the price a policy could ask for them. */
const arbPricing = fc.record({
  credits: fc.integer({ min: 1, max: 1_000_000 }),
  priceMinor: fc.oneof(
    fc.integer({ min: 1, max: 100_000 }),
    // A price per credit of billions of minor units: amounts past 2^53.
    fc.integer({ min: 1, max: 9_000_000 }).map((p) => p * 1_000),
  ),
})

export interface TopUpOptions {
  readonly id?: TopUpId
  readonly partyId?: PartyId
  readonly state?: TopUpState
}

/**
 * A top-up whose fields fit its state: a proof from proof_submitted on (and sometimes on
 * a rejected or cancelled-before-proof one), decidedAt and decidedBy once decided, a
 * reason when rejected.
 */
export const arbTopUp = (options: TopUpOptions = {}): fc.Arbitrary<TopUp> =>
  fc
    .record({
      id: options.id === undefined ? arbTopUpId : fc.constant(options.id),
      partyId: options.partyId === undefined ? arbPartyId : fc.constant(options.partyId),
      reference: arbTopUpReference,
      method: arbTopUpMethod,
      pricing: arbPricing,
      currency: fc.constantFrom("ZAR", "NGN", "KES", "GHS", "USD"),
      state: options.state === undefined ? arbTopUpState : fc.constant(options.state),
      proof: arbProofOfPayment,
      hadProof: fc.boolean(),
      createdAt: arbInstant,
      age: fc.integer({ min: 0, max: 30 * 86_400_000 }),
      decidedBy: arbOperatorName,
      reason: arbText(200),
    })
    .map(({ pricing, proof, hadProof, age, decidedBy, reason, ...base }): TopUp => {
      const updatedAt = (base.createdAt + age) as Instant
      const core = {
        id: base.id,
        partyId: base.partyId,
        reference: base.reference,
        method: base.method,
        credits: pricing.credits,
        amountMinor: BigInt(pricing.credits) * BigInt(pricing.priceMinor),
        currency: base.currency,
        state: base.state,
        createdAt: base.createdAt,
        updatedAt,
      }
      const proofAt = { ...proof, uploadedAt: updatedAt }
      const byState: { readonly [S in TopUpState]: () => TopUp } = {
        awaiting_proof: () => ({ ...core, updatedAt: base.createdAt }),
        proof_submitted: () => ({ ...core, proof: proofAt }),
        approved: () => ({ ...core, proof: proofAt, decidedAt: updatedAt, decidedBy }),
        rejected: () => ({
          ...core,
          ...(hadProof ? { proof: proofAt } : {}),
          decidedAt: updatedAt,
          decidedBy,
          rejectionReason: reason,
        }),
        cancelled: () => core,
      }
      return byState[base.state]()
    })

/** Any command a top-up may be given, allowed or not in the state it is in. */
export const arbTopUpCommand: fc.Arbitrary<TopUpCommand> = fc.oneof(
  arbProofOfPayment.map((proof): TopUpCommand => ({ _tag: "SubmitProof", proof })),
  arbOperatorName.map((by): TopUpCommand => ({ _tag: "Approve", by })),
  fc
    .tuple(arbOperatorName, arbText(200))
    .map(([by, reason]): TopUpCommand => ({ _tag: "Reject", by, reason })),
  fc.constant<TopUpCommand>({ _tag: "Cancel" }),
)

export const arbWalletSettings = (partyId?: PartyId): fc.Arbitrary<WalletSettingsRecord> =>
  fc.record(
    {
      partyId: partyId === undefined ? arbPartyId : fc.constant(partyId),
      weeklyCreditBudget: fc.integer({ min: 1, max: 1_000_000 }),
    },
    { requiredKeys: ["partyId"] },
  )

/** Basis points as a policy may set them, the edges often. */
export const arbFeeBps: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 1, 1_500, 9_999, 10_000),
  fc.integer({ min: 0, max: 10_000 }),
)

/** Amounts in minor units: small ones (where rounding shows) and ones far past 2^53. */
export const arbGrossMinor: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 10_000n }),
  fc.bigInt({ min: 0n, max: 10n ** 18n }),
)

/** Zones with and without daylight saving, odd offsets, and midnight transitions. */
export const timeZones: ReadonlyArray<string> = [
  "Africa/Johannesburg",
  "Africa/Lagos",
  "Africa/Nairobi",
  "UTC",
  "Europe/London",
  "America/New_York",
  "America/Santiago",
  "America/Havana",
  "Asia/Beirut",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Pacific/Apia",
  // Monday midnights that were skipped (1997-10-06) or came twice (2002-10-07).
  "America/Sao_Paulo",
  "Asia/Jerusalem",
]
export const arbTimeZone: fc.Arbitrary<string> = fc.constantFrom(...timeZones)
