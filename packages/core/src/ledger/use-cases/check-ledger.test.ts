import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { runFresh } from "../../shared/testing/contract-kit.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { Transfer } from "../domain/ledger.ts"
import { Ledger } from "../ports/ledger.ts"
import { arbLedgerScenario, type LedgerScenario } from "../testing/ledger.arbitraries.ts"
import { layerLedgerInMemoryStandalone, ledgerStateOf } from "../testing/ledger.fake.ts"
import { checkLedger } from "./check-ledger.ts"

const run = runFresh(layerLedgerInMemoryStandalone)

const playScenario = (scenario: LedgerScenario) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    for (const account of scenario.accounts) yield* ledger.openAccount(account)
    for (const step of scenario.steps) yield* Effect.result(ledger.transfer(step.request, step.at))
  })

describe("checkLedger", () => {
  it("reports a ledger that only the Ledger port wrote to as healthy", async () => {
    await fc.assert(
      fc.asyncProperty(arbLedgerScenario(), (scenario) =>
        run(
          Effect.gen(function* () {
            yield* playScenario(scenario)
            const report = yield* checkLedger({})
            expect(report.ok).toBe(true)
            expect(report.accounts).toBe(scenario.accounts.length)
            expect(yield* checkLedger()).toEqual(report)
          }),
        ),
      ),
      { numRuns: 30 },
    )
  })

  it("names the accounts a corrupted ledger breaks", async () => {
    await fc.assert(
      fc.asyncProperty(arbLedgerScenario(), (scenario) => {
        const wallet = scenario.accounts.find((a) => a.noOverdraft)!
        return run(
          Effect.gen(function* () {
            yield* playScenario(scenario)
            // A row written behind the ledger's back, as a bad migration might.
            const state = ledgerStateOf(yield* InMemoryStore)
            const held = state.balances.get(wallet.id) ?? 0n
            state.balances.set(wallet.id, -1n)
            const report = yield* checkLedger()
            expect(report.ok).toBe(false)
            expect(report.overdrawn).toEqual([{ accountId: wallet.id, balance: -1n }])
            expect(report.driftedBalances).toEqual([
              { accountId: wallet.id, stored: -1n, fromTransfers: held },
            ])
            const stray: Transfer = {
              id: "~stray",
              debitAccountId: wallet.id,
              creditAccountId: wallet.id,
              amount: 0n as Transfer["amount"],
              unit: wallet.unit,
              reason: "grant",
              links: {},
              createdAt: 0 as Transfer["createdAt"],
            }
            state.transfers.set(stray.id, stray)
            expect((yield* checkLedger()).malformedTransfers).toMatchObject([
              { transferId: "~stray" },
            ])
          }),
        )
      }),
      { numRuns: 20 },
    )
  })

  it("fails with PersistenceUnavailable when the store is offline", async () => {
    await run(
      Effect.gen(function* () {
        const store = yield* InMemoryStore
        yield* store.setOffline(true)
        const outcome = yield* Effect.result(checkLedger())
        expect(Result.isFailure(outcome) && outcome.failure._tag).toBe("PersistenceUnavailable")
      }),
    )
  })
})
