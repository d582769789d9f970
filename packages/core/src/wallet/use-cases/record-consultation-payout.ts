import { Effect, Option } from "effect"
import { IdempotencyConflict } from "../../ledger/domain/ledger.errors.ts"
import {
  earningsAccount,
  earningsAccountId,
  externalCashAccount,
  externalCashAccountId,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount, TransferRequest } from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { type FeeSplit, splitConsultationFee } from "../domain/wallet.ops.ts"
import { ConsultationPayoutInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import {
  audit,
  inTransaction,
  loadProvider,
  moneyUnit,
  openAccounts,
  positiveAmount,
  transfer,
} from "./support.ts"

/** The ledger transfers of one consultation's payout: named after it, so made once. */
export const consultationTransferIds = (consultationId: string) => ({
  net: `consultation:${consultationId}:net`,
  fee: `consultation:${consultationId}:fee`,
})

/**
 * What a homeowner paid for a virtual consultation reaches the provider's earnings, less
 * the policy's platform fee (rounded down), which goes to platform revenue. Once per
 * consultation: recording it again with the same gross and provider returns the split
 * first recorded (even if the fee has changed since) and changes nothing; with another
 * gross or provider it fails with IdempotencyConflict.
 */
export const recordConsultationPayout: (
  input: unknown,
) => Effect.Effect<
  FeeSplit,
  InvalidInput | PersistenceUnavailable | PartyNotFound | NotAProvider | IdempotencyConflict,
  WalletServices
> = Effect.fn("recordConsultationPayout")(function* (raw: unknown) {
  const input = yield* decodeInput(ConsultationPayoutInput)(raw)
  const gross = yield* positiveAmount(input.grossMinor, "grossMinor")
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const party = yield* loadProvider(input.partyId, { forUpdate: true })
      const ledger = yield* Ledger
      const ids = consultationTransferIds(input.consultationId)
      const earnings = earningsAccountId(party.id)

      const firstNet = yield* ledger.findTransfer(ids.net)
      const firstFee = yield* ledger.findTransfer(ids.fee)
      if (Option.isSome(firstNet) || Option.isSome(firstFee)) {
        const netMinor = Option.match(firstNet, { onNone: () => 0n, onSome: (t) => t.amount })
        const feeMinor = Option.match(firstFee, { onNone: () => 0n, onSome: (t) => t.amount })
        const sameProvider = Option.match(firstNet, {
          // All of it was fee (a 100% fee): the provider is in the audit, not the ledger.
          onNone: () => true,
          onSome: (t) => t.creditAccountId === earnings,
        })
        if (netMinor + feeMinor !== gross || !sameProvider) {
          return yield* new IdempotencyConflict({
            transferId: `consultation:${input.consultationId}`,
          })
        }
        return { netMinor, feeMinor }
      }

      const split = yield* Effect.fromResult(
        splitConsultationFee(gross, policy.subscription.platformFeeBps),
      ).pipe(Effect.orDie)
      const currency = yield* moneyUnit(policy.currency)
      const at = yield* now
      yield* openAccounts([
        externalCashAccount(currency, at),
        earningsAccount(party.id, currency, at),
        platformRevenueAccount(currency, at),
      ])
      const links = { consultationId: input.consultationId }
      const requests: ReadonlyArray<TransferRequest> = [
        ...(split.netMinor > 0n
          ? [
              {
                id: ids.net,
                debitAccountId: externalCashAccountId(currency),
                creditAccountId: earnings,
                amount: split.netMinor as Amount,
                unit: currency,
                reason: "consultation_payout" as const,
                links,
              },
            ]
          : []),
        ...(split.feeMinor > 0n
          ? [
              {
                id: ids.fee,
                debitAccountId: externalCashAccountId(currency),
                creditAccountId: platformRevenueAccountId(currency),
                amount: split.feeMinor as Amount,
                unit: currency,
                reason: "platform_fee" as const,
                links,
              },
            ]
          : []),
      ]
      for (const request of requests) {
        // New ids, debiting external cash (which may go below zero): nothing can refuse them.
        yield* transfer(request, at).pipe(
          Effect.catchTags({
            IdempotencyConflict: (bug) => Effect.die(bug),
            InsufficientFunds: (bug) => Effect.die(bug),
          }),
        )
      }
      yield* audit({
        actor: { _tag: "system", process: "consultation-payout" },
        action: "earnings.consultation_payout",
        subjectType: "consultation",
        subjectId: input.consultationId,
        details: {
          partyId: party.id,
          currency,
          grossMinor: gross.toString(),
          netMinor: split.netMinor.toString(),
          feeMinor: split.feeMinor.toString(),
          platformFeeBps: policy.subscription.platformFeeBps,
          transferIds: requests.map((r) => r.id),
        },
      })
      return split
    }),
  )
})
