import { Context, type Effect, type Option } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { PartyId, RequestId } from "../../shared/ids.ts"
import type { Cohort } from "../../vetting/domain/party.ts"
import type { RequestState, ServiceRequest } from "../domain/service-request.ts"

export interface RequestFilter {
  readonly states?: ReadonlyArray<RequestState>
  readonly customerId?: PartyId
  readonly cohort?: Cohort
  readonly limit?: number
  readonly offset?: number
}

/** Where service requests are kept. */
export class RequestRepository extends Context.Service<
  RequestRepository,
  {
    readonly insert: (request: ServiceRequest) => Effect.Effect<void, PersistenceUnavailable>
    /** Replaces the stored request with the same id; a request never inserted stays absent. */
    readonly update: (request: ServiceRequest) => Effect.Effect<void, PersistenceUnavailable>
    /** With `forUpdate`, the row stays locked until the transaction ends. */
    readonly findById: (
      id: RequestId,
      options?: { readonly forUpdate?: boolean },
    ) => Effect.Effect<Option.Option<ServiceRequest>, PersistenceUnavailable>
    /** The review queue order: oldest first (createdAt), ties by id ascending. */
    readonly list: (
      filter: RequestFilter,
    ) => Effect.Effect<ReadonlyArray<ServiceRequest>, PersistenceUnavailable>
  }
>()("@fundi/core/RequestRepository") {}
