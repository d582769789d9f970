import { describe, expect, it } from "@effect/vitest"
import {
  AccountKind,
  type Amount,
  checkLedgerState,
  type Instant,
  Ledger,
  type LedgerState,
  LedgerUnit,
  PartyRepository,
  PersistenceUnavailable,
  TopUpMethod,
  TopUpRepository,
  TopUpState,
  Transactions,
  type Transfer,
  TransferReason,
  type TransferRequest,
  WalletSettings,
} from "@fundi/core"
import { Cause, Effect, Exit, Option } from "effect"
import type { Knex } from "knex"
import {
  aCreditsAccount,
  aParty,
  aTopUp,
  aTransfer,
  at,
  issuanceAccount,
  partyId,
  topUpId,
} from "./fixtures.ts"
import { layerKnex, type PostgresServices } from "./layer.ts"
import { isolatedDatabase } from "./testing.ts"

/**
 * The Postgres ledger and wallet storage beyond the ports' contract suites: what the
 * schema refuses on its own, refusals inside a caller's transaction, statements and
 * check() over a ledger corrupted behind the adapter's back. Run on PGlite
 * (`ledger.test.ts`) and on a server (`ledger.integration.test.ts`).
 */
export const ledgerAdapterSuite = (name: string, url: string): void => {
  const withDatabase = <A, E>(body: (knex: Knex) => Effect.Effect<A, E, PostgresServices>) =>
    Effect.gen(function* () {
      const db = yield* isolatedDatabase(url)
      return yield* Effect.provide(body(db.knex), layerKnex(db.knex))
    })

  const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
    Exit.isFailure(exit) ? Option.getOrUndefined(Cause.findErrorOption(exit.cause)) : undefined

  /** Runs raw SQL and resolves with the SQLSTATE it failed with, or "ok". */
  const sqlstate = (statement: () => PromiseLike<unknown>) =>
    Effect.promise(() =>
      Promise.resolve(statement()).then(
        () => "ok",
        (error: { code?: string }) => error.code ?? "no code",
      ),
    )

  const t0 = at("2026-01-06T09:00:00.000Z")
  const alice = aCreditsAccount(1)
  const bob = aCreditsAccount(2)

  /** Opens the issuance account, alice and bob, and grants alice `credits`. */
  const fundedLedger = (credits: bigint) =>
    Effect.gen(function* () {
      const ledger = yield* Ledger
      for (const account of [issuanceAccount, alice, bob]) yield* ledger.openAccount(account)
      yield* ledger.transfer(aTransfer("grant-alice", issuanceAccount, alice, credits), t0)
      return ledger
    })

  describe(`Postgres ledger: ${name}`, () => {
    describe("schema", () => {
      it.effect("CHECK constraints accept exactly the domain's literals", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            let n = 0
            const accountRow = (column: string, value: string) => ({
              id: `x:acct-${++n}`,
              kind: "external_cash",
              unit: "ZAR",
              no_overdraft: false,
              created_at: new Date(0),
              [column]: value,
            })
            yield* Effect.promise(() =>
              knex("ledger_accounts").insert([accountRow("id", "x:a"), accountRow("id", "x:b")]),
            )
            const transferRow = (column: string, value: string) => ({
              id: `t-${++n}`,
              debit_account_id: "x:a",
              credit_account_id: "x:b",
              amount: "1",
              unit: "ZAR",
              reason: "topup",
              links: "{}",
              created_at: new Date(0),
              [column]: value,
            })
            const topUpRow = (column: string, value: string) => ({
              id: topUpId(++n),
              party_id: partyId(1),
              reference: `REF-${n}`,
              method: "card",
              credits: 1,
              amount_minor: "100",
              currency: "ZAR",
              state: "awaiting_proof",
              created_at: new Date(0),
              updated_at: new Date(0),
              [column]: value,
            })
            const cases = [
              { table: "ledger_accounts", column: "kind", literals: AccountKind.literals },
              { table: "ledger_accounts", column: "unit", literals: LedgerUnit.literals },
              { table: "ledger_transfers", column: "reason", literals: TransferReason.literals },
              { table: "top_ups", column: "method", literals: TopUpMethod.literals },
              { table: "top_ups", column: "state", literals: TopUpState.literals },
            ] as const
            const rowFor = { ledger_accounts: accountRow, ledger_transfers: transferRow }
            for (const { table, column, literals } of cases) {
              const row = table === "top_ups" ? topUpRow : rowFor[table]
              for (const literal of literals) {
                yield* Effect.promise(() => knex(table).insert(row(column, literal)))
              }
              const refused = yield* sqlstate(() => knex(table).insert(row(column, "nonsense")))
              expect(refused, `${table}.${column} must refuse an unknown value`).toBe("23514")
            }
            // The transfers' unit is pinned by the accounts' too; "ZAR" is the only one here.
            expect(
              yield* sqlstate(() => knex("ledger_transfers").insert(transferRow("unit", "KES"))),
            ).toBe("23503")
          }),
        ),
      )

      it.effect("refuses transfers that break an invariant, whoever writes them", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const ledger = yield* Ledger
            const zar = aCreditsAccount(3, {
              id: "credits:zar" as typeof alice.id,
              unit: "ZAR",
            })
            for (const account of [issuanceAccount, alice, bob, zar]) {
              yield* ledger.openAccount(account)
            }
            const row = (overrides: Record<string, unknown>) => ({
              id: "raw-1",
              debit_account_id: issuanceAccount.id,
              credit_account_id: alice.id,
              amount: "5",
              unit: "CREDIT",
              reason: "grant",
              links: "{}",
              created_at: new Date(0),
              ...overrides,
            })
            const insert = (overrides: Record<string, unknown>) =>
              sqlstate(() => knex("ledger_transfers").insert(row(overrides)))
            expect(yield* insert({ amount: "0" })).toBe("23514")
            expect(yield* insert({ amount: "-5" })).toBe("23514")
            expect(yield* insert({ credit_account_id: issuanceAccount.id })).toBe("23514")
            // Unit mismatch on either side, and accounts that do not exist: foreign keys.
            expect(yield* insert({ credit_account_id: zar.id })).toBe("23503")
            expect(yield* insert({ unit: "ZAR", credit_account_id: zar.id })).toBe("23503")
            expect(yield* insert({ credit_account_id: "credits:nobody" })).toBe("23503")
            expect(yield* insert({})).toBe("ok")
            expect(yield* insert({})).toBe("23505")
            // Recorded transfers are never rewritten or removed.
            expect(yield* sqlstate(() => knex("ledger_transfers").update({ amount: "6" }))).toBe(
              "23001",
            )
            expect(yield* sqlstate(() => knex("ledger_transfers").delete())).toBe("23001")
            expect(yield* sqlstate(() => knex.raw("truncate ledger_transfers"))).toBe("23001")
            // A no-overdraft balance cannot go below zero, even written directly.
            expect(
              yield* sqlstate(() =>
                knex("ledger_accounts").where({ id: alice.id }).update({ balance: "-1" }),
              ),
            ).toBe("23514")
            // An account's unit cannot change while transfers use it.
            expect(
              yield* sqlstate(() =>
                knex("ledger_accounts").where({ id: alice.id }).update({ unit: "ZAR" }),
              ),
            ).toBe("23503")
          }),
        ),
      )
    })

    describe("transfer", () => {
      it.effect("moves amounts beyond 2^53 exactly", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const huge = 2n ** 62n + 7n
            const ledger = yield* fundedLedger(huge)
            yield* ledger.transfer(aTransfer("t-1", alice, bob, huge - 1n), t0)
            expect(yield* ledger.balance(alice.id)).toBe(1n)
            expect(yield* ledger.balance(bob.id)).toBe(huge - 1n)
            expect(yield* ledger.balance(issuanceAccount.id)).toBe(-huge)
            const stored = yield* ledger.findTransfer("t-1")
            expect(Option.getOrThrow(stored).amount).toBe(huge - 1n)
            const [line] = yield* ledger.statement(bob.id, { limit: 1 })
            expect(line?.change).toBe(huge - 1n)
            expect((yield* ledger.check()).ok).toBe(true)
          }),
        ),
      )

      it.effect(
        "a replay returns the first transfer and moves nothing; other fields conflict",
        () =>
          withDatabase(() =>
            Effect.gen(function* () {
              const ledger = yield* fundedLedger(100n)
              const request = aTransfer("t-1", alice, bob, 30n, {
                reason: "lead_unlock",
                memo: "lead in Soweto",
                links: { leadId: "led_1", requestId: "req_1" },
              })
              const first = yield* ledger.transfer(request, t0)
              const later = at("2026-01-06T10:00:00.000Z")
              const again = yield* ledger.transfer(
                { ...request, links: { ...request.links } },
                later,
              )
              expect(again).toEqual(first)
              expect(again.createdAt).toBe(t0)
              expect(yield* ledger.balance(alice.id)).toBe(70n)
              const { memo: _, ...withoutMemo } = request
              const conflicting: ReadonlyArray<TransferRequest> = [
                { ...request, amount: 31n as Amount },
                { ...request, memo: "another" },
                withoutMemo,
                { ...request, links: { leadId: "led_1" } },
                { ...request, reason: "grant" },
                { ...request, creditAccountId: issuanceAccount.id },
              ]
              for (const [i, other] of conflicting.entries()) {
                const exit = yield* Effect.exit(ledger.transfer(other, later))
                expect(failureOf(exit)?._tag, `conflicting request ${i}`).toBe(
                  "IdempotencyConflict",
                )
              }
              // A replay is recognised even when the balance could no longer pay for it.
              yield* ledger.transfer(aTransfer("t-2", alice, bob, 70n), t0)
              expect(yield* ledger.transfer(request, later)).toEqual(first)
              expect(yield* ledger.balance(alice.id)).toBe(0n)
            }),
          ),
      )

      it.effect("refuses overdrafts, unknown accounts, unit mismatches and self-transfers", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(10n)
            const tagOf = (request: Parameters<typeof ledger.transfer>[0]) =>
              Effect.map(Effect.exit(ledger.transfer(request, t0)), (exit) => failureOf(exit))
            const overdraft = yield* tagOf(aTransfer("t-1", alice, bob, 11n))
            expect(overdraft).toMatchObject({
              _tag: "InsufficientFunds",
              accountId: alice.id,
              balance: 10n,
              requested: 11n,
              unit: "CREDIT",
            })
            const missing = aCreditsAccount(9)
            expect(yield* tagOf(aTransfer("t-2", alice, missing, 1n))).toMatchObject({
              _tag: "AccountNotFound",
              accountId: missing.id,
            })
            expect(yield* tagOf(aTransfer("t-3", missing, alice, 1n))).toMatchObject({
              _tag: "AccountNotFound",
              accountId: missing.id,
            })
            expect(yield* tagOf(aTransfer("t-4", alice, bob, 1n, { unit: "ZAR" }))).toMatchObject({
              _tag: "InvalidTransfer",
            })
            expect(yield* tagOf(aTransfer("t-5", alice, alice, 1n))).toMatchObject({
              _tag: "InvalidTransfer",
            })
            // A refused id was never recorded: it can be used once the transfer is valid.
            expect(yield* ledger.findTransfer("t-1")).toEqual(Option.none())
            yield* ledger.transfer(aTransfer("t-1", alice, bob, 10n), t0)
            expect(yield* ledger.balance(bob.id)).toBe(10n)
            // The issuance account has no overdraft rule: it goes below zero as it issues.
            yield* ledger.transfer(aTransfer("t-6", issuanceAccount, bob, 1000n), t0)
            expect(yield* ledger.balance(issuanceAccount.id)).toBe(-1010n)
            expect((yield* ledger.check()).ok).toBe(true)
          }),
        ),
      )

      it.effect("a refusal caught inside a transaction lets the rest of it commit", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(10n)
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const outcome = yield* tx.run(
              Effect.gen(function* () {
                yield* parties.insert(aParty(1))
                yield* ledger.transfer(aTransfer("t-1", alice, bob, 4n), t0)
                const refused = yield* Effect.flip(
                  ledger.transfer(aTransfer("t-2", alice, bob, 7n), t0),
                )
                return refused._tag
              }),
            )
            expect(outcome).toBe("InsufficientFunds")
            expect(Option.isSome(yield* parties.findById(partyId(1)))).toBe(true)
            expect(yield* ledger.balance(alice.id)).toBe(6n)
            expect(yield* ledger.findTransfer("t-2")).toEqual(Option.none())
            expect((yield* ledger.check()).ok).toBe(true)
          }),
        ),
      )

      it.effect("transfers roll back with the transaction they joined", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(10n)
            const tx = yield* Transactions
            const exit = yield* Effect.exit(
              tx.run(
                Effect.andThen(
                  ledger.transfer(aTransfer("t-1", alice, bob, 4n), t0),
                  Effect.fail("changed my mind" as const),
                ),
              ),
            )
            expect(failureOf(exit)).toBe("changed my mind")
            expect(yield* ledger.balance(alice.id)).toBe(10n)
            expect(yield* ledger.findTransfer("t-1")).toEqual(Option.none())
          }),
        ),
      )
    })

    describe("accounts", () => {
      it.effect("openAccount is idempotent, refuses other settings, and keeps the first", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* Ledger
            expect(yield* ledger.openAccount(alice)).toEqual(alice)
            const later = { ...alice, createdAt: at("2026-02-01T00:00:00.000Z") }
            expect(yield* ledger.openAccount(later)).toEqual(alice)
            for (const changed of [
              { unit: "ZAR" as const },
              { noOverdraft: false },
              { kind: "provider_earnings" as const },
              { ownerPartyId: partyId(2) },
            ]) {
              const exit = yield* Effect.exit(ledger.openAccount({ ...alice, ...changed }))
              expect(failureOf(exit)).toMatchObject({
                _tag: "AccountConflict",
                accountId: alice.id,
              })
            }
            expect(yield* ledger.findAccount(alice.id)).toEqual(Option.some(alice))
            expect(yield* ledger.findAccount(bob.id)).toEqual(Option.none())
            expect(failureOf(yield* Effect.exit(ledger.balance(bob.id)))).toMatchObject({
              _tag: "AccountNotFound",
            })
            // No owner, as platform accounts have.
            expect(yield* ledger.openAccount(issuanceAccount)).toEqual(issuanceAccount)
            expect(yield* ledger.findAccount(issuanceAccount.id)).toEqual(
              Option.some(issuanceAccount),
            )
          }),
        ),
      )
    })

    describe("statement and debitedSince", () => {
      it.effect("lists lines newest first with the balance after each, page by page", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(100n)
            const minute = (m: number) => (t0 + m * 60_000) as Instant
            yield* ledger.transfer(aTransfer("t-1", alice, bob, 30n), minute(1))
            yield* ledger.transfer(aTransfer("t-2", bob, alice, 5n), minute(2))
            // Recorded later with an earlier time: lines follow the order of application.
            yield* ledger.transfer(aTransfer("t-3", alice, bob, 25n), minute(0))
            const all = yield* ledger.statement(alice.id, { limit: 10 })
            expect(all.map((l) => [l.transfer.id, l.change, l.balanceAfter])).toEqual([
              ["t-3", -25n, 50n],
              ["t-2", 5n, 75n],
              ["t-1", -30n, 70n],
              ["grant-alice", 100n, 100n],
            ])
            expect(all[0]?.transfer).toEqual({
              ...aTransfer("t-3", alice, bob, 25n),
              createdAt: minute(0),
            })
            const page = yield* ledger.statement(alice.id, { limit: 2, offset: 1 })
            expect(page).toEqual(all.slice(1, 3))
            expect(yield* ledger.statement(alice.id, { limit: 5, offset: 3 })).toEqual(all.slice(3))
            expect(yield* ledger.statement(alice.id, { limit: 5, offset: 4 })).toEqual([])
            expect(yield* ledger.statement(alice.id, { limit: 0 })).toEqual([])
            const other = yield* ledger.statement(bob.id, { limit: 10 })
            expect(other.map((l) => l.balanceAfter)).toEqual([50n, 25n, 30n])

            // An account without transfers has an empty statement; an unknown one has none.
            const carol = aCreditsAccount(3)
            yield* ledger.openAccount(carol)
            expect(yield* ledger.statement(carol.id, { limit: 10 })).toEqual([])
            expect(yield* ledger.statement(carol.id, { limit: 10, offset: 2 })).toEqual([])
            for (const offset of [0, 3]) {
              const exit = yield* Effect.exit(
                ledger.statement(aCreditsAccount(4).id, { limit: 10, offset }),
              )
              expect(failureOf(exit)?._tag).toBe("AccountNotFound")
            }
          }),
        ),
      )

      it.effect("debitedSince sums one reason's debits at or after an instant", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(100n)
            const minute = (m: number) => (t0 + m * 60_000) as Instant
            const unlock = { reason: "lead_unlock" as const }
            yield* ledger.transfer(aTransfer("t-1", alice, bob, 3n, unlock), minute(1))
            yield* ledger.transfer(aTransfer("t-2", alice, bob, 4n, unlock), minute(2))
            yield* ledger.transfer(aTransfer("t-3", alice, bob, 5n), minute(2))
            yield* ledger.transfer(aTransfer("t-4", bob, alice, 6n, unlock), minute(3))
            expect(yield* ledger.debitedSince(alice.id, "lead_unlock", minute(1))).toBe(7n)
            expect(yield* ledger.debitedSince(alice.id, "lead_unlock", minute(2))).toBe(4n)
            expect(yield* ledger.debitedSince(alice.id, "lead_unlock", minute(3))).toBe(0n)
            expect(yield* ledger.debitedSince(alice.id, "grant", minute(0))).toBe(5n)
            expect(yield* ledger.debitedSince(bob.id, "lead_unlock", minute(0))).toBe(6n)
            expect(yield* ledger.debitedSince(aCreditsAccount(9).id, "grant", minute(0))).toBe(0n)
          }),
        ),
      )
    })

    describe("check", () => {
      it.effect("names every broken invariant in a ledger changed behind the adapter", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const ledger = yield* fundedLedger(100n)
            yield* ledger.transfer(aTransfer("t-1", alice, bob, 40n), t0)
            const healthy = yield* ledger.check()
            expect(healthy).toEqual({
              ok: true,
              accounts: 3,
              transfers: 2,
              unbalancedUnits: [],
              overdrawn: [],
              driftedBalances: [],
              malformedTransfers: [],
            })
            // Someone with database access works around the schema's guards.
            const raw = (statement: string) => Effect.promise(() => knex.raw(statement))
            yield* raw(
              "alter table ledger_accounts drop constraint ledger_accounts_no_overdraft_check",
            )
            yield* raw(`alter table ledger_transfers
              drop constraint ledger_transfers_amount_check,
              drop constraint ledger_transfers_debit_fkey,
              drop constraint ledger_transfers_credit_fkey,
              drop constraint ledger_transfers_distinct_accounts_check`)
            yield* raw("alter table ledger_transfers disable trigger ledger_transfers_append_only")
            // A balance edited by hand, a transfer inflated after it was applied, a transfer
            // of another unit and one to nowhere, neither reflected in the balances.
            yield* raw(`update ledger_accounts set balance = balance + 7 where id = '${bob.id}'`)
            yield* raw("update ledger_transfers set amount = 140 where id = 't-1'")
            yield* raw(`insert into ledger_transfers
              (id, debit_account_id, credit_account_id, amount, unit, reason, links, created_at)
              values
              ('t-zar', '${issuanceAccount.id}', '${alice.id}', 5, 'ZAR', 'grant', '{}', now()),
              ('t-lost', '${alice.id}', 'credits:nowhere', 1, 'CREDIT', 'grant', '{}', now()),
              ('t-zero', '${alice.id}', '${bob.id}', 0, 'CREDIT', 'grant', '{}', now()),
              ('t-self', '${bob.id}', '${bob.id}', 2, 'CREDIT', 'grant', '{}', now())`)
            const report = yield* ledger.check()
            expect(report.ok).toBe(false)
            expect(report.accounts).toBe(3)
            expect(report.transfers).toBe(6)
            // From transfers: issuance -105, alice 100-140+5-1 = -36, bob +140: CREDIT sums
            // to -1 (the credit that went nowhere).
            expect(report.unbalancedUnits).toEqual([{ unit: "CREDIT", sum: -1n }])
            expect(report.overdrawn).toEqual([{ accountId: alice.id, balance: -36n }])
            expect(report.driftedBalances).toEqual([
              { accountId: alice.id, stored: 60n, fromTransfers: -36n },
              { accountId: bob.id, stored: 47n, fromTransfers: 140n },
              { accountId: issuanceAccount.id, stored: -100n, fromTransfers: -105n },
            ])
            expect(report.malformedTransfers).toEqual([
              { transferId: "t-lost", problem: "account credits:nowhere does not exist" },
              { transferId: "t-self", problem: "debit and credit are one account" },
              {
                transferId: "t-zar",
                problem: `unit ZAR is not the unit CREDIT of ${issuanceAccount.id}; unit ZAR is not the unit CREDIT of ${alice.id}`,
              },
              { transferId: "t-zero", problem: "amount 0 is not positive" },
            ])
            // Word for word what the core's rules report over the same rows.
            expect(report).toEqual(
              checkLedgerState(yield* Effect.promise(() => tablesAsState(knex))),
            )
          }),
        ),
      )
    })

    describe("wallet storage", () => {
      it.effect("top-ups keep bigint amounts and proofs, and find by id and reference", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const repo = yield* TopUpRepository
            const withProof = aTopUp(1, {
              amountMinor: 2n ** 60n,
              state: "proof_submitted",
              proof: {
                key: "proofs/2026/01/tpu-1.pdf",
                contentType: "application/pdf",
                size: 123_456,
                sha256: "ab".repeat(32),
                uploadedAt: at("2026-01-07T09:00:00.000Z"),
              },
            })
            yield* repo.insert(withProof)
            yield* repo.insert(aTopUp(2))
            expect(yield* repo.findById(topUpId(1), { forUpdate: true })).toEqual(
              Option.some(withProof),
            )
            expect(yield* repo.findByReference(aTopUp(2).reference)).toEqual(Option.some(aTopUp(2)))
            const decided = {
              ...withProof,
              state: "approved" as const,
              decidedAt: at("2026-01-08T08:00:00.000Z"),
              decidedBy: "thandi",
              updatedAt: at("2026-01-08T08:00:00.000Z"),
            }
            yield* repo.update(decided)
            expect(yield* repo.findById(topUpId(1))).toEqual(Option.some(decided))
            const sameReference = yield* Effect.exit(
              repo.insert(aTopUp(3, { reference: aTopUp(2).reference })),
            )
            expect(failureOf(sameReference)).toBeInstanceOf(PersistenceUnavailable)
            expect(failureOf(sameReference)?.detail).toMatch(/top_ups\.insert: .*SQLSTATE 23505/)
          }),
        ),
      )

      it.effect("wallet settings default to none and a put replaces them", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const settings = yield* WalletSettings
            expect(yield* settings.get(partyId(1))).toEqual({ partyId: partyId(1) })
            yield* settings.put({ partyId: partyId(1), weeklyCreditBudget: 40 })
            expect(yield* settings.get(partyId(1))).toEqual({
              partyId: partyId(1),
              weeklyCreditBudget: 40,
            })
            yield* settings.put({ partyId: partyId(1) })
            expect(yield* settings.get(partyId(1))).toEqual({ partyId: partyId(1) })
          }),
        ),
      )
    })
  })
}

/**
 * The ledger tables read as they are (no decoding: a corrupted row is data here), in the
 * order the transfers were applied, as the core's pure rules take them.
 */
const tablesAsState = async (knex: Knex): Promise<LedgerState> => {
  const accounts = await knex("ledger_accounts").select(
    "id",
    "kind",
    "unit",
    "no_overdraft",
    "owner_party_id",
    "created_at",
    // Balances as the adapter keeps them: the row plus its stripes (decision 0011).
    knex.raw("ledger_account_balance(id)::text as balance"),
  )
  const transfers = await knex("ledger_transfers")
    .select(
      "id",
      "debit_account_id",
      "credit_account_id",
      knex.raw("amount::text as amount"),
      "unit",
      "reason",
      "links",
      "created_at",
    )
    .orderBy("seq")
  return {
    accounts: new Map(
      accounts.map((a) => [
        a.id,
        {
          id: a.id,
          kind: a.kind,
          unit: a.unit,
          noOverdraft: a.no_overdraft,
          createdAt: (a.created_at as Date).getTime() as Instant,
        },
      ]),
    ),
    balances: new Map(accounts.map((a) => [a.id, BigInt(a.balance)])),
    transfers: new Map(
      transfers.map((t) => [
        t.id,
        {
          id: t.id,
          debitAccountId: t.debit_account_id,
          creditAccountId: t.credit_account_id,
          amount: BigInt(t.amount) as Amount,
          unit: t.unit,
          reason: t.reason,
          links: t.links,
          createdAt: (t.created_at as Date).getTime() as Instant,
        } satisfies Transfer,
      ]),
    ),
  }
}
