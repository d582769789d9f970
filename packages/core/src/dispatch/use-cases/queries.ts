import { Effect } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { RequestNotFound } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { ListRequestsInput, RequestRef } from "./inputs.ts"
import type { DispatchServices } from "./services.ts"
import { loadRequest } from "./support.ts"

export const getRequest: (
  input: unknown,
) => Effect.Effect<
  ServiceRequest,
  InvalidInput | PersistenceUnavailable | RequestNotFound,
  DispatchServices
> = Effect.fn("getRequest")(function* (raw: unknown) {
  const { requestId } = yield* decodeInput(RequestRef)(raw)
  return yield* loadRequest(requestId)
})

/** The review queue order: oldest first. */
export const listRequests: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<ServiceRequest>,
  InvalidInput | PersistenceUnavailable,
  DispatchServices
> = Effect.fn("listRequests")(function* (raw: unknown) {
  const filter = yield* decodeInput(ListRequestsInput)(raw)
  return yield* (yield* RequestRepository).list(filter)
})
