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
import { arbInstant, arbPhone } from "../../shared/testing/shared.arbitraries.ts"
import { Transactions } from "../../shared/transactions.ts"
import type { Party } from "../domain/party.ts"
import { type PartyFilter, PartyRepository } from "../ports/party-repository.ts"
import { arbCohort, arbParty, arbPartyKind, arbPartyStatus } from "./vetting.arbitraries.ts"

/** Distinct ids and distinct phones, as the database's keys demand. */
const arbParties = (maxLength: number) =>
  fc.uniqueArray(arbParty(), {
    minLength: 1,
    maxLength,
    comparator: (a, b) => a.id === b.id || a.phone === b.phone,
  })

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The documented order of `list`: newest first, equal creation times by id ascending. */
const expectedList = (parties: ReadonlyArray<Party>, filter: PartyFilter) => {
  const sorted = parties
    .filter(
      (p) =>
        (filter.kind === undefined || p.kind === filter.kind) &&
        (filter.status === undefined || p.status === filter.status) &&
        (filter.cohort === undefined || p.cohort === filter.cohort),
    )
    .sort((a, b) => b.createdAt - a.createdAt || compareText(a.id, b.id))
  const from = filter.offset ?? 0
  return filter.limit === undefined ? sorted.slice(from) : sorted.slice(from, from + filter.limit)
}

const insertAll = (parties: ReadonlyArray<Party>) =>
  Effect.gen(function* () {
    const repo = yield* PartyRepository
    for (const party of parties) yield* repo.insert(party)
  })

/**
 * The contract every PartyRepository adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call: each test (and each property run) builds its own.
 */
export const partyRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<PartyRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`PartyRepository contract: ${name}`, () => {
    it("gives back an inserted party, by id and by phone, as it was inserted", async () => {
      await fc.assert(
        fc.asyncProperty(arbParties(4), (parties) =>
          run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              yield* insertAll(parties)
              for (const party of parties) {
                expect(Option.getOrUndefined(yield* repo.findById(party.id))).toEqual(party)
                expect(
                  Option.getOrUndefined(yield* repo.findById(party.id, { forUpdate: true })),
                ).toEqual(party)
                expect(Option.getOrUndefined(yield* repo.findByPhone(party.phone))).toEqual(party)
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id or phone", async () => {
      await fc.assert(
        fc.asyncProperty(arbParty(), arbParty(), arbPhone, (stored, unknown, phone) => {
          fc.pre(unknown.id !== stored.id && phone !== stored.phone)
          return run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              yield* repo.insert(stored)
              expect(Option.isNone(yield* repo.findById(unknown.id))).toBe(true)
              expect(Option.isNone(yield* repo.findByPhone(phone))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("update replaces the whole stored party", async () => {
      await fc.assert(
        fc.asyncProperty(arbParty(), arbParty(), (original, changes) =>
          run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              const changed: Party = { ...changes, id: original.id, phone: original.phone }
              yield* repo.insert(original)
              yield* repo.update(changed)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("update of a party that was never inserted stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbParty(), (party) =>
          run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              yield* repo.update(party)
              expect(Option.isNone(yield* repo.findById(party.id))).toBe(true)
              expect(yield* repo.list({})).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("list filters by kind, status and cohort, newest first, then by limit and offset", async () => {
      const arbFilter: fc.Arbitrary<PartyFilter> = fc.record(
        {
          kind: arbPartyKind,
          status: arbPartyStatus,
          cohort: arbCohort,
          limit: fc.integer({ min: 1, max: 8 }),
          offset: fc.integer({ min: 0, max: 4 }),
        },
        { requiredKeys: [] },
      )
      // Few distinct creation times, so ties (broken by id) happen.
      const arbStored = fc
        .tuple(arbParties(8), fc.array(arbInstant, { minLength: 2, maxLength: 2 }))
        .map(([parties, times]) =>
          parties.map((p, i) => ({ ...p, createdAt: times[i % 2]!, updatedAt: times[i % 2]! })),
        )
      await fc.assert(
        fc.asyncProperty(arbStored, fc.array(arbFilter, { maxLength: 4 }), (parties, filters) =>
          run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              yield* insertAll(parties)
              for (const filter of [{}, ...filters]) {
                expect(yield* repo.list(filter)).toEqual(expectedList(parties, filter))
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbParty(), arbParty(), arbParty(), (kept, lost, changes) => {
          fc.pre(kept.id !== lost.id && kept.phone !== lost.phone)
          return run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              yield* repo.insert(kept)
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* repo.insert(lost)
                  yield* repo.findById(kept.id, { forUpdate: true })
                  yield* repo.update({ ...changes, id: kept.id, phone: kept.phone })
                  // Inside the transaction its own writes are visible.
                  expect(Option.isSome(yield* repo.findById(lost.id))).toBe(true)
                }),
              )
              expect(Option.isNone(yield* repo.findById(lost.id))).toBe(true)
              expect(Option.isNone(yield* repo.findByPhone(lost.phone))).toBe(true)
              expect(Option.getOrUndefined(yield* repo.findById(kept.id))).toEqual(kept)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("keeps what a transaction wrote once it succeeds, nested transactions joining it", async () => {
      await fc.assert(
        fc.asyncProperty(arbParties(3), (parties) =>
          run(
            Effect.gen(function* () {
              const repo = yield* PartyRepository
              const tx = yield* Transactions
              yield* tx.run(
                Effect.forEach(parties, (p) => tx.run(repo.insert(p)), { discard: true }),
              )
              for (const party of parties) {
                expect(Option.getOrUndefined(yield* repo.findById(party.id))).toEqual(party)
              }
              // A nested transaction that succeeded is still undone when the outer one fails.
              const first = parties[0]!
              const status = first.status === "suspended" ? "active" : "suspended"
              yield* inFailingTransaction(tx.run(repo.update({ ...first, status })))
              expect(Option.getOrUndefined(yield* repo.findById(first.id))).toEqual(first)
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
