import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { runFresh } from "../../shared/testing/contract-kit.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import {
  applyTransfer,
  emptyLedger,
  openAccount,
  sameTransferFields,
} from "../domain/ledger.ops.ts"
import { Ledger } from "../ports/ledger.ts"
import { arbLedgerScenario } from "./ledger.arbitraries.ts"
import { ledgerErrorKey } from "./ledger.contract.ts"
import { layerLedgerInMemoryStandalone } from "./ledger.fake.ts"

const run = runFresh(layerLedgerInMemoryStandalone)

describe("the in-memory Ledger", () => {
  it("for any transfers, replays and conflicting replays: units sum to zero, no wallet below zero", async () => {
    await fc.assert(
      fc.asyncProperty(arbLedgerScenario({ maxLength: 40 }), ({ accounts, steps }) =>
        run(
          Effect.gen(function* () {
            const ledger = yield* Ledger
            let model = emptyLedger
            for (const account of accounts) {
              yield* ledger.openAccount(account)
              model = Result.getOrThrow(openAccount(model, account))[0]
            }
            for (const step of steps) {
              const first = model.transfers.get(step.request.id)
              const outcome = yield* Effect.result(ledger.transfer(step.request, step.at))
              const expected = applyTransfer(model, step.request, step.at)
              if (first !== undefined && sameTransferFields(first, step.request)) {
                expect(Result.getOrUndefined(outcome)).toEqual(first)
              } else if (first !== undefined) {
                expect(Result.isFailure(outcome) && ledgerErrorKey(outcome.failure)).toEqual({
                  _tag: "IdempotencyConflict",
                  transferId: step.request.id,
                })
              }
              if (Result.isSuccess(expected)) {
                model = expected.success[0]
                expect(Result.getOrUndefined(outcome)).toEqual(expected.success[1])
              } else {
                expect(Result.isFailure(outcome) && ledgerErrorKey(outcome.failure)).toEqual(
                  ledgerErrorKey(expected.failure),
                )
              }
              const sums = new Map<string, bigint>()
              for (const account of accounts) {
                const balance = yield* ledger.balance(account.id)
                expect(balance).toBe(model.balances.get(account.id))
                if (account.noOverdraft) expect(balance).toBeGreaterThanOrEqual(0n)
                sums.set(account.unit, (sums.get(account.unit) ?? 0n) + balance)
              }
              for (const sum of sums.values()) expect(sum).toBe(0n)
            }
            expect((yield* ledger.check()).ok).toBe(true)
          }),
        ),
      ),
      { numRuns: 100 },
    )
  })

  it("fails with PersistenceUnavailable and changes nothing while the store is offline", async () => {
    await fc.assert(
      fc.asyncProperty(arbLedgerScenario({ maxLength: 5 }), ({ accounts, steps }) =>
        run(
          Effect.gen(function* () {
            const ledger = yield* Ledger
            const store = yield* InMemoryStore
            for (const account of accounts) yield* ledger.openAccount(account)
            const before = yield* store.snapshot
            yield* store.setOffline(true)
            for (const step of steps) {
              const outcome = yield* Effect.result(ledger.transfer(step.request, step.at))
              expect(Result.isFailure(outcome) && outcome.failure._tag).toBe(
                "PersistenceUnavailable",
              )
            }
            const check = yield* Effect.result(ledger.check())
            expect(Result.isFailure(check)).toBe(true)
            yield* store.setOffline(false)
            expect(yield* store.snapshot).toEqual(before)
          }),
        ),
      ),
      { numRuns: 20 },
    )
  })
})
