import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import {
  type ObjectNotFound,
  ObjectStore,
  type StoredObject,
} from "../../storage/ports/object-store.ts"
import { NoProofOfPayment, type TopUpNotFound } from "../domain/wallet.errors.ts"
import { TopUpRef } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { loadTopUp } from "./support.ts"

/** The proof of payment of a top-up, as uploaded, for ops to open. */
export const getTopUpProof: (
  input: unknown,
) => Effect.Effect<
  { readonly object: StoredObject; readonly bytes: Uint8Array },
  InvalidInput | PersistenceUnavailable | TopUpNotFound | NoProofOfPayment | ObjectNotFound,
  WalletServices
> = Effect.fn("getTopUpProof")(function* (raw: unknown) {
  const { topUpId } = yield* decodeInput(TopUpRef)(raw)
  const topUp = yield* loadTopUp(topUpId)
  if (topUp.proof === undefined) return yield* new NoProofOfPayment({ topUpId })
  return yield* (yield* ObjectStore).get(topUp.proof.key)
})
