import { Effect, Option, Result } from "effect"
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
import { Transactions } from "../../shared/transactions.ts"
import {
  creditIssuanceAccount,
  creditsAccount,
  platformRevenueAccount,
  toTransfer,
} from "../domain/ledger.ops.ts"
import type {
  Account,
  AccountId,
  Amount,
  LedgerUnit,
  Transfer,
  TransferReason,
  TransferRequest,
} from "../domain/ledger.ts"
import { Ledger } from "../ports/ledger.ts"
import {
  arbAmount,
  arbChartOfAccounts,
  arbLedgerScenario,
  arbTransferId,
  arbTransferReason,
  arbTransferRequest,
  conflictingVariant,
  type LedgerStep,
} from "./ledger.arbitraries.ts"

/**
 * An error as the contract compares it: its tag and fields. InvalidTransfer's `problem`
 * is prose for people, so only its tag and transfer id count.
 */
export const ledgerErrorKey = (error: unknown): unknown => {
  if (typeof error !== "object" || error === null || !("_tag" in error)) return error
  const e = error as { readonly _tag: string } & Record<string, unknown>
  switch (e._tag) {
    case "InvalidTransfer":
      return { _tag: e._tag, transferId: e.transferId }
    case "AccountNotFound":
    case "AccountConflict":
      return { _tag: e._tag, accountId: e.accountId }
    case "IdempotencyConflict":
      return { _tag: e._tag, transferId: e.transferId }
    case "InsufficientFunds":
      return {
        _tag: e._tag,
        accountId: e.accountId,
        balance: e.balance,
        requested: e.requested,
        unit: e.unit,
      }
    default:
      return e
  }
}

const openAll = (accounts: ReadonlyArray<Account>) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    for (const account of accounts) yield* ledger.openAccount(account)
  })

const balances = (accounts: ReadonlyArray<Account>) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const out = new Map<string, bigint>()
    for (const account of accounts) out.set(account.id, yield* ledger.balance(account.id))
    return out
  })

/** A source that may go negative in the transfer's unit, to fund a no-overdraft debit. */
const sourceFor = (accounts: ReadonlyArray<Account>, unit: LedgerUnit, not: AccountId) =>
  accounts.find((a) => a.unit === unit && !a.noOverdraft && a.id !== not)

/** A flawless request among the chart, its debit account funded first when it must be. */
const arbFundedTransfer = arbChartOfAccounts.chain((accounts) =>
  fc.record({
    accounts: fc.constant(accounts),
    request: arbTransferRequest(accounts, { flawless: true }),
    at: arbInstant,
  }),
)

const fund = (accounts: ReadonlyArray<Account>, request: TransferRequest, at: Instant) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const debit = accounts.find((a) => a.id === request.debitAccountId)!
    if (!debit.noOverdraft) return
    const source = sourceFor(accounts, request.unit, debit.id)!
    yield* ledger.transfer(
      {
        id: `fund:${request.id}`,
        debitAccountId: source.id,
        creditAccountId: debit.id,
        amount: request.amount,
        unit: request.unit,
        reason: "grant",
        links: {},
      },
      at,
    )
  })

/** Runs the steps through the adapter, giving each call's outcome. */
const runSteps = (steps: ReadonlyArray<LedgerStep>) =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    const outcomes: Array<Result.Result<Transfer, unknown>> = []
    for (const step of steps)
      outcomes.push(yield* Effect.result(ledger.transfer(step.request, step.at)))
    return outcomes
  })

/** The transfers the steps recorded, in the order they were applied. */
const recorded = (outcomes: ReadonlyArray<Result.Result<Transfer, unknown>>) => {
  const seen = new Map<string, Transfer>()
  for (const o of outcomes)
    if (Result.isSuccess(o) && !seen.has(o.success.id)) seen.set(o.success.id, o.success)
  return [...seen.values()]
}

const changeFor = (t: Transfer, id: string): bigint =>
  t.creditAccountId === id ? t.amount : t.debitAccountId === id ? -t.amount : 0n

/**
 * The contract every Ledger adapter keeps (DESIGN.md, "Money and credits"). `makeLayer`
 * must give fresh, empty storage on every call: each test (and each run) builds its own.
 */
export const ledgerContract = (
  name: string,
  makeLayer: MakeLayer<Ledger>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`Ledger contract: ${name}`, () => {
    it("opens an account once; opening it again with the same settings gives back the first", async () => {
      await fc.assert(
        fc.asyncProperty(arbChartOfAccounts, arbInstant, (accounts, later) =>
          run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              for (const account of accounts) {
                expect(yield* ledger.openAccount(account)).toEqual(account)
                expect(yield* ledger.openAccount({ ...account, createdAt: later })).toEqual(account)
                expect(Option.getOrUndefined(yield* ledger.findAccount(account.id))).toEqual(
                  account,
                )
                expect(yield* ledger.balance(account.id)).toBe(0n)
                expect(yield* ledger.statement(account.id, { limit: 10 })).toEqual([])
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("refuses to open an account again with other settings, and keeps the first", async () => {
      const arbChange = fc.constantFrom<(a: Account) => Account>(
        (a) => ({ ...a, noOverdraft: !a.noOverdraft }),
        (a) => ({ ...a, unit: a.unit === "CREDIT" ? "ZAR" : "CREDIT" }),
        (a) => ({
          ...a,
          kind: a.kind === "platform_revenue" ? "external_cash" : "platform_revenue",
        }),
        (a) => ({ ...a, ownerPartyId: `${a.ownerPartyId ?? "pty"}-other` }),
      )
      await fc.assert(
        fc.asyncProperty(arbChartOfAccounts, fc.nat(), arbChange, (accounts, pick, change) => {
          const account = accounts[pick % accounts.length]!
          return run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              yield* ledger.openAccount(account)
              const outcome = yield* Effect.result(ledger.openAccount(change(account)))
              expect(Result.isFailure(outcome) && ledgerErrorKey(outcome.failure)).toEqual({
                _tag: "AccountConflict",
                accountId: account.id,
              })
              expect(Option.getOrUndefined(yield* ledger.findAccount(account.id))).toEqual(account)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("knows nothing of accounts and transfers it never saw", async () => {
      await fc.assert(
        fc.asyncProperty(arbPartyId, arbTransferId, arbInstant, (party, transferId, since) =>
          run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              const id = creditsAccount(party, since).id
              expect(Option.isNone(yield* ledger.findAccount(id))).toBe(true)
              expect(Option.isNone(yield* ledger.findTransfer(transferId))).toBe(true)
              const missing = { _tag: "AccountNotFound", accountId: id }
              const balance = yield* Effect.result(ledger.balance(id))
              expect(Result.isFailure(balance) && ledgerErrorKey(balance.failure)).toEqual(missing)
              const statement = yield* Effect.result(ledger.statement(id, { limit: 5 }))
              expect(Result.isFailure(statement) && ledgerErrorKey(statement.failure)).toEqual(
                missing,
              )
              expect(yield* ledger.debitedSince(id, "lead_unlock", since)).toBe(0n)
              const report = yield* ledger.check()
              expect(report).toEqual({
                ok: true,
                accounts: 0,
                transfers: 0,
                unbalancedUnits: [],
                overdrawn: [],
                driftedBalances: [],
                malformedTransfers: [],
              })
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("moves the amount from the debit to the credit account, recording the transfer as asked", async () => {
      await fc.assert(
        fc.asyncProperty(arbFundedTransfer, ({ accounts, request, at }) =>
          run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              yield* openAll(accounts)
              yield* fund(accounts, request, at)
              const before = yield* balances(accounts)
              const transfer = yield* ledger.transfer(request, at)
              expect(transfer).toEqual(toTransfer(request, at))
              expect(Option.getOrUndefined(yield* ledger.findTransfer(request.id))).toEqual(
                transfer,
              )
              const after = yield* balances(accounts)
              for (const account of accounts) {
                expect(after.get(account.id)).toBe(
                  before.get(account.id)! + changeFor(transfer, account.id),
                )
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("a replay returns the first transfer, with its time, and moves nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbFundedTransfer, arbInstant, ({ accounts, request, at }, later) =>
          run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              const tx = yield* Transactions
              yield* openAll(accounts)
              yield* fund(accounts, request, at)
              const first = yield* ledger.transfer(request, at)
              const before = yield* balances(accounts)
              expect(yield* ledger.transfer(request, later)).toEqual(first)
              expect(yield* tx.run(ledger.transfer(request, later))).toEqual(first)
              expect(yield* balances(accounts)).toEqual(before)
              const statement = yield* ledger.statement(request.creditAccountId, { limit: 100 })
              expect(statement.filter((l) => l.transfer.id === request.id)).toHaveLength(1)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("a conflicting replay fails with IdempotencyConflict and moves nothing", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbFundedTransfer,
          fc.integer({ min: 0, max: 4 }),
          arbInstant,
          ({ accounts, request, at }, which, later) =>
            run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                yield* openAll(accounts)
                yield* fund(accounts, request, at)
                const first = yield* ledger.transfer(request, at)
                const before = yield* balances(accounts)
                const outcome = yield* Effect.result(
                  ledger.transfer(conflictingVariant(request, which), later),
                )
                expect(Result.isFailure(outcome) && ledgerErrorKey(outcome.failure)).toEqual({
                  _tag: "IdempotencyConflict",
                  transferId: request.id,
                })
                expect(yield* balances(accounts)).toEqual(before)
                expect(Option.getOrUndefined(yield* ledger.findTransfer(request.id))).toEqual(first)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("refuses a transfer that breaks a rule, and leaves its id free", async () => {
      type Flaw = "same-account" | "unit" | "unknown-debit" | "unknown-credit" | "zero" | "negative"
      const arbFlaw = fc.constantFrom<Flaw>(
        "same-account",
        "unit",
        "unknown-debit",
        "unknown-credit",
        "zero",
        "negative",
      )
      await fc.assert(
        fc.asyncProperty(
          arbFundedTransfer,
          arbFlaw,
          arbPartyId,
          ({ accounts, request, at }, flaw, stranger) => {
            const unknown = creditsAccount(stranger, at).id
            const flawed: TransferRequest =
              flaw === "same-account"
                ? { ...request, creditAccountId: request.debitAccountId }
                : flaw === "unit"
                  ? { ...request, unit: request.unit === "CREDIT" ? "ZAR" : "CREDIT" }
                  : flaw === "unknown-debit"
                    ? { ...request, debitAccountId: unknown }
                    : flaw === "unknown-credit"
                      ? { ...request, creditAccountId: unknown }
                      : { ...request, amount: (flaw === "zero" ? 0n : -request.amount) as Amount }
            const expected =
              flaw === "unknown-debit" || flaw === "unknown-credit"
                ? { _tag: "AccountNotFound", accountId: unknown }
                : { _tag: "InvalidTransfer", transferId: request.id }
            return run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                yield* openAll(accounts)
                yield* fund(accounts, request, at)
                const before = yield* balances(accounts)
                const outcome = yield* Effect.result(ledger.transfer(flawed, at))
                expect(Result.isFailure(outcome) && ledgerErrorKey(outcome.failure)).toEqual(
                  expected,
                )
                expect(Option.isNone(yield* ledger.findTransfer(request.id))).toBe(true)
                expect(yield* balances(accounts)).toEqual(before)
                // Nothing was kept under the id, so a good request may still use it.
                expect(yield* ledger.transfer(request, at)).toEqual(toTransfer(request, at))
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("never takes a no-overdraft account below zero; other accounts may go negative", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbPartyId,
          arbAmount,
          fc.bigInt({ min: 1n, max: 10n ** 6n }),
          arbInstant,
          (party, held, extra, at) =>
            run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                const issuance = creditIssuanceAccount(at)
                const credits = creditsAccount(party, at)
                const revenue = platformRevenueAccount("CREDIT", at)
                yield* openAll([issuance, credits, revenue])
                const move = (id: string, from: Account, to: Account, amount: bigint) =>
                  ledger.transfer(
                    {
                      id,
                      debitAccountId: from.id,
                      creditAccountId: to.id,
                      amount: amount as Amount,
                      unit: "CREDIT",
                      reason: "lead_unlock",
                      links: {},
                    },
                    at,
                  )
                yield* move("grant", issuance, credits, held)
                expect(yield* ledger.balance(issuance.id)).toBe(-held)
                const refused = yield* Effect.result(
                  move("too-much", credits, revenue, held + extra),
                )
                expect(Result.isFailure(refused) && ledgerErrorKey(refused.failure)).toEqual({
                  _tag: "InsufficientFunds",
                  accountId: credits.id,
                  balance: held,
                  requested: held + extra,
                  unit: "CREDIT",
                })
                expect(yield* ledger.balance(credits.id)).toBe(held)
                yield* move("all-of-it", credits, revenue, held)
                expect(yield* ledger.balance(credits.id)).toBe(0n)
                const empty = yield* Effect.result(move("one-more", credits, revenue, 1n))
                expect(Result.isFailure(empty) && ledgerErrorKey(empty.failure)).toMatchObject({
                  _tag: "InsufficientFunds",
                  balance: 0n,
                })
                expect((yield* ledger.check()).ok).toBe(true)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("a statement lists the account's transfers newest first, each with the balance after it", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbLedgerScenario(),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 0, max: 6 }),
          ({ accounts, steps }, limit, offset) =>
            run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                yield* openAll(accounts)
                const applied = recorded(yield* runSteps(steps))
                for (const account of accounts) {
                  const mine = applied.filter((t) => changeFor(t, account.id) !== 0n).reverse()
                  const full = yield* ledger.statement(account.id, { limit: 1000 })
                  expect(full.map((l) => l.transfer)).toEqual(mine)
                  expect(full.map((l) => l.change)).toEqual(
                    mine.map((t) => changeFor(t, account.id)),
                  )
                  // Newest line's balance is the balance; each older line's is less this change.
                  const balance = yield* ledger.balance(account.id)
                  expect(full[0]?.balanceAfter ?? 0n).toBe(balance)
                  full.forEach((line, i) => {
                    expect(line.balanceAfter - line.change).toBe(full[i + 1]?.balanceAfter ?? 0n)
                  })
                  expect(yield* ledger.statement(account.id, { limit, offset })).toEqual(
                    full.slice(offset, offset + limit),
                  )
                  expect(yield* ledger.statement(account.id, { limit })).toEqual(
                    full.slice(0, limit),
                  )
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("debitedSince sums what the account paid for a reason from an instant on", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbLedgerScenario(),
          arbTransferReason,
          arbInstant,
          ({ accounts, steps }, anyReason, anyInstant) =>
            run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                yield* openAll(accounts)
                const applied = recorded(yield* runSteps(steps))
                const expected = (id: string, reason: TransferReason, since: Instant) =>
                  applied
                    .filter(
                      (t) => t.debitAccountId === id && t.reason === reason && t.createdAt >= since,
                    )
                    .reduce((sum, t) => sum + t.amount, 0n)
                for (const account of accounts) {
                  expect(yield* ledger.debitedSince(account.id, anyReason, anyInstant)).toBe(
                    expected(account.id, anyReason, anyInstant),
                  )
                }
                // From each transfer's own instant: "at or after" counts the transfer itself.
                for (const t of applied) {
                  const sum = yield* ledger.debitedSince(t.debitAccountId, t.reason, t.createdAt)
                  expect(sum).toBe(expected(t.debitAccountId, t.reason, t.createdAt))
                  expect(sum).toBeGreaterThanOrEqual(t.amount)
                }
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("check() finds every invariant kept after any sequence of transfers", async () => {
      await fc.assert(
        fc.asyncProperty(arbLedgerScenario(), ({ accounts, steps }) =>
          run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              yield* openAll(accounts)
              const applied = recorded(yield* runSteps(steps))
              const report = yield* ledger.check()
              expect(report).toEqual({
                ok: true,
                accounts: accounts.length,
                transfers: applied.length,
                unbalancedUnits: [],
                overdrawn: [],
                driftedBalances: [],
                malformedTransfers: [],
              })
              // and the balances really do sum to zero per unit, none overdrawn.
              const sums = new Map<string, bigint>()
              for (const account of accounts) {
                const balance = yield* ledger.balance(account.id)
                sums.set(account.unit, (sums.get(account.unit) ?? 0n) + balance)
                if (account.noOverdraft) expect(balance).toBeGreaterThanOrEqual(0n)
              }
              for (const sum of sums.values()) expect(sum).toBe(0n)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps no account, transfer or balance change from a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(arbFundedTransfer, arbPartyId, ({ accounts, request, at }, party) => {
          const extra = creditsAccount(party, at)
          fc.pre(!accounts.some((a) => a.id === extra.id))
          return run(
            Effect.gen(function* () {
              const ledger = yield* Ledger
              yield* openAll(accounts)
              const before = yield* balances(accounts)
              const reportBefore = yield* ledger.check()
              yield* inFailingTransaction(
                Effect.gen(function* () {
                  yield* ledger.openAccount(extra)
                  yield* fund(accounts, request, at)
                  yield* ledger.transfer(request, at)
                  // Inside the transaction its own writes are visible.
                  expect(Option.isSome(yield* ledger.findTransfer(request.id))).toBe(true)
                }),
              )
              expect(Option.isNone(yield* ledger.findTransfer(request.id))).toBe(true)
              expect(Option.isNone(yield* ledger.findAccount(extra.id))).toBe(true)
              expect(yield* balances(accounts)).toEqual(before)
              expect(yield* ledger.check()).toEqual(reportBefore)
              // A committed transaction keeps them.
              const tx = yield* Transactions
              yield* tx.run(
                Effect.andThen(fund(accounts, request, at), ledger.transfer(request, at)),
              )
              expect(Option.isSome(yield* ledger.findTransfer(request.id))).toBe(true)
            }),
          )
        }),
        { numRuns },
      )
    })

    it("concurrent debits never overdraw an account, and concurrent replays apply once", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbPartyId,
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 2, max: 6 }),
          arbInstant,
          (party, held, over, replays, at) =>
            run(
              Effect.gen(function* () {
                const ledger = yield* Ledger
                const tx = yield* Transactions
                const issuance = creditIssuanceAccount(at)
                const credits = creditsAccount(party, at)
                const revenue = platformRevenueAccount("CREDIT", at)
                yield* openAll([issuance, credits, revenue])
                const unlock = (id: string, reason: TransferReason = "lead_unlock") => ({
                  id,
                  debitAccountId: credits.id,
                  creditAccountId: revenue.id,
                  amount: 1n as Amount,
                  unit: "CREDIT" as const,
                  reason,
                  links: {},
                })
                yield* ledger.transfer(
                  {
                    ...unlock("grant", "grant"),
                    debitAccountId: issuance.id,
                    creditAccountId: credits.id,
                    amount: BigInt(held) as Amount,
                  },
                  at,
                )
                const ids = Array.from({ length: held + over }, (_, i) => `unlock-${i}`)
                const outcomes = yield* Effect.forEach(
                  [...ids, ...Array.from({ length: replays }, () => ids[0]!)],
                  (id) => Effect.result(tx.run(ledger.transfer(unlock(id), at))),
                  { concurrency: "unbounded" },
                )
                const succeeded = new Set<string>()
                for (const outcome of outcomes) {
                  if (Result.isSuccess(outcome)) succeeded.add(outcome.success.id)
                  else
                    expect(ledgerErrorKey(outcome.failure)).toMatchObject({
                      _tag: "InsufficientFunds",
                    })
                }
                expect(succeeded.size).toBe(held)
                expect(yield* ledger.balance(credits.id)).toBe(0n)
                expect(yield* ledger.balance(revenue.id)).toBe(BigInt(held))
                const report = yield* ledger.check()
                expect(report.ok).toBe(true)
                expect(report.transfers).toBe(held + 1)
              }),
            ),
        ),
        { numRuns },
      )
    })
  })
}
