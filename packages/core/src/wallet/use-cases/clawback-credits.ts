import { Effect } from "effect"
import type { Transfer } from "../../ledger/domain/ledger.ts"
import { type AdjustCreditsError, adjustCredits } from "./adjust-credits.ts"
import type { WalletServices } from "./services.ts"

/**
 * Ops take credits back from a provider's wallet (credits granted by mistake), with a
 * reason: returned to platform credit issuance, audited, and the provider told. Never
 * more than the wallet holds: that fails with InsufficientFunds and changes nothing.
 */
export const clawbackCredits: (
  input: unknown,
) => Effect.Effect<Transfer, AdjustCreditsError, WalletServices> = Effect.fn("clawbackCredits")(
  function* (raw: unknown) {
    return yield* adjustCredits("clawback", raw)
  },
)
