import { Effect, Option } from "effect"
import type { IdempotencyConflict, InsufficientFunds } from "../../ledger/domain/ledger.errors.ts"
import {
  creditIssuanceAccount,
  creditIssuanceAccountId,
  creditsAccount,
  creditsAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount, Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { randomId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { AdjustCreditsInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import {
  audit,
  inTransaction,
  loadProvider,
  memo,
  openAccounts,
  publish,
  replayOf,
  transfer,
} from "./support.ts"

export type AdjustCreditsError =
  | InvalidInput
  | PersistenceUnavailable
  | PartyNotFound
  | NotAProvider
  | IdempotencyConflict
  | InsufficientFunds

/**
 * Ops give credits (a refund for an invalid lead, goodwill) or take them back, always with
 * a reason, audited and told to the provider. A retry with the same idempotency key
 * changes nothing; without a key every call is a new adjustment.
 */
export const adjustCredits = (
  direction: "grant" | "clawback",
  raw: unknown,
): Effect.Effect<Transfer, AdjustCreditsError, WalletServices> =>
  Effect.gen(function* () {
    const input = yield* decodeInput(AdjustCreditsInput)(raw)
    return yield* inTransaction(
      Effect.gen(function* () {
        const party = yield* loadProvider(input.partyId, { forUpdate: true })
        const at = yield* now
        const key = input.idempotencyKey ?? (yield* randomId<string>("auto"))
        const wallet = creditsAccountId(party.id)
        const request: TransferRequest = {
          id: `${direction}:${party.id}:${key}`,
          debitAccountId: direction === "grant" ? creditIssuanceAccountId : wallet,
          creditAccountId: direction === "grant" ? wallet : creditIssuanceAccountId,
          amount: BigInt(input.credits) as Amount,
          unit: "CREDIT",
          reason: direction,
          memo: memo(input.reason),
          links: input.leadId === undefined ? {} : { leadId: input.leadId },
        }
        const first = yield* replayOf(request, at)
        if (Option.isSome(first)) return first.value

        yield* openAccounts([creditIssuanceAccount(at), creditsAccount(party.id, at)])
        // A clawback debits the no-overdraft wallet: it never takes more than is there.
        const made = yield* transfer(request, at)
        const balance = yield* (yield* Ledger)
          .balance(wallet)
          .pipe(Effect.catchTag("AccountNotFound", (bug) => Effect.die(bug)))
        yield* audit({
          actor: { _tag: "operator", name: input.operator },
          action: direction === "grant" ? "credits.grant" : "credits.clawback",
          subjectType: "party",
          subjectId: party.id,
          reason: input.reason,
          details: {
            transferId: made.id,
            credits: input.credits,
            balance: balance.toString(),
            ...made.links,
          },
        })
        yield* publish(
          [
            {
              _tag: direction === "grant" ? "CreditsGranted" : "CreditsClawedBack",
              at,
              partyId: party.id,
              credits: input.credits,
              reason: input.reason,
              balance,
            },
          ],
          party,
        )
        return made
      }),
    )
  })
