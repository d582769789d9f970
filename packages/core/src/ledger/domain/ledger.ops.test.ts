import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import {
  arbAccount,
  arbLedgerScenario,
  arbMoneyUnit,
  arbTransferReason,
  conflictingVariant,
} from "../testing/ledger.arbitraries.ts"
import {
  applyTransfer,
  balanceOf,
  checkLedgerState,
  creditIssuanceAccount,
  creditsAccount,
  debitedSince,
  earningsAccount,
  emptyLedger,
  externalCashAccount,
  type LedgerState,
  openAccount,
  platformRevenueAccount,
  sameTransferFields,
  statementOf,
} from "./ledger.ops.ts"
import { type Account, AccountId, type Amount, type Transfer } from "./ledger.ts"

const openChart = (accounts: ReadonlyArray<Account>): LedgerState =>
  accounts.reduce((s, a) => Result.getOrThrow(openAccount(s, a))[0], emptyLedger)

/** Every invariant of DESIGN.md "Money and credits", checked directly on the state. */
const expectInvariants = (state: LedgerState) => {
  const sums = new Map<string, bigint>()
  for (const account of state.accounts.values()) {
    const balance = state.balances.get(account.id) ?? 0n
    sums.set(account.unit, (sums.get(account.unit) ?? 0n) + balance)
    if (account.noOverdraft) expect(balance).toBeGreaterThanOrEqual(0n)
    // The stored balance is the sum of the account's transfers.
    let fromTransfers = 0n
    for (const t of state.transfers.values()) {
      if (t.creditAccountId === account.id) fromTransfers += t.amount
      if (t.debitAccountId === account.id) fromTransfers -= t.amount
    }
    expect(balance).toBe(fromTransfers)
  }
  for (const sum of sums.values()) expect(sum).toBe(0n)
  expect(checkLedgerState(state).ok).toBe(true)
}

describe("transfers (pure rules)", () => {
  it("keep every unit at zero, no no-overdraft account negative, balances equal to transfers", () => {
    fc.assert(
      fc.property(arbLedgerScenario({ maxLength: 40 }), ({ accounts, steps }) => {
        let state = openChart(accounts)
        for (const step of steps) {
          const before = state
          const outcome = applyTransfer(state, step.request, step.at)
          if (Result.isSuccess(outcome)) state = outcome.success[0]
          // A refused transfer leaves the state exactly as it was.
          else expect(state).toBe(before)
          expectInvariants(state)
        }
      }),
      { numRuns: 300 },
    )
  })

  it("a replay returns the first transfer and changes nothing; a conflicting one fails", () => {
    fc.assert(
      fc.property(
        arbLedgerScenario({ maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        arbInstant,
        ({ accounts, steps }, pick, which, later) => {
          let state = openChart(accounts)
          for (const step of steps) {
            const outcome = applyTransfer(state, step.request, step.at)
            if (Result.isSuccess(outcome)) state = outcome.success[0]
          }
          const recorded = [...state.transfers.values()]
          fc.pre(recorded.length > 0)
          const first = recorded[pick % recorded.length]!
          const replay = Result.getOrThrow(applyTransfer(state, first, later))
          expect(replay[0]).toBe(state)
          expect(replay[1]).toBe(first)
          const conflict = applyTransfer(state, conflictingVariant(first, which), later)
          expect(Result.isFailure(conflict) && conflict.failure._tag).toBe("IdempotencyConflict")
        },
      ),
      { numRuns: 300 },
    )
  })

  it("the scenario's own steps behave: replays repeat, conflicts of recorded ids fail", () => {
    fc.assert(
      fc.property(arbLedgerScenario({ maxLength: 40 }), ({ accounts, steps }) => {
        let state = openChart(accounts)
        for (const step of steps) {
          const first = state.transfers.get(step.request.id)
          const outcome = applyTransfer(state, step.request, step.at)
          if (first !== undefined) {
            if (sameTransferFields(first, step.request)) {
              expect(Result.getOrThrow(outcome)).toEqual([state, first])
            } else {
              expect(Result.isFailure(outcome) && outcome.failure._tag).toBe("IdempotencyConflict")
            }
          }
          if (Result.isSuccess(outcome)) state = outcome.success[0]
        }
      }),
      { numRuns: 200 },
    )
  })

  it("moves exactly the amount, or refuses a no-overdraft debit beyond the balance", () => {
    fc.assert(
      fc.property(
        arbPartyId,
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        arbInstant,
        (party, held, wanted, at) => {
          const issuance = creditIssuanceAccount(at)
          const credits = creditsAccount(party, at)
          const revenue = platformRevenueAccount("CREDIT", at)
          let state = openChart([issuance, credits, revenue])
          if (held > 0n) {
            state = Result.getOrThrow(
              applyTransfer(
                state,
                {
                  id: "grant",
                  debitAccountId: issuance.id,
                  creditAccountId: credits.id,
                  amount: held as Amount,
                  unit: "CREDIT",
                  reason: "grant",
                  links: {},
                },
                at,
              ),
            )[0]
          }
          const outcome = applyTransfer(
            state,
            {
              id: "spend",
              debitAccountId: credits.id,
              creditAccountId: revenue.id,
              amount: wanted as Amount,
              unit: "CREDIT",
              reason: "lead_unlock",
              links: {},
            },
            at,
          )
          if (wanted <= held) {
            const [after] = Result.getOrThrow(outcome)
            expect(Result.getOrThrow(balanceOf(after, credits.id))).toBe(held - wanted)
            expect(Result.getOrThrow(balanceOf(after, revenue.id))).toBe(wanted)
            expect(Result.getOrThrow(balanceOf(after, issuance.id))).toBe(-held)
          } else {
            expect(Result.isFailure(outcome) && { ...outcome.failure }).toMatchObject({
              _tag: "InsufficientFunds",
              accountId: credits.id,
              balance: held,
              requested: wanted,
            })
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe("accounts (pure rules)", () => {
  it("opening is idempotent for the same settings and a conflict for others", () => {
    fc.assert(
      fc.property(arbAccount(), arbInstant, fc.nat({ max: 3 }), (account, later, change) => {
        const [state, opened] = Result.getOrThrow(openAccount(emptyLedger, account))
        expect(opened).toEqual(account)
        expect(Result.getOrThrow(balanceOf(state, account.id))).toBe(0n)
        const again = Result.getOrThrow(openAccount(state, { ...account, createdAt: later }))
        expect(again[0]).toBe(state)
        expect(again[1]).toBe(opened)
        const other: Account =
          change === 0
            ? { ...account, noOverdraft: !account.noOverdraft }
            : change === 1
              ? { ...account, unit: account.unit === "CREDIT" ? "ZAR" : "CREDIT" }
              : change === 2
                ? {
                    ...account,
                    kind:
                      account.kind === "platform_revenue" ? "external_cash" : "platform_revenue",
                  }
                : { ...account, ownerPartyId: "someone-else" }
        const conflict = openAccount(state, other)
        expect(Result.isFailure(conflict) && conflict.failure._tag).toBe("AccountConflict")
      }),
    )
  })

  it("the chart's helpers give valid ids, and only provider wallets refuse overdraft", () => {
    fc.assert(
      fc.property(arbPartyId, arbMoneyUnit, arbInstant, (party, unit, at) => {
        const chart = [
          creditsAccount(party, at),
          earningsAccount(party, unit, at),
          platformRevenueAccount(unit, at),
          platformRevenueAccount("CREDIT", at),
          creditIssuanceAccount(at),
          externalCashAccount(unit, at),
        ]
        for (const account of chart) {
          expect(Schema.is(AccountId)(account.id)).toBe(true)
          expect(account.noOverdraft).toBe(
            account.kind === "provider_credits" || account.kind === "provider_earnings",
          )
        }
        expect(chart.map((a) => a.id)).toEqual([
          `credits:${party}`,
          `earnings:${party}`,
          `platform:revenue:${unit}`,
          "platform:revenue:CREDIT",
          "platform:credit-issuance",
          `external:cash:${unit}`,
        ])
        expect(chart[0]!.unit).toBe("CREDIT")
        expect(chart[1]!.unit).toBe(unit)
      }),
    )
  })
})

describe("reading (pure rules)", () => {
  it("statements run newest first; balanceAfter chains down to zero; debitedSince sums debits", () => {
    fc.assert(
      fc.property(
        arbLedgerScenario({ maxLength: 30 }),
        arbTransferReason,
        arbInstant,
        ({ accounts, steps }, reason, since) => {
          let state = openChart(accounts)
          const applied: Array<Transfer> = []
          for (const step of steps) {
            const outcome = applyTransfer(state, step.request, step.at)
            if (Result.isSuccess(outcome) && outcome.success[0] !== state) {
              applied.push(outcome.success[1])
              state = outcome.success[0]
            }
          }
          for (const account of accounts) {
            const lines = Result.getOrThrow(statementOf(state, account.id, { limit: 1000 }))
            const mine = applied
              .filter((t) => t.debitAccountId === account.id || t.creditAccountId === account.id)
              .reverse()
            expect(lines.map((l) => l.transfer)).toEqual(mine)
            expect(lines[0]?.balanceAfter ?? 0n).toBe(
              Result.getOrThrow(balanceOf(state, account.id)),
            )
            lines.forEach((line, i) => {
              expect(line.change).toBe(
                line.transfer.creditAccountId === account.id
                  ? line.transfer.amount
                  : -line.transfer.amount,
              )
              expect(line.balanceAfter - line.change).toBe(lines[i + 1]?.balanceAfter ?? 0n)
            })
            expect(debitedSince(state, account.id, reason, since)).toBe(
              mine
                .filter(
                  (t) =>
                    t.debitAccountId === account.id && t.reason === reason && t.createdAt >= since,
                )
                .reduce((s, t) => s + t.amount, 0n),
            )
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe("checkLedgerState", () => {
  /** A healthy ledger with at least one transfer, to corrupt. */
  const arbHealthy = arbLedgerScenario({ maxLength: 30 })
    .map(({ accounts, steps }) => {
      let state = openChart(accounts)
      for (const step of steps) {
        const outcome = applyTransfer(state, step.request, step.at)
        if (Result.isSuccess(outcome)) state = outcome.success[0]
      }
      return state
    })
    .filter((state) => state.transfers.size > 0)

  it("reports a healthy ledger ok, with its counts", () => {
    fc.assert(
      fc.property(arbHealthy, (state) => {
        expect(checkLedgerState(state)).toEqual({
          ok: true,
          accounts: state.accounts.size,
          transfers: state.transfers.size,
          unbalancedUnits: [],
          overdrawn: [],
          driftedBalances: [],
          malformedTransfers: [],
        })
      }),
    )
  })

  it("names an account whose stored balance drifted from its transfers", () => {
    fc.assert(
      fc.property(arbHealthy, fc.nat(), fc.bigInt({ min: 1n, max: 1000n }), (state, pick, by) => {
        const ids = [...state.accounts.keys()]
        const id = ids[pick % ids.length]!
        const stored = (state.balances.get(id) ?? 0n) + by
        const report = checkLedgerState({
          ...state,
          balances: new Map(state.balances).set(id, stored),
        })
        expect(report.ok).toBe(false)
        expect(report.driftedBalances).toEqual([
          { accountId: id, stored, fromTransfers: state.balances.get(id) },
        ])
      }),
    )
  })

  it("names a transfer that breaks a rule, the unit it unbalances and the account it overdraws", () => {
    fc.assert(
      fc.property(arbHealthy, arbInstant, (state, at) => {
        const wallet = [...state.accounts.values()].find((a) => a.noOverdraft)
        const sink = [...state.accounts.values()].find(
          (a) => a.unit === wallet?.unit && a.id !== wallet.id,
        )
        fc.pre(wallet !== undefined && sink !== undefined)
        const balance = state.balances.get(wallet!.id) ?? 0n
        // Written around the rules, as a bad migration or a buggy adapter might.
        const overdraft: Transfer = {
          id: "~overdraft",
          debitAccountId: wallet!.id,
          creditAccountId: sink!.id,
          amount: (balance + 1n) as Amount,
          unit: wallet!.unit,
          reason: "clawback",
          links: {},
          createdAt: at,
        }
        const ghost: Transfer = {
          ...overdraft,
          id: "~ghost",
          amount: 5n as Amount,
          creditAccountId: "credits:nobody" as AccountId,
        }
        const transfers = new Map(state.transfers).set(overdraft.id, overdraft).set(ghost.id, ghost)
        const balances = new Map(state.balances)
          .set(wallet!.id, -1n - 5n)
          .set(sink!.id, (state.balances.get(sink!.id) ?? 0n) + balance + 1n)
        const report = checkLedgerState({ accounts: state.accounts, balances, transfers })
        expect(report.ok).toBe(false)
        expect(report.overdrawn).toEqual([{ accountId: wallet!.id, balance: -6n }])
        expect(report.malformedTransfers.map((m) => m.transferId)).toEqual(["~ghost"])
        expect(report.unbalancedUnits).toEqual([{ unit: wallet!.unit, sum: -5n }])
        expect(report.driftedBalances).toEqual([])
      }),
    )
  })
})
