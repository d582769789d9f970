import { Effect, Option } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { newTopUpId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { priceTopUp, randomTopUpReference } from "../domain/top-up.ops.ts"
import type { TopUp } from "../domain/top-up.ts"
import type { NotAProvider, TopUpOutOfRange } from "../domain/wallet.errors.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { CreateTopUpInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { audit, inTransaction, loadProvider } from "./support.ts"

/** With 2^30 references a clash is rare; this many in a row means something is broken. */
const referenceAttempts = 10

/** A reference no other top-up has, so a bank statement line matches one intent. */
const freshReference = Effect.gen(function* () {
  const topUps = yield* TopUpRepository
  for (let attempt = 0; attempt < referenceAttempts; attempt++) {
    const reference = yield* randomTopUpReference
    if (Option.isNone(yield* topUps.findByReference(reference))) return reference
  }
  return yield* Effect.die(
    new Error(`no free top-up reference after ${referenceAttempts} attempts`),
  )
})

/**
 * A provider says how many credits it wants to buy and how it will pay. The price comes
 * from the policy; the reference is what the provider writes on the bank transfer.
 */
export const createTopUp: (
  input: unknown,
) => Effect.Effect<
  TopUp,
  InvalidInput | PersistenceUnavailable | PartyNotFound | NotAProvider | TopUpOutOfRange,
  WalletServices
> = Effect.fn("createTopUp")(function* (raw: unknown) {
  const input = yield* decodeInput(CreateTopUpInput)(raw)
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const party = yield* loadProvider(input.partyId)
      const amountMinor = yield* Effect.fromResult(priceTopUp(input.credits, policy))
      const at = yield* now
      const topUp: TopUp = {
        id: yield* newTopUpId,
        partyId: party.id,
        reference: yield* freshReference,
        method: input.method,
        credits: input.credits,
        amountMinor,
        currency: policy.currency,
        state: "awaiting_proof",
        createdAt: at,
        updatedAt: at,
      }
      yield* (yield* TopUpRepository).insert(topUp)
      yield* audit({
        actor: { _tag: "party", partyId: party.id },
        action: "top_up.create",
        subjectType: "top_up",
        subjectId: topUp.id,
        details: {
          partyId: party.id,
          to: topUp.state,
          reference: topUp.reference,
          method: topUp.method,
          credits: topUp.credits,
          // JSON has no bigint: amounts in audit details are strings of minor units.
          amountMinor: topUp.amountMinor.toString(),
          currency: topUp.currency,
        },
      })
      return topUp
    }),
  )
})
