import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import type { NotAProvider } from "../domain/wallet.errors.ts"
import { WalletRef } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { loadProvider } from "./support.ts"
import { type WalletView, walletViewOf } from "./wallet-view.ts"

/** A provider's balances (credits and earnings), weekly budget and this week's spending. */
export const getWallet: (
  input: unknown,
) => Effect.Effect<
  WalletView,
  InvalidInput | PersistenceUnavailable | PartyNotFound | NotAProvider,
  WalletServices
> = Effect.fn("getWallet")(function* (raw: unknown) {
  const { partyId } = yield* decodeInput(WalletRef)(raw)
  return yield* walletViewOf(yield* loadProvider(partyId))
})
