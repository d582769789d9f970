import { Effect, Option } from "effect"
import type { IdempotencyConflict, InsufficientFunds } from "../../ledger/domain/ledger.errors.ts"
import {
  earningsAccount,
  earningsAccountId,
  externalCashAccount,
  externalCashAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { randomId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { EarningsPayoutInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import {
  audit,
  balanceOrZero,
  inTransaction,
  loadProvider,
  memo,
  moneyUnit,
  openAccounts,
  positiveAmount,
  publish,
  replayOf,
  transfer,
} from "./support.ts"

/**
 * Ops record that a provider's earnings were paid out (a bank transfer made outside):
 * earnings move to external cash, never more than the provider has earned
 * (InsufficientFunds). Audited, and the provider told. A retry with the same idempotency
 * key changes nothing.
 */
export const payOutEarnings: (
  input: unknown,
) => Effect.Effect<
  Transfer,
  | InvalidInput
  | PersistenceUnavailable
  | PartyNotFound
  | NotAProvider
  | IdempotencyConflict
  | InsufficientFunds,
  WalletServices
> = Effect.fn("payOutEarnings")(function* (raw: unknown) {
  const input = yield* decodeInput(EarningsPayoutInput)(raw)
  const amount = yield* positiveAmount(input.amountMinor, "amountMinor")
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const party = yield* loadProvider(input.partyId, { forUpdate: true })
      const currency = yield* moneyUnit(policy.currency)
      const at = yield* now
      const key = input.idempotencyKey ?? (yield* randomId<string>("auto"))
      const request: TransferRequest = {
        id: `payout:${party.id}:${key}`,
        debitAccountId: earningsAccountId(party.id),
        creditAccountId: externalCashAccountId(currency),
        amount,
        unit: currency,
        reason: "earnings_payout",
        memo: memo(input.reason),
        links: {},
      }
      const first = yield* replayOf(request, at)
      if (Option.isSome(first)) return first.value

      yield* openAccounts([
        earningsAccount(party.id, currency, at),
        externalCashAccount(currency, at),
      ])
      const made = yield* transfer(request, at)
      const balanceMinor = yield* balanceOrZero(earningsAccountId(party.id))
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "earnings.pay_out",
        subjectType: "party",
        subjectId: party.id,
        reason: input.reason,
        details: {
          transferId: made.id,
          amountMinor: amount.toString(),
          currency,
          balanceMinor: balanceMinor.toString(),
        },
      })
      yield* publish(
        [
          {
            _tag: "EarningsPaidOut",
            at,
            partyId: party.id,
            amountMinor: amount,
            currency,
            balanceMinor,
          },
        ],
        party,
      )
      return made
    }),
  )
})
