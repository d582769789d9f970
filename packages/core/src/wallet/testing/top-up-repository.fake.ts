import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore, page } from "../../shared/testing/in-memory-store.ts"
import type { TopUp } from "../domain/top-up.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"

export const topUpsTable = "top_ups"

/** The review queue: longest waiting first, equal creation times by id. */
export const topUpQueueOrder = (a: TopUp, b: TopUp): number =>
  a.createdAt - b.createdAt || compareText(a.id, b.id)

export const layerTopUpRepositoryInMemory: Layer.Layer<TopUpRepository, never, InMemoryStore> =
  Layer.effect(
    TopUpRepository,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<TopUp>(topUpsTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
      return TopUpRepository.of({
        insert: (topUp) => writing(() => rows().set(topUp.id, topUp)),
        // Like SQL UPDATE: a row that is not there stays not there.
        update: (topUp) =>
          writing(() => {
            if (rows().has(topUp.id)) rows().set(topUp.id, topUp)
          }),
        findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
        findByReference: (reference) =>
          reading(() =>
            Option.fromUndefinedOr([...rows().values()].find((t) => t.reference === reference)),
          ),
        list: (filter) =>
          reading(() =>
            page(
              [...rows().values()]
                .filter(
                  (t) =>
                    (filter.states === undefined || filter.states.includes(t.state)) &&
                    (filter.partyId === undefined || t.partyId === filter.partyId),
                )
                .sort(topUpQueueOrder),
              filter,
            ),
          ),
      })
    }),
  )
