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
import { openApplicationStates } from "../domain/application.transitions.ts"
import type { Application } from "../domain/application.ts"
import { type ApplicationFilter, ApplicationRepository } from "../ports/application-repository.ts"
import { applicationStates, arbApplication, arbPartyKind } from "./vetting.arbitraries.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The documented review-queue order: completeness desc, submittedAt (or createdAt) asc, id asc. */
const expectedList = (applications: ReadonlyArray<Application>, filter: ApplicationFilter) => {
  const sorted = applications
    .filter(
      (a) =>
        (filter.states === undefined || filter.states.includes(a.state)) &&
        (filter.role === undefined || a.role === filter.role) &&
        (filter.partyId === undefined || a.partyId === filter.partyId),
    )
    .sort(
      (a, b) =>
        b.completeness - a.completeness ||
        (a.submittedAt ?? a.createdAt) - (b.submittedAt ?? b.createdAt) ||
        compareText(a.id, b.id),
    )
  const from = filter.offset ?? 0
  return filter.limit === undefined ? sorted.slice(from) : sorted.slice(from, from + filter.limit)
}

/** Applications of two parties, with few distinct times and scores so ties happen. */
const arbStored = fc
  .tuple(
    fc.uniqueArray(arbApplication(), { minLength: 1, maxLength: 8, selector: (a) => a.id }),
    fc.tuple(arbPartyId, arbPartyId),
    fc.tuple(arbInstant, arbInstant),
    fc.constantFrom(0, 40, 80, 100),
  )
  .map(([applications, parties, times, score]) => {
    // A party has at most one open application (Postgres enforces it with a unique index),
    // so a party's later applications in an open state are made rejected ones.
    const withOpen = new Set<string>()
    return applications.map((a, i): Application => {
      const partyId = parties[i % 2]!
      const open = openApplicationStates.includes(a.state)
      const state = open && withOpen.has(partyId) ? "rejected" : a.state
      if (open) withOpen.add(partyId)
      return {
        ...a,
        partyId,
        state,
        createdAt: times[i % 2]!,
        ...(a.submittedAt === undefined ? {} : { submittedAt: times[(i + 1) % 2]! }),
        completeness: i % 3 === 0 ? score : a.completeness,
      }
    })
  })

const insertAll = (applications: ReadonlyArray<Application>) =>
  Effect.gen(function* () {
    const repo = yield* ApplicationRepository
    for (const application of applications) yield* repo.insert(application)
  })

/**
 * The contract every ApplicationRepository adapter keeps. `makeLayer` must give fresh,
 * empty storage on every call.
 */
export const applicationRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<ApplicationRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`ApplicationRepository contract: ${name}`, () => {
    it("gives back an inserted application, in any state, as it was inserted", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(arbApplication(), { minLength: 1, maxLength: 6, selector: (a) => a.id }),
          (applications) =>
            run(
              Effect.gen(function* () {
                const repo = yield* ApplicationRepository
                yield* insertAll(applications)
                for (const a of applications) {
                  expect(Option.getOrUndefined(yield* repo.findById(a.id))).toEqual(a)
                  expect(
                    Option.getOrUndefined(yield* repo.findById(a.id, { forUpdate: true })),
                  ).toEqual(a)
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("update replaces the whole stored application; an unknown one stays unknown", async () => {
      await fc.assert(
        fc.asyncProperty(arbApplication(), arbApplication(), (original, changes) => {
          fc.pre(original.id !== changes.id)
          return run(
            Effect.gen(function* () {
              const repo = yield* ApplicationRepository
              const changed: Application = {
                ...changes,
                id: original.id,
                partyId: original.partyId,
              }
              yield* repo.insert(original)
              yield* repo.update(changed)
              yield* repo.update(changes)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
              expect(Option.isNone(yield* repo.findById(changes.id))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("latestForParty is the party's most recent application (createdAt, then greatest id)", async () => {
      await fc.assert(
        fc.asyncProperty(arbStored, arbPartyId, (applications, stranger) => {
          fc.pre(applications.every((a) => a.partyId !== stranger))
          return run(
            Effect.gen(function* () {
              const repo = yield* ApplicationRepository
              yield* insertAll(applications)
              for (const partyId of new Set(applications.map((a) => a.partyId))) {
                const expected = applications
                  .filter((a) => a.partyId === partyId)
                  .sort((a, b) => b.createdAt - a.createdAt || compareText(b.id, a.id))[0]
                expect(Option.getOrUndefined(yield* repo.latestForParty(partyId))).toEqual(expected)
              }
              expect(Option.isNone(yield* repo.latestForParty(stranger))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("list filters by states, role and party, in review-queue order, then limit and offset", async () => {
      const arbFilter = (partyIds: ReadonlyArray<string>): fc.Arbitrary<ApplicationFilter> =>
        fc.record(
          {
            states: fc.subarray([...applicationStates], { minLength: 1 }),
            role: arbPartyKind,
            partyId: fc.constantFrom(...partyIds) as fc.Arbitrary<Application["partyId"]>,
            limit: fc.integer({ min: 1, max: 8 }),
            offset: fc.integer({ min: 0, max: 4 }),
          },
          { requiredKeys: [] },
        )
      const arbCase = arbStored.chain((applications) =>
        fc.tuple(
          fc.constant(applications),
          fc.array(arbFilter(applications.map((a) => a.partyId)), { maxLength: 4 }),
        ),
      )
      await fc.assert(
        fc.asyncProperty(arbCase, ([applications, filters]) =>
          run(
            Effect.gen(function* () {
              const repo = yield* ApplicationRepository
              yield* insertAll(applications)
              for (const filter of [{}, ...filters]) {
                expect(yield* repo.list(filter)).toEqual(expectedList(applications, filter))
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbApplication(), arbApplication(), (kept, lost) => {
          fc.pre(kept.id !== lost.id && kept.partyId !== lost.partyId)
          return run(
            Effect.gen(function* () {
              const repo = yield* ApplicationRepository
              yield* repo.insert(kept)
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* repo.insert(lost)
                  yield* repo.findById(kept.id, { forUpdate: true })
                  yield* repo.update({ ...kept, state: "rejected", completeness: 0 })
                }),
              )
              expect(Option.isNone(yield* repo.findById(lost.id))).toBe(true)
              expect(Option.isNone(yield* repo.latestForParty(lost.partyId))).toBe(true)
              expect(Option.getOrUndefined(yield* repo.findById(kept.id))).toEqual(kept)
              expect(yield* repo.list({})).toEqual([kept])
            }),
          )
        }),
        { numRuns },
      )
    })

    it("keeps what a successful transaction wrote", async () => {
      await fc.assert(
        fc.asyncProperty(arbApplication(), (application) =>
          run(
            Effect.gen(function* () {
              const repo = yield* ApplicationRepository
              const tx = yield* Transactions
              yield* tx.run(repo.insert(application))
              expect(Option.getOrUndefined(yield* repo.findById(application.id))).toEqual(
                application,
              )
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
