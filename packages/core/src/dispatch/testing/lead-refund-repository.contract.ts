import { Effect, Exit, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { LeadRefund } from "../domain/lead-refund.ts"
import { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import { arbLeadRefund, leadRefundStateList } from "./lead-refund.arbitraries.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Claims on distinct offers (the port keeps one per offer), with distinct ids. */
const arbClaims = (maxLength: number) =>
  fc
    .uniqueArray(arbLeadRefund(), { minLength: 1, maxLength, selector: (r) => r.id })
    .filter((claims) => new Set(claims.map((c) => c.offerId)).size === claims.length)

/** Claims sharing two request times, so that the order's tie-break by id matters. */
const arbSpread = fc
  .tuple(arbClaims(8), fc.tuple(arbInstant, arbInstant))
  .map(([claims, times]) =>
    claims.map((c, i): LeadRefund => ({ ...c, requestedAt: times[i % 2]! })),
  )

const insertAll = (claims: ReadonlyArray<LeadRefund>) =>
  Effect.gen(function* () {
    const repo = yield* LeadRefundRepository
    for (const claim of claims) yield* repo.insert(claim)
  })

/**
 * The contract every LeadRefundRepository adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call. Claims refer to offers, requests and providers by id only.
 */
export const leadRefundRepositoryContract = (
  name: string,
  makeLayer: MakeLayer<LeadRefundRepository>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`LeadRefundRepository contract: ${name}`, () => {
    it("gives back an inserted claim exactly as inserted, by id (locked or not) and by offer", async () => {
      await fc.assert(
        fc.asyncProperty(arbClaims(4), (claims) =>
          run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              yield* insertAll(claims)
              for (const claim of claims) {
                expect(Option.getOrUndefined(yield* repo.findById(claim.id))).toEqual(claim)
                expect(
                  Option.getOrUndefined(yield* repo.findById(claim.id, { forUpdate: true })),
                ).toEqual(claim)
                expect(Option.getOrUndefined(yield* repo.findByOffer(claim.offerId))).toEqual(claim)
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("finds nothing for an unknown id or offer, and lists nothing when empty", async () => {
      await fc.assert(
        fc.asyncProperty(arbLeadRefund(), arbLeadRefund(), (stored, unknown) => {
          fc.pre(unknown.id !== stored.id && unknown.offerId !== stored.offerId)
          return run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              expect(yield* repo.list()).toEqual([])
              yield* repo.insert(stored)
              expect(Option.isNone(yield* repo.findById(unknown.id))).toBe(true)
              expect(Option.isNone(yield* repo.findByOffer(unknown.offerId))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("refuses a second claim on the same offer and keeps the first", async () => {
      await fc.assert(
        fc.asyncProperty(arbLeadRefund(), arbLeadRefund(), (first, second) => {
          fc.pre(first.id !== second.id)
          return run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              yield* repo.insert(first)
              const again = yield* Effect.exit(repo.insert({ ...second, offerId: first.offerId }))
              expect(Exit.isFailure(again)).toBe(true)
              expect(Option.getOrUndefined(yield* repo.findByOffer(first.offerId))).toEqual(first)
              expect(Option.isNone(yield* repo.findById(second.id))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("update replaces the whole claim, dropping fields the new one lacks", async () => {
      await fc.assert(
        fc.asyncProperty(arbLeadRefund(), arbLeadRefund(), (original, changes) =>
          run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              const changed: LeadRefund = { ...changes, id: original.id }
              yield* repo.insert(original)
              yield* repo.update(changed)
              expect(Option.getOrUndefined(yield* repo.findById(original.id))).toEqual(changed)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("update of a claim that was never inserted stores nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbLeadRefund(), (claim) =>
          run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              yield* repo.update(claim)
              expect(Option.isNone(yield* repo.findById(claim.id))).toBe(true)
              expect(yield* repo.list()).toEqual([])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("lists oldest first, ties by id, all or by state, the first `limit`", async () => {
      await fc.assert(
        fc.asyncProperty(arbSpread, (claims) =>
          run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              yield* insertAll(claims)
              const ordered = [...claims].sort(
                (a, b) => a.requestedAt - b.requestedAt || compareText(a.id, b.id),
              )
              expect(yield* repo.list()).toEqual(ordered)
              expect(yield* repo.list({})).toEqual(ordered)
              for (const state of leadRefundStateList) {
                expect(yield* repo.list({ state })).toEqual(
                  ordered.filter((c) => c.state === state),
                )
              }
              for (const limit of [1, 2, claims.length + 1]) {
                expect(yield* repo.list({ limit })).toEqual(ordered.slice(0, limit))
                const state = ordered[0]?.state ?? "requested"
                expect(yield* repo.list({ state, limit })).toEqual(
                  ordered.filter((c) => c.state === state).slice(0, limit),
                )
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing written inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbClaims(3), arbLeadRefund(), (claims, changes) => {
          fc.pre(claims.length >= 2)
          const [kept, lost] = claims as [LeadRefund, LeadRefund]
          return run(
            Effect.gen(function* () {
              const repo = yield* LeadRefundRepository
              yield* repo.insert(kept)
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* repo.insert(lost)
                  yield* repo.findById(kept.id, { forUpdate: true })
                  yield* repo.update({ ...changes, id: kept.id, offerId: kept.offerId })
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
