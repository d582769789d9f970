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
import { Transactions } from "../../shared/transactions.ts"
import type { TopUp } from "../domain/top-up.ts"
import { type TopUpFilter, TopUpRepository } from "../ports/top-up-repository.ts"
import { arbTopUp, arbTopUpReference, arbTopUpState, topUpStateList } from "./wallet.arbitraries.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Distinct ids and distinct references, as the database's keys demand. */
const arbTopUps = (maxLength: number) =>
  fc.uniqueArray(arbTopUp(), {
    minLength: 1,
    maxLength,
    comparator: (a, b) => a.id === b.id || a.reference === b.reference,
  })

/** The documented order of `list`: oldest first, equal creation times by id ascending. */
const expectedList = (topUps: ReadonlyArray<TopUp>, filter: TopUpFilter) => {
  const sorted = topUps
    .filter(
      (t) =>
        (filter.states === undefined || filter.states.includes(t.state)) &&
        (filter.partyId === undefined || t.partyId === filter.partyId),
    )
    .sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id))
  return filter.limit === undefined ? sorted : sorted.slice(0, filter.limit)
}

const insertAll = (topUps: ReadonlyArray<TopUp>) =>
  Effect.gen(function* () {
    const repo = yield* TopUpRepository
    for (const topUp of topUps) yield* repo.insert(topUp)
  })

/**
 * The contract every TopUpRepository adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call: each test (and each property run) builds its own.
 */
export const topUpRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<TopUpRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`TopUpRepository contract: ${name}`, () => {
    it("gives back an inserted top-up, by id and by reference, exactly as inserted", async () => {
      await fc.assert(
        fc.asyncProperty(arbTopUps(4), (topUps) =>
          run(
            Effect.gen(function* () {
              const repo = yield* TopUpRepository
              yield* insertAll(topUps)
              for (const topUp of topUps) {
                // Amounts are bigints and come back as bigints, past 2^53 too.
                expect(Option.getOrUndefined(yield* repo.findById(topUp.id))).toEqual(topUp)
                expect(
                  Option.getOrUndefined(yield* repo.findById(topUp.id, { forUpdate: true })),
                ).toEqual(topUp)
                expect(Option.getOrUndefined(yield* repo.findByReference(topUp.reference))).toEqual(
                  topUp,
                )
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id or reference", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbTopUp(),
          arbTopUp(),
          arbTopUpReference,
          (stored, unknown, reference) => {
            fc.pre(unknown.id !== stored.id && reference !== stored.reference)
            return run(
              Effect.gen(function* () {
                const repo = yield* TopUpRepository
                yield* repo.insert(stored)
                expect(Option.isNone(yield* repo.findById(unknown.id))).toBe(true)
                expect(Option.isNone(yield* repo.findByReference(reference))).toBe(true)
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("update replaces the whole stored top-up, dropping fields the new one lacks", async () => {
      await fc.assert(
        fc.asyncProperty(arbTopUp(), arbTopUp(), (original, changes) =>
          run(
            Effect.gen(function* () {
              const repo = yield* TopUpRepository
              const changed: TopUp = {
                ...changes,
                id: original.id,
                reference: original.reference,
              }
              yield* repo.insert(original)
              yield* repo.update(changed)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("update of a top-up that was never inserted stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbTopUp(), (topUp) =>
          run(
            Effect.gen(function* () {
              const repo = yield* TopUpRepository
              yield* repo.update(topUp)
              expect(Option.isNone(yield* repo.findById(topUp.id))).toBe(true)
              expect(yield* repo.list({})).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("list filters by states and party, oldest first (ties by id), then limits", async () => {
      const arbFilter = (parties: ReadonlyArray<string>): fc.Arbitrary<TopUpFilter> =>
        fc.record(
          {
            states: fc.subarray([...topUpStateList], { minLength: 1 }),
            partyId: fc.constantFrom(...parties),
            limit: fc.integer({ min: 1, max: 8 }),
          },
          { requiredKeys: [] },
        )
      // Two providers and two creation times, so filters and ties both matter.
      const arbStored = fc
        .tuple(
          arbTopUps(8),
          fc.tuple(arbPartyId, arbPartyId),
          fc.tuple(arbInstant, arbInstant),
          fc.array(arbTopUpState, { minLength: 8, maxLength: 8 }),
        )
        .map(([topUps, parties, times, states]) => ({
          parties,
          topUps: topUps.map((t, i) => ({
            ...t,
            partyId: parties[i % 2]!,
            createdAt: times[(i >> 1) % 2]!,
            // Some states repeat, so a states filter keeps several rows.
            state: i % 3 === 0 ? states[i]! : t.state,
          })),
        }))
      await fc.assert(
        fc.asyncProperty(
          arbStored.chain(({ parties, topUps }) =>
            fc.tuple(fc.constant(topUps), fc.array(arbFilter(parties), { maxLength: 4 })),
          ),
          ([topUps, filters]) =>
            run(
              Effect.gen(function* () {
                const repo = yield* TopUpRepository
                yield* insertAll(topUps)
                for (const filter of [{}, ...filters]) {
                  expect(yield* repo.list(filter)).toEqual(expectedList(topUps, filter))
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbTopUp(), arbTopUp(), arbTopUp(), (kept, lost, changes) => {
          fc.pre(kept.id !== lost.id && kept.reference !== lost.reference)
          return run(
            Effect.gen(function* () {
              const repo = yield* TopUpRepository
              yield* repo.insert(kept)
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* repo.insert(lost)
                  yield* repo.findById(kept.id, { forUpdate: true })
                  yield* repo.update({ ...changes, id: kept.id, reference: kept.reference })
                  // Inside the transaction its own writes are visible.
                  expect(Option.isSome(yield* repo.findById(lost.id))).toBe(true)
                }),
              )
              expect(Option.isNone(yield* repo.findById(lost.id))).toBe(true)
              expect(Option.isNone(yield* repo.findByReference(lost.reference))).toBe(true)
              expect(Option.getOrUndefined(yield* repo.findById(kept.id))).toEqual(kept)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("keeps what a transaction wrote once it succeeds, nested transactions joining it", async () => {
      await fc.assert(
        fc.asyncProperty(arbTopUps(3), (topUps) =>
          run(
            Effect.gen(function* () {
              const repo = yield* TopUpRepository
              const tx = yield* Transactions
              yield* tx.run(
                Effect.forEach(topUps, (t) => tx.run(repo.insert(t)), { discard: true }),
              )
              for (const topUp of topUps) {
                expect(Option.getOrUndefined(yield* repo.findById(topUp.id))).toEqual(topUp)
              }
              // A nested transaction that succeeded is still undone when the outer one fails.
              const first = topUps[0]!
              const state = first.state === "cancelled" ? "awaiting_proof" : "cancelled"
              yield* inFailingTransaction(tx.run(repo.update({ ...first, state })))
              expect(Option.getOrUndefined(yield* repo.findById(first.id))).toEqual(first)
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
