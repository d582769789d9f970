import { Effect } from "effect"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { LeadView } from "../domain/disclosure.ops.ts"
import type {
  LeadAlreadyAssigned,
  NotOfferProvider,
  OfferNotFound,
  RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import type { OfferTransitionError } from "../domain/offer.ops.ts"
import { OfferActionInput } from "./offer-inputs.ts"
import { handOver, lockLead } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { inTransaction } from "./support.ts"

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
  | LeadAlreadyAssigned
  | RequestNotDispatching
  | OfferTransitionError,
  DispatchServices
> = Effect.fn("acceptLead")(function* (raw: unknown) {
  const input = yield* decodeInput(OfferActionInput)(raw)
  return yield* inTransaction(
    Effect.gen(function* () {
      const lead = yield* lockLead(input.offerId, input.providerId)
      const actor: Actor = { _tag: "party", partyId: lead.offer.providerId }
      return (yield* handOver(lead, { _tag: "Accept" }, actor)).view
    }),
  )
})
