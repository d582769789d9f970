import { Effect } from "effect"
import type { Transfer } from "../../ledger/domain/ledger.ts"
import { type AdjustCreditsError, adjustCredits } from "./adjust-credits.ts"
import type { WalletServices } from "./services.ts"

/**
 * Ops add credits to a provider's wallet (a refund for an invalid lead, goodwill), with a
 * reason: issued from platform credit issuance, audited, and the provider told.
 */
export const grantCredits: (
  input: unknown,
) => Effect.Effect<Transfer, AdjustCreditsError, WalletServices> = Effect.fn("grantCredits")(
  function* (raw: unknown) {
    return yield* adjustCredits("grant", raw)
  },
)
