import { Effect } from "effect"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import type { LeadPriceMissing, RequestNotDispatching } from "../domain/dispatch.errors.ts"
import { type RequestNotFound, transitionRequest } from "../domain/service-request.ops.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { DispatchRequestInput } from "./offer-inputs.ts"
import { advanceDispatch, type DispatchStep } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction, loadRequest } from "./support.ts"

/**
 * Ops (or the dispatcher process) dispatch a ready request: it moves to dispatching, and the
 * lead is offered to the best eligible providers by the policy's strategy, or, with nobody
 * eligible, the request becomes unfulfilled. Run again on a dispatching request, it takes
 * the next step (offers the next provider once the open offers have closed).
 */
export const dispatchRequest: (
  input: unknown,
) => Effect.Effect<
  DispatchStep,
  | InvalidInput
  | PersistenceUnavailable
  | RequestNotFound
  | TransitionNotAllowed
  | RequestNotDispatching
  | LeadPriceMissing,
  DispatchServices
> = Effect.fn("dispatchRequest")(function* (raw: unknown) {
  const input = yield* decodeInput(DispatchRequestInput)(raw)
  const actor: Actor =
    input.operator === undefined
      ? { _tag: "system", process: "dispatcher" }
      : { _tag: "operator", name: input.operator }
  return yield* inTransaction(
    Effect.gen(function* () {
      const before = yield* loadRequest(input.requestId, { forUpdate: true })
      if (before.state === "dispatching") return yield* advanceDispatch(before, actor)
      const [after] = yield* Effect.fromResult(
        transitionRequest(before, { _tag: "StartDispatch" }, yield* now),
      ).pipe(
        // A dispatching request is advanced above, so the refusal names both states.
        Effect.mapError(
          (e) => new TransitionNotAllowed({ ...e, allowedFrom: [...e.allowedFrom, "dispatching"] }),
        ),
      )
      yield* (yield* RequestRepository).update(after)
      yield* audit({
        actor,
        action: "request.dispatch",
        subjectType: "request",
        subjectId: after.id,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        details: { customerId: after.customerId, from: before.state, to: after.state },
      })
      return yield* advanceDispatch(after, actor)
    }),
  )
})
