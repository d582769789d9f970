import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore, page } from "../../shared/testing/in-memory-store.ts"
import type { Application } from "../domain/application.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"

export const applicationsTable = "applications"

/** The review queue: most complete first, then longest waiting, then id. */
export const reviewQueueOrder = (a: Application, b: Application): number =>
  b.completeness - a.completeness ||
  (a.submittedAt ?? a.createdAt) - (b.submittedAt ?? b.createdAt) ||
  compareText(a.id, b.id)

/** Most recent first: createdAt, then the greater id. */
const mostRecentFirst = (a: Application, b: Application): number =>
  b.createdAt - a.createdAt || compareText(b.id, a.id)

export const layerApplicationRepositoryInMemory: Layer.Layer<
  ApplicationRepository,
  never,
  InMemoryStore
> = Layer.effect(
  ApplicationRepository,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const rows = () => store.table<Application>(applicationsTable)
    const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
    const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
    return ApplicationRepository.of({
      insert: (application) => writing(() => rows().set(application.id, application)),
      update: (application) =>
        writing(() => {
          if (rows().has(application.id)) rows().set(application.id, application)
        }),
      findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
      latestForParty: (partyId) =>
        reading(() =>
          Option.fromUndefinedOr(
            [...rows().values()].filter((a) => a.partyId === partyId).sort(mostRecentFirst)[0],
          ),
        ),
      list: (filter) =>
        reading(() =>
          page(
            [...rows().values()]
              .filter(
                (a) =>
                  (filter.states === undefined || filter.states.includes(a.state)) &&
                  (filter.role === undefined || a.role === filter.role) &&
                  (filter.partyId === undefined || a.partyId === filter.partyId),
              )
              .sort(reviewQueueOrder),
            filter,
          ),
        ),
    })
  }),
)
