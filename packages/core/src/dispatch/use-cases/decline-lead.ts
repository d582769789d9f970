import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type {
  LeadPriceMissing,
  NotOfferProvider,
  OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import { type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { DeclineLeadInput } from "./offer-inputs.ts"
import { advanceDispatch, type DispatchStep, lockOffer } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

export interface DeclineOutcome {
  readonly offer: Offer
  /** What dispatch did next: another offer, waiting on offers in play, or unfulfilled. */
  readonly next: DispatchStep
}

/**
 * A provider declines a lead. While the request is dispatching, dispatch moves on in the
 * same transaction: the next provider is offered the lead, or, with nobody left and no
 * offer in play, the request becomes unfulfilled and ops are told (audit log).
 */
export const declineLead: (
  input: unknown,
) => Effect.Effect<
  DeclineOutcome,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | RequestNotDispatching
  | OfferTransitionError
  | TransitionNotAllowed
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("declineLead")(function* (raw: unknown) {
  const input = yield* decodeInput(DeclineLeadInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(input.offerId, input.providerId)
      const [after] = yield* Effect.fromResult(
        transitionOffer(
          offer,
          { _tag: "Decline", ...(input.reason === undefined ? {} : { reason: input.reason }) },
          policy,
          yield* now,
        ),
      )
      yield* (yield* OfferRepository).update(after)
      const actor: Actor = { _tag: "party", partyId: offer.providerId }
      yield* audit({
        actor,
        action: "offer.decline",
        subjectType: "offer",
        subjectId: offer.id,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        details: { requestId: request.id, from: offer.state, to: after.state },
      })
      const next = yield* advanceDispatch(request, { _tag: "system", process: "dispatcher" })
      return { offer: after, next }
    }),
  )
})
