import { Effect } from "effect"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type {
  LeadAlreadyAssigned,
  OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import type { OfferTransitionError } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import type { NotRequestOwner } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { ChooseProposedTimeInput } from "./offer-inputs.ts"
import { handOver, lockLeadForHomeowner } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { inTransaction } from "./support.ts"

export interface TimeChosen {
  /** Accepted, with the chosen slot. */
  readonly offer: Offer
  /** Assigned to the offer's provider. */
  readonly request: ServiceRequest
}

/**
 * The homeowner picks one of the three times the provider proposed. That accepts the offer
 * through the same handover gate as a provider's accept: the request must still be
 * unassigned (under its lock), the other offers are withdrawn and both sides get each
 * other's details (by message: the homeowner gets the provider's name and phone).
 */
export const chooseProposedTime: (
  input: unknown,
) => Effect.Effect<
  TimeChosen,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotRequestOwner
  | LeadAlreadyAssigned
  | RequestNotDispatching
  | OfferTransitionError,
  DispatchServices
> = Effect.fn("chooseProposedTime")(function* (raw: unknown) {
  const input = yield* decodeInput(ChooseProposedTimeInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const lead = yield* lockLeadForHomeowner(input.offerId, input.customerId)
      const actor: Actor = { _tag: "party", partyId: input.customerId }
      const done = yield* handOver(lead, { _tag: "ChooseTime", slot: input.slot }, actor)
      return { offer: done.offer, request: done.request }
    }),
  )
})
