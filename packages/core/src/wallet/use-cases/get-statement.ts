import { Effect, Option } from "effect"
import { creditsAccountId, earningsAccountId } from "../../ledger/domain/ledger.ops.ts"
import type { StatementLine } from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { StatementInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { loadProvider } from "./support.ts"

export const defaultStatementLimit = 50

/**
 * Every movement of a provider's credits or earnings, newest first, with the reason, the
 * time and the balance after it. A wallet never used has an empty statement.
 */
export const getStatement: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<StatementLine>,
  InvalidInput | PersistenceUnavailable | PartyNotFound | NotAProvider,
  WalletServices
> = Effect.fn("getStatement")(function* (raw: unknown) {
  const input = yield* decodeInput(StatementInput)(raw)
  const party = yield* loadProvider(input.partyId)
  const ledger = yield* Ledger
  const account =
    input.wallet === "credits" ? creditsAccountId(party.id) : earningsAccountId(party.id)
  if (Option.isNone(yield* ledger.findAccount(account))) return []
  return yield* ledger
    .statement(account, {
      limit: input.limit ?? defaultStatementLimit,
      ...(input.offset === undefined ? {} : { offset: input.offset }),
    })
    .pipe(Effect.catchTag("AccountNotFound", (bug) => Effect.die(bug)))
})
