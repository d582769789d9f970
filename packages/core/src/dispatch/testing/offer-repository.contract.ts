import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { offerDeadline } from "../domain/offer.ops.ts"
import type { Offer, OfferState } from "../domain/offer.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { offerStateList } from "./dispatch.arbitraries.ts"
import { arbOffer } from "./offer-repository.arbitraries.ts"
import { arbRequestId } from "./request-repository.arbitraries.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const arbOffers = (maxLength: number) =>
  fc.uniqueArray(arbOffer(), { minLength: 1, maxLength, selector: (o) => o.id })

/**
 * Offers spread over two requests, two providers and two offer times, so that filters and
 * ties both matter. Request x provider pairs repeat only when the generator says so; the
 * port does not enforce uniqueness of the pair (the use cases do, under the request lock).
 */
const arbSpread = fc
  .tuple(
    arbOffers(8),
    fc.tuple(arbRequestId, arbRequestId),
    fc.tuple(arbPartyId, arbPartyId),
    fc.tuple(arbInstant, arbInstant),
  )
  .map(([offers, requests, providers, times]) => ({
    requests,
    providers,
    offers: offers.map(
      (o, i): Offer => ({
        ...o,
        requestId: requests[i % 2]!,
        providerId: providers[(i >> 1) % 2]!,
        offeredAt: times[(i >> 2) % 2]!,
      }),
    ),
  }))

const insertAll = (offers: ReadonlyArray<Offer>) =>
  Effect.gen(function* () {
    const repo = yield* OfferRepository
    for (const offer of offers) yield* repo.insert(offer)
  })

/**
 * The contract every OfferRepository adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call. Offers refer to requests and providers by id only; a database
 * adapter with foreign keys must run this against a layer that accepts those ids.
 */
export const offerRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<OfferRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`OfferRepository contract: ${name}`, () => {
    it("gives back an inserted offer exactly as inserted, locked or not", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffers(4), (offers) =>
          run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              yield* insertAll(offers)
              for (const offer of offers) {
                expect(Option.getOrUndefined(yield* repo.findById(offer.id))).toEqual(offer)
                expect(
                  Option.getOrUndefined(yield* repo.findById(offer.id, { forUpdate: true })),
                ).toEqual(offer)
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id, and lists nothing for unknown owners", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffer(), arbOffer(), (stored, unknown) => {
          fc.pre(
            unknown.id !== stored.id &&
              unknown.requestId !== stored.requestId &&
              unknown.providerId !== stored.providerId,
          )
          return run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              yield* repo.insert(stored)
              expect(Option.isNone(yield* repo.findById(unknown.id))).toBe(true)
              expect(yield* repo.listForRequest(unknown.requestId)).toEqual([])
              expect(yield* repo.listForProvider(unknown.providerId)).toEqual([])
              expect(yield* repo.countOpenAssignments(unknown.providerId)).toBe(0)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("update replaces the whole offer, dropping fields the new one lacks", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffer(), arbOffer(), (original, changes) =>
          run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              const changed: Offer = { ...changes, id: original.id }
              yield* repo.insert(original)
              yield* repo.update(changed)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("update of an offer that was never inserted stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffer(), (offer) =>
          run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              yield* repo.update(offer)
              expect(Option.isNone(yield* repo.findById(offer.id))).toBe(true)
              expect(yield* repo.listForRequest(offer.requestId)).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("updateMany replaces each stored offer wholly, and stores none never inserted", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbOffers(6),
          fc.array(arbOffer(), { minLength: 6, maxLength: 6 }),
          fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
          (offers, changes, inserted) =>
            run(
              Effect.gen(function* () {
                const repo = yield* OfferRepository
                const stored = offers.filter((_, i) => inserted[i])
                yield* insertAll(stored)
                const changed = offers.map((o, i): Offer => ({ ...changes[i]!, id: o.id }))
                yield* repo.updateMany(changed)
                for (const [i, offer] of changed.entries()) {
                  expect(Option.getOrUndefined(yield* repo.findById(offer.id))).toEqual(
                    inserted[i] ? offer : undefined,
                  )
                }
                yield* repo.updateMany([])
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("lists a request's offers in the given states, locked or not, in listForRequest's order", async () => {
      const arbStates = fc.subarray([...offerStateList] as Array<OfferState>)
      await fc.assert(
        fc.asyncProperty(
          arbSpread,
          arbStates,
          fc.boolean(),
          ({ offers, requests }, states, forUpdate) =>
            run(
              Effect.gen(function* () {
                const repo = yield* OfferRepository
                yield* insertAll(offers)
                for (const requestId of requests) {
                  expect(yield* repo.listForRequest(requestId, { states, forUpdate })).toEqual(
                    (yield* repo.listForRequest(requestId)).filter((o) => states.includes(o.state)),
                  )
                  expect(yield* repo.listForRequest(requestId, { forUpdate })).toEqual(
                    yield* repo.listForRequest(requestId),
                  )
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("lists by request (oldest first) and by provider (newest first, by state), ties by id; counts accepted offers", async () => {
      const arbStates = fc.subarray([...offerStateList] as Array<OfferState>, { minLength: 1 })
      await fc.assert(
        fc.asyncProperty(arbSpread, arbStates, ({ offers, requests, providers }, states) =>
          run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              yield* insertAll(offers)
              for (const requestId of requests) {
                expect(yield* repo.listForRequest(requestId)).toEqual(
                  offers
                    .filter((o) => o.requestId === requestId)
                    .sort((a, b) => a.offeredAt - b.offeredAt || compareText(a.id, b.id)),
                )
              }
              for (const providerId of providers) {
                const mine = offers
                  .filter((o) => o.providerId === providerId)
                  .sort((a, b) => b.offeredAt - a.offeredAt || compareText(a.id, b.id))
                expect(yield* repo.listForProvider(providerId)).toEqual(mine)
                expect(yield* repo.listForProvider(providerId, { states })).toEqual(
                  mine.filter((o) => states.includes(o.state)),
                )
                expect(yield* repo.countOpenAssignments(providerId)).toBe(
                  mine.filter((o) => o.state === "accepted").length,
                )
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("lists due offers: open, deadline at or before the time, earliest first, ties by id, at most the limit", async () => {
      // Two deadlines shared by many offers so that ties matter; `at` falls on, between or
      // around them so that "at or before" is tested at its edge.
      const arbDue = fc
        .tuple(arbOffers(8), fc.tuple(arbInstant, arbInstant), fc.integer({ min: -1, max: 1 }))
        .map(([offers, [t1, t2], shift]) => {
          const times = [t1, t2]
          const spread = offers.map(
            (o, i): Offer => ({
              ...o,
              expiresAt: times[i % 2]!,
              ...(o.holdExpiresAt === undefined ? {} : { holdExpiresAt: times[(i >> 1) % 2]! }),
            }),
          )
          return { offers: spread, at: (Math.min(t1, t2) + shift) as Instant }
        })
      await fc.assert(
        fc.asyncProperty(
          arbDue,
          fc.integer({ min: 0, max: 10 }),
          fc.boolean(),
          ({ offers, at }, limit, late) =>
            run(
              Effect.gen(function* () {
                const repo = yield* OfferRepository
                yield* insertAll(offers)
                const when = late ? ((at + 100 * 86_400_000) as Instant) : at
                const expected = offers
                  .flatMap((offer) => {
                    const deadline = offerDeadline(offer)
                    return deadline !== undefined && deadline <= when ? [{ offer, deadline }] : []
                  })
                  .sort((a, b) => a.deadline - b.deadline || compareText(a.offer.id, b.offer.id))
                  .slice(0, limit)
                  .map((due) => due.offer)
                expect(yield* repo.listDue(when, limit)).toEqual(expected)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("an offer closed by update is no longer due; one reopened with a new deadline is", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffer(), arbInstant, (offer, later) =>
          run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              const open: Offer = { ...offer, state: "offered", expiresAt: offer.offeredAt }
              yield* repo.insert(open)
              expect(yield* repo.listDue(open.expiresAt, 5)).toEqual([open])
              yield* repo.update({ ...open, state: "declined" })
              expect(yield* repo.listDue(open.expiresAt, 5)).toEqual([])
              const moved: Offer = { ...open, state: "previewed", expiresAt: later }
              yield* repo.update(moved)
              expect(yield* repo.listDue(later, 5)).toEqual([moved])
              if (later > 0) expect(yield* repo.listDue((later - 1) as Instant, 5)).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbOffer(), arbOffer(), arbOffer(), (kept, lost, changes) => {
          fc.pre(kept.id !== lost.id)
          return run(
            Effect.gen(function* () {
              const repo = yield* OfferRepository
              yield* repo.insert(kept)
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* repo.insert(lost)
                  yield* repo.findById(kept.id, { forUpdate: true })
                  yield* repo.update({ ...changes, id: kept.id })
                  expect(Option.isSome(yield* repo.findById(lost.id))).toBe(true)
                }),
              )
              expect(Option.isNone(yield* repo.findById(lost.id))).toBe(true)
              expect(Option.getOrUndefined(yield* repo.findById(kept.id))).toEqual(kept)
            }),
          )
        }),
        { numRuns },
      )
    })
  })
}
