import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type {
  LeadPriceMissing,
  OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import { type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import type { NotRequestOwner, RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import type { DeclineOutcome } from "./decline-lead.ts"
import { RejectProposedTimesInput } from "./offer-inputs.ts"
import { advanceDispatch, lockOfferForHomeowner, notify, partyOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/**
 * The homeowner can use none of the three proposed times: the offer is declined and, while
 * the request is dispatching, dispatch moves on in the same transaction (the next provider,
 * or unfulfilled when nobody is left).
 */
export const rejectProposedTimes: (
  input: unknown,
) => Effect.Effect<
  DeclineOutcome,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotRequestOwner
  | RequestNotFound
  | RequestNotDispatching
  | OfferTransitionError
  | TransitionNotAllowed
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("rejectProposedTimes")(function* (raw: unknown) {
  const input = yield* decodeInput(RejectProposedTimesInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOfferForHomeowner(input.offerId, input.customerId)
      const [after] = yield* Effect.fromResult(
        transitionOffer(offer, { _tag: "RejectTimes" }, policy, yield* now),
      )
      yield* (yield* OfferRepository).update(after)
      const actor: Actor = { _tag: "party", partyId: input.customerId }
      yield* audit({
        actor,
        action: "offer.reject_times",
        subjectType: "offer",
        subjectId: offer.id,
        details: { requestId: request.id, from: offer.state, to: after.state },
      })
      yield* notify([
        {
          _tag: "TimesRejected",
          provider: yield* partyOf(offer.providerId),
          category: request.category,
        },
      ])
      const next = yield* advanceDispatch(request, { _tag: "system", process: "dispatcher" })
      return { offer: after, next }
    }),
  )
})
