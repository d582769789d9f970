import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { transitionTopUp } from "../domain/top-up.ops.ts"
import type { TopUp } from "../domain/top-up.ts"
import { NotTopUpOwner, type TopUpNotFound } from "../domain/wallet.errors.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { TopUpOwnerRef } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { audit, inTransaction, loadTopUp } from "./support.ts"

/** The provider drops a top-up it has not paid for yet (before sending a proof). */
export const cancelTopUp: (
  input: unknown,
) => Effect.Effect<
  TopUp,
  InvalidInput | PersistenceUnavailable | TopUpNotFound | NotTopUpOwner | TransitionNotAllowed,
  WalletServices
> = Effect.fn("cancelTopUp")(function* (raw: unknown) {
  const input = yield* decodeInput(TopUpOwnerRef)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const topUp = yield* loadTopUp(input.topUpId, { forUpdate: true })
      if (topUp.partyId !== input.partyId) {
        return yield* new NotTopUpOwner({ topUpId: topUp.id, partyId: input.partyId })
      }
      const [after] = yield* Effect.fromResult(
        transitionTopUp(topUp, { _tag: "Cancel" }, yield* now),
      )
      yield* (yield* TopUpRepository).update(after)
      yield* audit({
        actor: { _tag: "party", partyId: input.partyId },
        action: "top_up.cancel",
        subjectType: "top_up",
        subjectId: topUp.id,
        details: {
          partyId: topUp.partyId,
          from: topUp.state,
          to: after.state,
          reference: topUp.reference,
        },
      })
      return after
    }),
  )
})
