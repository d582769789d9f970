import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import {
  type ContentTooLarge,
  ObjectStore,
  type UnsupportedContent,
} from "../../storage/ports/object-store.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { checkTopUpCommand, transitionTopUp } from "../domain/top-up.ops.ts"
import type { TopUp } from "../domain/top-up.ts"
import { NotTopUpOwner, type TopUpNotFound } from "../domain/wallet.errors.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { SubmitTopUpProofInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { audit, inTransaction, loadTopUp } from "./support.ts"

/**
 * The provider uploads its proof of payment (PDF, JPEG or PNG, detected from the bytes,
 * at most policy.uploads.maxBytes). Only the provider who made the top-up may; a proof
 * may be replaced while the top-up waits for review.
 */
export const submitTopUpProof: (
  input: unknown,
) => Effect.Effect<
  TopUp,
  | InvalidInput
  | PersistenceUnavailable
  | TopUpNotFound
  | NotTopUpOwner
  | TransitionNotAllowed
  | UnsupportedContent
  | ContentTooLarge,
  WalletServices
> = Effect.fn("submitTopUpProof")(function* (raw: unknown) {
  const input = yield* decodeInput(SubmitTopUpProofInput)(raw)
  const policy = yield* Policy
  return yield* inTransaction(
    Effect.gen(function* () {
      const topUp = yield* loadTopUp(input.topUpId, { forUpdate: true })
      if (topUp.partyId !== input.partyId) {
        return yield* new NotTopUpOwner({ topUpId: topUp.id, partyId: input.partyId })
      }
      // Refused before the file is stored: a decided top-up takes no more uploads.
      yield* Effect.fromResult(checkTopUpCommand(topUp, "SubmitProof"))
      const stored = yield* (yield* ObjectStore).put({
        prefix: `proofs/${topUp.id}`,
        bytes: input.bytes,
        maxBytes: policy.uploads.maxBytes,
      })
      const at = yield* now
      const [after] = yield* Effect.fromResult(
        transitionTopUp(topUp, { _tag: "SubmitProof", proof: { ...stored, uploadedAt: at } }, at),
      )
      yield* (yield* TopUpRepository).update(after)
      yield* audit({
        actor: { _tag: "party", partyId: input.partyId },
        action: "top_up.submit_proof",
        subjectType: "top_up",
        subjectId: topUp.id,
        details: {
          partyId: topUp.partyId,
          from: topUp.state,
          to: after.state,
          key: stored.key,
          contentType: stored.contentType,
          size: stored.size,
          sha256: stored.sha256,
          ...(topUp.proof === undefined ? {} : { replaced: topUp.proof.key }),
        },
      })
      return after
    }),
  )
})
