import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore, page } from "../../shared/testing/in-memory-store.ts"
import type { Party } from "../domain/party.ts"
import { PartyRepository } from "../ports/party-repository.ts"

export const partiesTable = "parties"

/** Newest first; equal creation times fall back to id so paging is stable. */
const newestFirst = (a: Party, b: Party): number =>
  b.createdAt - a.createdAt || compareText(a.id, b.id)

export const layerPartyRepositoryInMemory: Layer.Layer<PartyRepository, never, InMemoryStore> =
  Layer.effect(
    PartyRepository,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<Party>(partiesTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
      return PartyRepository.of({
        insert: (party) => writing(() => rows().set(party.id, party)),
        // Like SQL UPDATE: a row that is not there stays not there.
        update: (party) =>
          writing(() => {
            if (rows().has(party.id)) rows().set(party.id, party)
          }),
        findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
        findByPhone: (phone) =>
          reading(() =>
            Option.fromUndefinedOr([...rows().values()].find((p) => p.phone === phone)),
          ),
        list: (filter) =>
          reading(() =>
            page(
              [...rows().values()]
                .filter(
                  (p) =>
                    (filter.kind === undefined || p.kind === filter.kind) &&
                    (filter.status === undefined || p.status === filter.status) &&
                    (filter.cohort === undefined || p.cohort === filter.cohort),
                )
                .sort(newestFirst),
              filter,
            ),
          ),
      })
    }),
  )
