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
import type { ServiceRequest } from "../domain/service-request.ts"
import { type RequestFilter, RequestRepository } from "../ports/request-repository.ts"
import {
  arbRequestState,
  arbServiceRequest,
  requestStateList,
} from "./request-repository.arbitraries.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const arbRequests = (maxLength: number) =>
  fc.uniqueArray(arbServiceRequest(), { minLength: 1, maxLength, selector: (r) => r.id })

/** The documented order of `list`: oldest first, equal creation times by id ascending. */
const expectedList = (requests: ReadonlyArray<ServiceRequest>, filter: RequestFilter) => {
  const sorted = requests
    .filter(
      (r) =>
        (filter.states === undefined || filter.states.includes(r.state)) &&
        (filter.customerId === undefined || r.customerId === filter.customerId) &&
        (filter.cohort === undefined || r.cohort === filter.cohort),
    )
    .sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id))
  const from = filter.offset ?? 0
  return filter.limit === undefined ? sorted.slice(from) : sorted.slice(from, from + filter.limit)
}

const insertAll = (requests: ReadonlyArray<ServiceRequest>) =>
  Effect.gen(function* () {
    const repo = yield* RequestRepository
    for (const request of requests) yield* repo.insert(request)
  })

/**
 * The contract every RequestRepository adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call: each test (and each property run) builds its own. Requests
 * refer to homeowners by id only; a database adapter whose schema enforces a foreign
 * key to parties must run this against a layer that accepts those ids.
 */
export const requestRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<RequestRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`RequestRepository contract: ${name}`, () => {
    it("gives back an inserted request exactly as inserted, locked or not", async () => {
      await fc.assert(
        fc.asyncProperty(arbRequests(4), (requests) =>
          run(
            Effect.gen(function* () {
              const repo = yield* RequestRepository
              yield* insertAll(requests)
              for (const request of requests) {
                // Totals are bigints and come back as bigints, past 2^53 too.
                expect(Option.getOrUndefined(yield* repo.findById(request.id))).toEqual(request)
                expect(
                  Option.getOrUndefined(yield* repo.findById(request.id, { forUpdate: true })),
                ).toEqual(request)
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id", async () => {
      await fc.assert(
        fc.asyncProperty(arbServiceRequest(), arbServiceRequest(), (stored, unknown) => {
          fc.pre(unknown.id !== stored.id)
          return run(
            Effect.gen(function* () {
              const repo = yield* RequestRepository
              yield* repo.insert(stored)
              expect(Option.isNone(yield* repo.findById(unknown.id))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("update replaces the whole stored request, dropping fields the new one lacks", async () => {
      await fc.assert(
        fc.asyncProperty(arbServiceRequest(), arbServiceRequest(), (original, changes) =>
          run(
            Effect.gen(function* () {
              const repo = yield* RequestRepository
              const changed: ServiceRequest = { ...changes, id: original.id }
              yield* repo.insert(original)
              yield* repo.update(changed)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("update of a request that was never inserted stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbServiceRequest(), (request) =>
          run(
            Effect.gen(function* () {
              const repo = yield* RequestRepository
              yield* repo.update(request)
              expect(Option.isNone(yield* repo.findById(request.id))).toBe(true)
              expect(yield* repo.list({})).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("list filters by states, homeowner and cohort, oldest first (ties by id), then pages", async () => {
      const arbFilter = (customers: ReadonlyArray<string>): fc.Arbitrary<RequestFilter> =>
        fc.record(
          {
            states: fc.subarray([...requestStateList], { minLength: 1 }),
            customerId: fc.constantFrom(...(customers as ReadonlyArray<never>)),
            cohort: fc.constantFrom("live" as const, "test" as const),
            limit: fc.integer({ min: 1, max: 8 }),
            offset: fc.integer({ min: 0, max: 4 }),
          },
          { requiredKeys: [] },
        )
      // Two homeowners and two creation times, so filters and ties both matter.
      const arbStored = fc
        .tuple(
          arbRequests(8),
          fc.tuple(arbPartyId, arbPartyId),
          fc.tuple(arbInstant, arbInstant),
          fc.array(arbRequestState, { minLength: 8, maxLength: 8 }),
        )
        .map(([requests, customers, times, states]) => ({
          customers,
          requests: requests.map((r, i) => ({
            ...r,
            customerId: customers[i % 2]!,
            createdAt: times[(i >> 1) % 2]!,
            state: i % 3 === 0 ? states[i]! : r.state,
          })),
        }))
      await fc.assert(
        fc.asyncProperty(
          arbStored.chain(({ customers, requests }) =>
            fc.tuple(fc.constant(requests), fc.array(arbFilter(customers), { maxLength: 4 })),
          ),
          ([requests, filters]) =>
            run(
              Effect.gen(function* () {
                const repo = yield* RequestRepository
                yield* insertAll(requests)
                for (const filter of [{}, ...filters]) {
                  expect(yield* repo.list(filter)).toEqual(expectedList(requests, filter))
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbServiceRequest(),
          arbServiceRequest(),
          arbServiceRequest(),
          (kept, lost, changes) => {
            fc.pre(kept.id !== lost.id)
            return run(
              Effect.gen(function* () {
                const repo = yield* RequestRepository
                yield* repo.insert(kept)
                yield* inFailingTransaction(
                  Effect.gen(function* () {
                    yield* repo.insert(lost)
                    yield* repo.findById(kept.id, { forUpdate: true })
                    yield* repo.update({ ...changes, id: kept.id })
                    // Inside the transaction its own writes are visible.
                    expect(Option.isSome(yield* repo.findById(lost.id))).toBe(true)
                  }),
                )
                expect(Option.isNone(yield* repo.findById(lost.id))).toBe(true)
                expect(Option.getOrUndefined(yield* repo.findById(kept.id))).toEqual(kept)
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("keeps what a transaction wrote once it succeeds, nested transactions joining it", async () => {
      await fc.assert(
        fc.asyncProperty(arbRequests(3), (requests) =>
          run(
            Effect.gen(function* () {
              const repo = yield* RequestRepository
              const tx = yield* Transactions
              yield* tx.run(
                Effect.forEach(requests, (r) => tx.run(repo.insert(r)), { discard: true }),
              )
              for (const request of requests) {
                expect(Option.getOrUndefined(yield* repo.findById(request.id))).toEqual(request)
              }
              const first = requests[0]!
              const state = first.state === "ready" ? "submitted" : "ready"
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
