import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { topUpStates } from "../domain/top-up.ops.ts"
import type { TopUp, TopUpState } from "../domain/top-up.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { ListTopUpsInput } from "./inputs.ts"
import type { WalletServices } from "./services.ts"
import { ownerOf } from "./support.ts"
import type { TopUpView } from "./wallet-view.ts"

export const defaultTopUpListLimit = 100

/**
 * Top-ups for ops: those waiting for review (proof submitted) first, then the rest; in
 * each group the longest waiting first. Filters by state and provider; the limit applies
 * to the whole list.
 */
export const listTopUps: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<TopUpView>,
  InvalidInput | PersistenceUnavailable,
  WalletServices
> = Effect.fn("listTopUps")(function* (raw: unknown) {
  const input = yield* decodeInput(ListTopUpsInput)(raw)
  const repository = yield* TopUpRepository
  const wanted = input.states ?? topUpStates
  const groups: ReadonlyArray<ReadonlyArray<TopUpState>> = [
    wanted.filter((s) => s === "proof_submitted"),
    wanted.filter((s) => s !== "proof_submitted"),
  ]
  const limit = input.limit ?? defaultTopUpListLimit
  const found: Array<TopUp> = []
  for (const states of groups) {
    if (states.length === 0 || found.length >= limit) continue
    found.push(
      ...(yield* repository.list({
        states,
        limit: limit - found.length,
        ...(input.partyId === undefined ? {} : { partyId: input.partyId }),
      })),
    )
  }
  return yield* Effect.forEach(found, (topUp) =>
    Effect.map(ownerOf(topUp), (party) => ({ topUp, party })),
  )
})
