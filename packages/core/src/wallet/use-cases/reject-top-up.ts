import { Effect } from "effect"
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
import { audit, inTransaction, loadTopUp, ownerOf, publish } from "./support.ts"

/**
 * An operator refuses a top-up (the money never arrived, the proof is not a payment),
 * with a reason the provider is told. Final: no credits are issued for it, ever.
 */
export const rejectTopUp: (
  input: unknown,
) => Effect.Effect<
  TopUp,
  InvalidInput | PersistenceUnavailable | TopUpNotFound | TransitionNotAllowed,
  WalletServices
> = Effect.fn("rejectTopUp")(function* (raw: unknown) {
  const input = yield* decodeInput(TopUpAction)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const topUp = yield* loadTopUp(input.topUpId, { forUpdate: true })
      const party = yield* ownerOf(topUp)
      const [after, events] = yield* Effect.fromResult(
        transitionTopUp(
          topUp,
          { _tag: "Reject", by: input.operator, reason: input.reason },
          yield* now,
        ),
      )
      yield* (yield* TopUpRepository).update(after)
      yield* audit({
        actor: { _tag: "operator", name: input.operator },
        action: "top_up.reject",
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
        },
      })
      yield* publish(events, party)
      return after
    }),
  )
})
