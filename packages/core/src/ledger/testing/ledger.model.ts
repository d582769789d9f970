import { Effect, ManagedRuntime, Option, Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  inFailingTransaction,
  type MakeLayer,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import {
  applyTransfer,
  balanceOf,
  checkLedgerState,
  creditsAccount,
  debitedSince,
  emptyLedger,
  type LedgerState,
  openAccount,
  sameTransferFields,
  statementOf,
} from "../domain/ledger.ops.ts"
import type { Account, TransferReason, TransferRequest } from "../domain/ledger.ts"
import { Ledger } from "../ports/ledger.ts"
import {
  arbChartOfAccounts,
  arbTransferReason,
  arbTransferRequest,
  conflictingVariant,
} from "./ledger.arbitraries.ts"
import { ledgerErrorKey } from "./ledger.contract.ts"

/** The pure model: the rules of ledger.ops.ts over plain data. */
interface Model {
  state: LedgerState
  /** Every request sent so far, for replays. */
  readonly requests: Array<TransferRequest>
  /** The chart, plus one account the setup leaves unopened. */
  readonly accounts: ReadonlyArray<Account>
}

/** The adapter under test, one built layer per run. */
interface Real {
  readonly run: <A, E>(
    effect: Effect.Effect<A, E, Ledger | Transactions>,
  ) => Promise<Result.Result<A, E>>
}

type LedgerCommand = fc.AsyncCommand<Model, Real, false>

/** A result as compared: the value, or the error's key (see `ledgerErrorKey`). */
const outcome = (result: Result.Result<unknown, unknown>) =>
  Result.isSuccess(result) ? { value: result.success } : { error: ledgerErrorKey(result.failure) }

const same = (real: Result.Result<unknown, unknown>, model: Result.Result<unknown, unknown>) =>
  expect(outcome(real)).toEqual(outcome(model))

const ledger = <A, E>(f: (l: Ledger["Service"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(Effect.service(Ledger), f)

const accountAt = (m: Model, index: number): Account => m.accounts[index % m.accounts.length]!

const bigintText = (_key: string, value: unknown) =>
  typeof value === "bigint" ? `${value}n` : value

const command = (
  label: string,
  run: (m: Model, r: Real) => Promise<void>,
  check: (m: Readonly<Model>) => boolean = () => true,
): LedgerCommand => ({ check, run, toString: () => label })

/** Opens a chart account (maybe with the overdraft rule flipped: a conflict once open). */
const openAccountCommand = (index: number, conflicting: boolean, at: Instant) =>
  command(`openAccount(#${index}${conflicting ? ", conflicting" : ""})`, async (m, r) => {
    const base = accountAt(m, index)
    const account = { ...base, createdAt: at, noOverdraft: base.noOverdraft !== conflicting }
    const expected = openAccount(m.state, account)
    same(
      await r.run(ledger((l) => l.openAccount(account))),
      Result.map(expected, ([, a]) => a),
    )
    if (Result.isSuccess(expected)) m.state = expected.success[0]
  })

type How = "plain" | "transaction" | "rolledBack"

/** Sends `request` to both sides; `rolledBack` runs it in a transaction that then fails. */
const transferBoth = async (m: Model, r: Real, request: TransferRequest, at: Instant, how: How) => {
  const expected = applyTransfer(m.state, request, at)
  m.requests.push(request)
  if (how === "rolledBack") {
    const real = await r.run(inFailingTransaction(ledger((l) => l.transfer(request, at))))
    same(
      real,
      Result.map(expected, () => undefined),
    )
    return expected
  }
  const transfer = ledger((l) => l.transfer(request, at))
  const real = await r.run(
    how === "transaction"
      ? Effect.flatMap(Effect.service(Transactions), (tx) => tx.run(transfer))
      : transfer,
  )
  same(
    real,
    Result.map(expected, ([, t]) => t),
  )
  if (Result.isSuccess(expected)) m.state = expected.success[0]
  return expected
}

const transferCommand = (request: TransferRequest, at: Instant, how: How) =>
  command(`transfer(${JSON.stringify(request, bigintText)}, ${how})`, async (m, r) => {
    await transferBoth(m, r, request, at, how)
  })

const hasRequests = (m: Readonly<Model>) => m.requests.length > 0

/** Sends an earlier request again: the first transfer (time included) when it was recorded. */
const replayCommand = (pick: number, at: Instant) =>
  command(
    `replay(#${pick})`,
    async (m, r) => {
      const request = m.requests[pick % m.requests.length]!
      const first = m.state.transfers.get(request.id)
      const result = await transferBoth(m, r, request, at, "plain")
      if (first !== undefined && sameTransferFields(first, request)) {
        expect(Result.getOrUndefined(result)?.[1]).toBe(first)
      }
    },
    hasRequests,
  )

/** Reuses a recorded transfer's id with one field changed. */
const conflictingReplayCommand = (pick: number, which: number, at: Instant) =>
  command(
    `conflictingReplay(#${pick}, field ${which % 5})`,
    async (m, r) => {
      const recorded = [...m.state.transfers.values()]
      const first = recorded[pick % recorded.length]!
      const result = await transferBoth(m, r, conflictingVariant(first, which), at, "plain")
      expect(Result.isFailure(result) && result.failure._tag).toBe("IdempotencyConflict")
    },
    (m) => m.state.transfers.size > 0,
  )

/** Balance, a statement page and debitedSince of one account (maybe one never opened). */
const readAccountCommand = (
  index: number,
  page: { readonly limit: number; readonly offset: number },
  reason: TransferReason,
  since: Instant,
) =>
  command(`read(#${index}, ${page.limit}/${page.offset}, ${reason})`, async (m, r) => {
    const id = accountAt(m, index).id
    same(await r.run(ledger((l) => l.balance(id))), balanceOf(m.state, id))
    same(await r.run(ledger((l) => l.statement(id, page))), statementOf(m.state, id, page))
    same(
      await r.run(ledger((l) => l.debitedSince(id, reason, since))),
      Result.succeed(debitedSince(m.state, id, reason, since)),
    )
  })

const findTransferCommand = (pick: number) =>
  command(
    `findTransfer(#${pick})`,
    async (m, r) => {
      const id = m.requests[pick % m.requests.length]!.id
      const real = await r.run(ledger((l) => l.findTransfer(id)))
      same(Result.map(real, Option.getOrUndefined), Result.succeed(m.state.transfers.get(id)))
    },
    hasRequests,
  )

const commandsFor = (accounts: ReadonlyArray<Account>, maxCommands: number) => {
  const index = fc.nat({ max: accounts.length })
  const arbTransfer = fc
    .tuple(
      arbTransferRequest(accounts),
      arbInstant,
      fc.constantFrom<How>("plain", "plain", "transaction", "rolledBack"),
    )
    .map(([request, at, how]) => transferCommand(request, at, how))
  return fc.commands<Model, Real, false>(
    [
      // Conflicting opens are rarer: most opens should succeed so transfers can happen.
      fc
        .tuple(index, fc.nat({ max: 3 }), arbInstant)
        .map(([i, c, at]) => openAccountCommand(i, c === 0, at)),
      // Listed three times: fc.commands picks each entry equally often.
      arbTransfer,
      arbTransfer,
      arbTransfer,
      fc.tuple(fc.nat(), arbInstant).map(([pick, at]) => replayCommand(pick, at)),
      fc
        .tuple(fc.nat(), fc.nat(), arbInstant)
        .map(([p, w, at]) => conflictingReplayCommand(p, w, at)),
      fc
        .tuple(
          index,
          fc.integer({ min: 1, max: 5 }),
          fc.nat({ max: 4 }),
          arbTransferReason,
          arbInstant,
        )
        .map(([i, limit, offset, reason, since]) =>
          readAccountCommand(i, { limit, offset }, reason, since),
        ),
      fc.nat().map((pick) => findTransferCommand(pick)),
    ],
    { maxCommands, size: "max" },
  )
}

export interface ModelTestOptions extends ContractOptions {
  /** The longest command sequence; default 40. */
  readonly maxCommands?: number
}

/**
 * A model-based test: random sequences of commands (open an account, transfer, replay,
 * conflicting replay, a transfer rolled back, read balances and statements) run against
 * the adapter from `makeLayer` and the pure rules side by side; every result must match,
 * and at the end `check()` must equal the model's report and be ok.
 */
export const ledgerModelTest = (
  name: string,
  makeLayer: MakeLayer<Ledger>,
  options: ModelTestOptions = {},
): void => {
  const numRuns = options.numRuns ?? 25
  const maxCommands = options.maxCommands ?? 40

  describe(`Ledger model test: ${name}`, () => {
    it("runs the same command sequences as the pure rules, with the same results", async () => {
      const arbRun = arbChartOfAccounts.chain((chart) =>
        arbPartyId.chain((stranger) => {
          // The setup opens most of the chart, never the stranger's account, so
          // AccountNotFound comes up until an openAccount command opens it.
          const accounts = [...chart, creditsAccount(stranger, chart[0]!.createdAt)]
          const opened = fc.nat({ max: 9 }).map((n) => n > 0)
          return fc.record({
            accounts: fc.constant(accounts),
            preopen: fc.array(opened, { minLength: accounts.length, maxLength: accounts.length }),
            commands: commandsFor(accounts, maxCommands),
          })
        }),
      )
      await fc.assert(
        fc.asyncProperty(arbRun, async ({ accounts, preopen, commands }) => {
          const runtime = ManagedRuntime.make(makeLayer())
          try {
            const real: Real = {
              run: (effect) =>
                runtime.runPromise(
                  Effect.result(effect) as Effect.Effect<Result.Result<never, never>>,
                ),
            }
            let state = emptyLedger
            for (const [i, account] of accounts.entries()) {
              if (i === accounts.length - 1 || !preopen[i]) continue
              state = Result.getOrThrow(openAccount(state, account))[0]
              Result.getOrThrow(await real.run(ledger((l) => l.openAccount(account))))
            }
            const model: Model = { state, requests: [], accounts }
            await fc.asyncModelRun(() => ({ model, real }), commands)
            const report = Result.getOrThrow(await real.run(ledger((l) => l.check())))
            expect(report).toEqual(checkLedgerState(model.state))
            expect(report.ok).toBe(true)
          } finally {
            await runtime.dispose()
          }
        }),
        { numRuns },
      )
    })
  })
}
