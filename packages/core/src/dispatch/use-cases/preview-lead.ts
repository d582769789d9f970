import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { discloseLead, type LeadView } from "../domain/disclosure.ops.ts"
import {
  type LeadPriceMissing,
  type NotOfferProvider,
  type OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import { type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { OfferActionInput } from "./offer-inputs.ts"
import { lockOffer, priceOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, customerOf, inTransaction } from "./support.ts"

/**
 * A provider opens a lead offered to them: the offer moves to previewed (the first time)
 * and they see the preview only: category, area, urgency, window, price. Opening it again
 * while previewed shows the same and writes nothing.
 */
export const previewLead: (
  input: unknown,
) => Effect.Effect<
  LeadView,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | RequestNotDispatching
  | OfferTransitionError
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("previewLead")(function* (raw: unknown) {
  const input = yield* decodeInput(OfferActionInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(input.offerId, input.providerId)
      if (request.state !== "dispatching") {
        return yield* new RequestNotDispatching({ requestId: request.id, state: request.state })
      }
      if (offer.state !== "previewed") {
        const [after] = yield* Effect.fromResult(
          transitionOffer(offer, { _tag: "Preview" }, policy, yield* now),
        )
        yield* (yield* OfferRepository).update(after)
        yield* audit({
          actor: { _tag: "party", partyId: offer.providerId },
          action: "offer.preview",
          subjectType: "offer",
          subjectId: offer.id,
          details: { requestId: request.id, from: offer.state, to: after.state },
        })
      }
      const price = yield* Effect.fromResult(priceOf(request, policy))
      return discloseLead(request, yield* customerOf(request), "preview", price)
    }),
  )
})
