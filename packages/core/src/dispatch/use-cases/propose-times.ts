import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import {
  type NotOfferProvider,
  type OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import { type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProposeTimesInput } from "./offer-inputs.ts"
import { lockOffer, notify } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, customerOf, inTransaction } from "./support.ts"

/**
 * A provider holding an unlocked lead proposes other times: exactly three, distinct,
 * future and not overlapping. The homeowner is sent the three to pick one or none.
 */
export const proposeTimes: (
  input: unknown,
) => Effect.Effect<
  Offer,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | RequestNotDispatching
  | OfferTransitionError,
  DispatchServices
> = Effect.fn("proposeTimes")(function* (raw: unknown) {
  const input = yield* decodeInput(ProposeTimesInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(input.offerId, input.providerId)
      if (request.state !== "dispatching") {
        return yield* new RequestNotDispatching({ requestId: request.id, state: request.state })
      }
      const [after] = yield* Effect.fromResult(
        transitionOffer(offer, { _tag: "ProposeTimes", slots: input.slots }, policy, yield* now),
      )
      yield* (yield* OfferRepository).update(after)
      yield* audit({
        actor: { _tag: "party", partyId: offer.providerId },
        action: "offer.propose_times",
        subjectType: "offer",
        subjectId: offer.id,
        details: { requestId: request.id, from: offer.state, to: after.state, slots: input.slots },
      })
      yield* notify([
        {
          _tag: "TimesProposed",
          requestId: request.id,
          offerId: offer.id,
          customer: yield* customerOf(request),
          category: request.category,
          slots: after.proposedTimes ?? input.slots,
        },
      ])
      return after
    }),
  )
})
