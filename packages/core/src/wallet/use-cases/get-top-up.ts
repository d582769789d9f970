import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { TopUpNotFound } from "../domain/wallet.errors.ts"
import { TopUpRef } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { loadTopUp, ownerOf } from "./support.ts"
import type { TopUpView } from "./wallet-view.ts"

/** One top-up with its provider. */
export const getTopUp: (
  input: unknown,
) => Effect.Effect<
  TopUpView,
  InvalidInput | PersistenceUnavailable | TopUpNotFound,
  WalletServices
> = Effect.fn("getTopUp")(function* (raw: unknown) {
  const { topUpId } = yield* decodeInput(TopUpRef)(raw)
  const topUp = yield* loadTopUp(topUpId)
  return { topUp, party: yield* ownerOf(topUp) }
})
