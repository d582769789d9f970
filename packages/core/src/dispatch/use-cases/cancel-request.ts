import { Effect } from "effect"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import { InvalidInput, type PersistenceUnavailable } from "../../shared/errors.ts"
import type { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { openOfferStates } from "../domain/offer.transitions.ts"
import type { NotRequestOwner, RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { CancelRequestInput } from "./inputs.ts"
import { notify, partyOf, withdrawOpenOffers } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, checkOwner, inTransaction, publish, stepRequest } from "./support.ts"

const whoIssue = new InvalidInput({
  issues: [{ path: "operator", message: "give exactly one of operator or customerId" }],
})

/**
 * Ops, or the homeowner who made it, cancel a request that is not yet assigned, with a
 * reason. The homeowner is told (a confirmation when they cancelled it themselves), and
 * the offers still open on it are withdrawn, each provider told the lead is gone.
 */
export const cancelRequest: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound | NotRequestOwner | TransitionNotAllowed,
  DispatchServices
> = Effect.fn("cancelRequest")(function* (raw: unknown) {
  const input = yield* decodeInput(CancelRequestInput)(raw)
  if ((input.operator === undefined) === (input.customerId === undefined)) {
    return yield* whoIssue
  }
  const actor: Actor =
    input.operator !== undefined
      ? { _tag: "operator", name: input.operator }
      : { _tag: "party", partyId: input.customerId! }
  return yield* inTransaction(
    Effect.gen(function* () {
      const step = yield* stepRequest(
        input.requestId,
        { _tag: "Cancel", byCustomer: input.customerId !== undefined, reason: input.reason },
        input.customerId === undefined ? undefined : checkOwner(input.customerId),
      )
      yield* audit({
        actor,
        action: "request.cancel",
        subjectType: "request",
        subjectId: step.after.id,
        reason: input.reason,
        details: {
          customerId: step.after.customerId,
          from: step.before.state,
          to: step.after.state,
        },
      })
      yield* publish(step.events, step.after)
      // Its open offers close with it, each provider told; a provider who paid to unlock
      // may ask for a refund ("withdrawn before contact").
      const offers = yield* OfferRepository
      const open = yield* offers.listForRequest(step.after.id, {
        states: openOfferStates,
        forUpdate: true,
      })
      const { withdrawn, notices } = yield* withdrawOpenOffers(open, {
        request: step.after,
        actor,
        reason: "request cancelled",
        partyOf,
      })
      if (withdrawn.length > 0) yield* offers.updateMany(withdrawn)
      yield* notify(notices)
      return step.after
    }),
  )
})
