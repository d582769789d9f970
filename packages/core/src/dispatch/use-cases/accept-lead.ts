import { Effect } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { discloseLead, type LeadView } from "../domain/disclosure.ops.ts"
import type { LeadAlreadyAssigned, RequestNotDispatching } from "../domain/dispatch.errors.ts"
import { acceptLead as acceptLeadRule } from "../domain/dispatch.ops.ts"
import type { OfferTransitionError } from "../domain/offer.ops.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { OfferActionInput } from "./offer-inputs.ts"
import {
  lockOffer,
  type NotOfferProvider,
  notify,
  type OfferNotFound,
  partyOf,
  withdrawOthers,
} from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, customerOf, inTransaction } from "./support.ts"

/**
 * The acceptance handover gate: a provider holding an unlocked lead accepts it. The
 * assignment is committed only if the request is still unassigned (checked under the
 * request's lock, so of many providers racing, one wins); then the other open offers are
 * withdrawn, the homeowner is told the provider's name and phone, and the provider gets
 * the homeowner's name, phone and address. Returns the lead as the assigned provider sees it.
 */
export const acceptLead: (
  input: unknown,
) => Effect.Effect<
  LeadView,
  | InvalidInput
  | PersistenceUnavailable
  | OfferNotFound
  | NotOfferProvider
  | RequestNotFound
  | LeadAlreadyAssigned
  | RequestNotDispatching
  | OfferTransitionError,
  DispatchServices
> = Effect.fn("acceptLead")(function* (raw: unknown) {
  const input = yield* decodeInput(OfferActionInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(input.offerId, input.providerId)
      const [assigned, accepted] = yield* Effect.fromResult(
        acceptLeadRule(request, offer, { _tag: "Accept" }, policy, yield* now),
      )
      yield* (yield* OfferRepository).update(accepted)
      yield* (yield* RequestRepository).update(assigned)
      const actor: Actor = { _tag: "party", partyId: offer.providerId }
      yield* audit({
        actor,
        action: "offer.accept",
        subjectType: "offer",
        subjectId: offer.id,
        details: { requestId: request.id, from: offer.state, to: accepted.state },
      })
      yield* audit({
        actor,
        action: "request.assign",
        subjectType: "request",
        subjectId: request.id,
        details: {
          customerId: request.customerId,
          providerId: offer.providerId,
          offerId: offer.id,
          from: request.state,
          to: assigned.state,
        },
      })
      yield* withdrawOthers(assigned, offer.id, "assigned to another provider", actor)
      const customer = yield* customerOf(assigned)
      const provider = yield* partyOf(offer.providerId)
      const view = discloseLead(assigned, customer, "assigned", accepted.creditsCharged)
      yield* notify([
        { _tag: "ProviderAssigned", customer, provider, category: assigned.category },
        { _tag: "CustomerHandover", provider, assigned: view },
      ])
      return view
    }),
  )
})
