import { Effect, Layer, Option } from "effect"
import { PersistenceUnavailable } from "../../shared/errors.ts"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"

export const leadRefundsTable = "lead_refunds"

/** Oldest first, equal times by id: the order of `list`. */
export const leadRefundOrder = (a: LeadRefund, b: LeadRefund): number =>
  a.requestedAt - b.requestedAt || compareText(a.id, b.id)

export const layerLeadRefundRepositoryInMemory: Layer.Layer<
  LeadRefundRepository,
  never,
  InMemoryStore
> = Layer.effect(
  LeadRefundRepository,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const rows = () => store.table<LeadRefund>(leadRefundsTable)
    const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
    const onOffer = (offerId: string) => [...rows().values()].find((r) => r.offerId === offerId)
    return LeadRefundRepository.of({
      insert: (refund) =>
        Effect.andThen(
          store.write,
          Effect.suspend(() => {
            const taken = onOffer(refund.offerId)
            // Like the unique indexes on Postgres: one claim per offer, one row per id.
            if (rows().has(refund.id) || (taken !== undefined && taken.id !== refund.id)) {
              return Effect.fail(
                new PersistenceUnavailable({
                  detail: `lead_refunds.insert: duplicate key (offer ${refund.offerId})`,
                }),
              )
            }
            rows().set(refund.id, refund)
            return Effect.void
          }),
        ),
      update: (refund) =>
        Effect.andThen(
          store.write,
          Effect.sync(() => {
            if (rows().has(refund.id)) rows().set(refund.id, refund)
          }),
        ),
      findById: (id) => reading(() => Option.fromUndefinedOr(rows().get(id))),
      findByOffer: (offerId) => reading(() => Option.fromUndefinedOr(onOffer(offerId))),
      list: (filter = {}) =>
        reading(() =>
          [...rows().values()]
            .filter((r) => filter.state === undefined || r.state === filter.state)
            .sort(leadRefundOrder)
            .slice(0, filter.limit),
        ),
    })
  }),
)
