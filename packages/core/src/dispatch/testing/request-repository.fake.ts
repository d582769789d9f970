import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore, page } from "../../shared/testing/in-memory-store.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { RequestRepository } from "../ports/request-repository.ts"

export const requestsTable = "service_requests"

/** The review queue: longest waiting first, equal creation times by id. */
export const requestQueueOrder = (a: ServiceRequest, b: ServiceRequest): number =>
  a.createdAt - b.createdAt || compareText(a.id, b.id)

export const layerRequestRepositoryInMemory: Layer.Layer<RequestRepository, never, InMemoryStore> =
  Layer.effect(
    RequestRepository,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<ServiceRequest>(requestsTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
      return RequestRepository.of({
        insert: (request) => writing(() => rows().set(request.id, request)),
        // Like SQL UPDATE: a row that is not there stays not there.
        update: (request) =>
          writing(() => {
            if (rows().has(request.id)) rows().set(request.id, request)
          }),
        findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
        list: (filter) =>
          reading(() =>
            page(
              [...rows().values()]
                .filter(
                  (r) =>
                    (filter.states === undefined || filter.states.includes(r.state)) &&
                    (filter.customerId === undefined || r.customerId === filter.customerId) &&
                    (filter.cohort === undefined || r.cohort === filter.cohort),
                )
                .sort(requestQueueOrder),
              filter,
            ),
          ),
      })
    }),
  )
