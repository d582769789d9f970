import { Effect } from "effect"
import {
  creditIssuanceAccount,
  creditIssuanceAccountId,
  creditsAccount,
  creditsAccountId,
  externalCashAccount,
  externalCashAccountId,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount, Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { transitionTopUp } from "../domain/top-up.ops.ts"
import type { TopUp } from "../domain/top-up.ts"
import type { TopUpNotFound } from "../domain/wallet.errors.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { TopUpAction } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import {
  audit,
  inTransaction,
  loadTopUp,
  moneyUnit,
  openAccounts,
  ownerOf,
  publish,
  transfer,
} from "./support.ts"

/** The ledger transfers of a top-up's approval: named after the top-up, so made once. */
export const topUpTransferIds = (topUp: Pick<TopUp, "id">) => ({
  payment: `topup:${topUp.id}:payment`,
  credits: `topup:${topUp.id}:credits`,
})

/**
 * An operator confirms the money arrived. In one transaction: the price moves from
 * external cash to platform revenue, the credits are issued into the provider's wallet,
 * the top-up is approved, audited and the provider told. Approval is final and the
 * transfer ids come from the top-up id, so a top-up never credits twice.
 */
export const approveTopUp: (
  input: unknown,
) => Effect.Effect<
  TopUp,
  InvalidInput | PersistenceUnavailable | TopUpNotFound | TransitionNotAllowed,
  WalletServices
> = Effect.fn("approveTopUp")(function* (raw: unknown) {
  const input = yield* decodeInput(TopUpAction)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const topUp = yield* loadTopUp(input.topUpId, { forUpdate: true })
      const party = yield* ownerOf(topUp, { forUpdate: true })
      const at = yield* now
      const [after, events] = yield* Effect.fromResult(
        transitionTopUp(topUp, { _tag: "Approve", by: input.operator }, at),
      )
      const currency = yield* moneyUnit(topUp.currency)
      yield* openAccounts([
        externalCashAccount(currency, at),
        platformRevenueAccount(currency, at),
        creditIssuanceAccount(at),
        creditsAccount(party.id, at),
      ])
      const ids = topUpTransferIds(topUp)
      const links = { topUpId: topUp.id }
      // The debited accounts may go below zero and the ids are the top-up's own: neither
      // transfer can be refused, so a refusal is a bug.
      const issue = (request: TransferRequest) =>
        transfer(request, at).pipe(
          Effect.catchTags({
            IdempotencyConflict: (bug) => Effect.die(bug),
            InsufficientFunds: (bug) => Effect.die(bug),
          }),
        )
      const transfers: ReadonlyArray<Transfer> = [
        yield* issue({
          id: ids.payment,
          debitAccountId: externalCashAccountId(currency),
          creditAccountId: platformRevenueAccountId(currency),
          amount: topUp.amountMinor as Amount,
          unit: currency,
          reason: "topup",
          memo: `top-up ${topUp.reference}`,
          links,
        }),
        yield* issue({
          id: ids.credits,
          debitAccountId: creditIssuanceAccountId,
          creditAccountId: creditsAccountId(party.id),
          amount: BigInt(topUp.credits) as Amount,
          unit: "CREDIT",
          reason: "topup",
          memo: `top-up ${topUp.reference}`,
          links,
        }),
      ]
      yield* (yield* TopUpRepository).update(after)
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "top_up.approve",
        subjectType: "top_up",
        subjectId: topUp.id,
        reason: input.reason,
        details: {
          partyId: topUp.partyId,
          from: topUp.state,
          to: after.state,
          reference: topUp.reference,
          credits: topUp.credits,
          amountMinor: topUp.amountMinor.toString(),
          currency: topUp.currency,
          transferIds: transfers.map((t) => t.id),
        },
      })
      yield* publish(events, party)
      return after
    }),
  )
})
