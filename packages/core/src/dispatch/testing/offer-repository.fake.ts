import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { offerDeadline } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import { OfferRepository } from "../ports/offer-repository.ts"

export const offersTable = "offers"

/** Oldest first, equal offer times by id: the order of `listForRequest`. */
export const offerOrder = (a: Offer, b: Offer): number =>
  a.offeredAt - b.offeredAt || compareText(a.id, b.id)

/** Newest first, equal offer times by id: the order of `listForProvider`. */
export const providerOfferOrder = (a: Offer, b: Offer): number =>
  b.offeredAt - a.offeredAt || compareText(a.id, b.id)

export const layerOfferRepositoryInMemory: Layer.Layer<OfferRepository, never, InMemoryStore> =
  Layer.effect(
    OfferRepository,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<Offer>(offersTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
      return OfferRepository.of({
        insert: (offer) => writing(() => rows().set(offer.id, offer)),
        update: (offer) =>
          writing(() => {
            if (rows().has(offer.id)) rows().set(offer.id, offer)
          }),
        updateMany: (offers) =>
          writing(() => {
            for (const offer of offers) if (rows().has(offer.id)) rows().set(offer.id, offer)
          }),
        findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
        listForRequest: (requestId, options = {}) =>
          reading(() =>
            [...rows().values()]
              .filter(
                (o) =>
                  o.requestId === requestId &&
                  (options.states === undefined || options.states.includes(o.state)),
              )
              .sort(offerOrder),
          ),
        listForProvider: (providerId, filter = {}) =>
          reading(() =>
            [...rows().values()]
              .filter(
                (o) =>
                  o.providerId === providerId &&
                  (filter.states === undefined || filter.states.includes(o.state)),
              )
              .sort(providerOfferOrder),
          ),
        listDue: (at, limit) =>
          reading(() =>
            [...rows().values()]
              .flatMap((offer) => {
                const deadline = offerDeadline(offer)
                return deadline !== undefined && deadline <= at ? [{ offer, deadline }] : []
              })
              .sort((a, b) => a.deadline - b.deadline || compareText(a.offer.id, b.offer.id))
              .slice(0, Math.max(0, limit))
              .map((due) => due.offer),
          ),
        countOpenAssignments: (providerId) =>
          reading(
            () =>
              [...rows().values()].filter(
                (o) => o.providerId === providerId && o.state === "accepted",
              ).length,
          ),
      })
    }),
  )
