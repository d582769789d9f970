import {
  Account,
  type AccountId,
  AccountNotFound,
  decideOpenAccount,
  decideTransfer,
  type Instant,
  Ledger,
  type LedgerCheckReport,
  type LedgerState,
  type LedgerUnit,
  type PersistenceUnavailable,
  type StatementLine,
  Transfer,
  type TransferError,
  type TransferRequest,
  toTransfer,
} from "@fundi/core"
import { Effect, Layer, Option, Result } from "effect"
import type { Knex } from "knex"
import { flushDeferred, fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"
import { makeTransactions } from "./transactions.knex.ts"

// Every int8 and numeric value is selected as text (`::text`) and read with BigInt: `pg`
// returns int8 as strings and numeric sums as strings, PGlite may return numbers, and a
// Number would silently round amounts above 2^53.

interface AccountRow {
  readonly id: string
  readonly kind: string
  readonly unit: string
  readonly no_overdraft: boolean
  readonly owner_party_id: string | null
  /** A Date from a column; text when the row comes inside JSON (json_agg, to_json). */
  readonly created_at: Date | string
}

interface TransferRow {
  readonly id: string
  readonly debit_account_id: string
  readonly credit_account_id: string
  /** `amount::text` */
  readonly amount: string
  readonly unit: string
  readonly reason: string
  readonly memo: string | null
  readonly links: unknown
  /** A Date from a column; text when the row comes inside JSON (json_agg, to_json). */
  readonly created_at: Date | string
}

const ACCOUNT_COLUMNS = "id, kind, unit, no_overdraft, owner_party_id, created_at"
const TRANSFER_COLUMNS =
  "id, debit_account_id, credit_account_id, amount::text as amount, unit, reason, memo, links, created_at"

const decodeAccount = decodeRow(Account, "ledger_accounts")
const decodeTransfer = decodeRow(Transfer, "ledger_transfers")

const accountFromRow = (row: AccountRow) =>
  decodeAccount(
    {
      id: row.id,
      kind: row.kind,
      unit: row.unit,
      noOverdraft: row.no_overdraft,
      ...optional("ownerPartyId", row.owner_party_id),
      createdAt: fromTimestamp(row.created_at),
    },
    row.id,
  )

const transferFromRow = (row: TransferRow) =>
  decodeTransfer(
    {
      id: row.id,
      debitAccountId: row.debit_account_id,
      creditAccountId: row.credit_account_id,
      amount: BigInt(row.amount),
      unit: row.unit,
      reason: row.reason,
      ...optional("memo", row.memo),
      links: row.links,
      createdAt: fromTimestamp(row.created_at),
    },
    row.id,
  )

const rowsOf = <R>(result: { readonly rows: ReadonlyArray<R> }) => result.rows

interface LockedAccount extends AccountRow {
  /** `balance::text` */
  readonly balance: string
}

/**
 * The whole transfer in one round trip: the `ledger_transfer` function (migrations 0002
 * and 0012) locks the no-overdraft accounts among the two in id order, reads the transfer
 * already recorded under the id, and records the transfer and moves both balances only
 * when the rules would apply it. The other side's balance lives in stripes (decision 0011)
 * and is never waited for: no rule depends on it. It
 * returns what it read (the balances before the transfer), so the adapter can decide
 * with the core's rules.
 */
const TRANSFER = `select ledger_transfer(
  ?::text, ?::text, ?::text, ?::bigint, ?::text, ?::text, ?::text, ?::jsonb, ?::timestamptz
) as outcome`

interface TransferOutcomeRow {
  readonly outcome: {
    readonly accounts: ReadonlyArray<LockedAccount>
    readonly existing: TransferRow | null
    readonly inserted: number
  }
}

const findTransferOn = (knex: Knex, id: string, operation: string) =>
  query(knex, operation, (db) =>
    db.raw<{ rows: Array<TransferRow> }>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers where id = ?`,
      [id],
    ),
  ).pipe(
    Effect.flatMap((result) => {
      const row = rowsOf(result)[0]
      return row === undefined ? Effect.succeedNone : Effect.map(transferFromRow(row), Option.some)
    }),
  )

/** The part of the ledger a transfer reads, as the pure rules take it. */
const stateOf = (
  accounts: ReadonlyArray<readonly [Account, bigint]>,
  transfer: Transfer | undefined,
): LedgerState => ({
  accounts: new Map(accounts.map(([account]) => [account.id, account])),
  balances: new Map(accounts.map(([account, balance]) => [account.id, balance])),
  transfers: transfer === undefined ? new Map() : new Map([[transfer.id, transfer]]),
})

/** What `decideTransfer` says once a transfer stored under the request's id is known. */
const replayOf = (
  state: LedgerState,
  request: TransferRequest,
  stored: Transfer,
  at: Instant,
): Effect.Effect<Transfer, TransferError> =>
  Effect.flatMap(
    Effect.fromResult(
      decideTransfer({ ...state, transfers: new Map([[stored.id, stored]]) }, request, at),
    ),
    (outcome) => Effect.succeed(outcome.transfer),
  )

/**
 * One transfer, on the current transaction: `ledger_transfer` does the work in the
 * database, then the core's `decideTransfer` decides from the rows it locked and read, so
 * this adapter refuses in the same order, with the same errors, as every other. Refusals
 * write nothing, so a caller that catches one can still commit its other writes (no
 * savepoint); a failed statement dooms the caller's transaction, as any other does.
 */
const transferOn = (
  knex: Knex,
  request: TransferRequest,
  at: Instant,
): Effect.Effect<Transfer, TransferError | PersistenceUnavailable> =>
  Effect.gen(function* () {
    // The transfer locks its accounts until commit, and one of them may be hot (platform
    // revenue): the inserts this transaction holds back go first, so that they are not
    // sent while the lock is held.
    yield* flushDeferred(knex)
    // What would be recorded: the request's fields as the rules keep them.
    const asked = toTransfer(request, at)
    const [row] = rowsOf(
      yield* query(knex, "ledger.transfer", (db) =>
        db.raw<{ rows: Array<TransferOutcomeRow> }>(TRANSFER, [
          asked.id,
          asked.debitAccountId,
          asked.creditAccountId,
          asked.amount.toString(),
          asked.unit,
          asked.reason,
          asked.memo ?? null,
          toJson(asked.links),
          toDate(at),
        ]),
      ),
    )
    if (row === undefined) return yield* Effect.die("ledger.transfer: no outcome")
    const { outcome } = row
    const locked = yield* Effect.forEach(outcome.accounts, (account) =>
      Effect.map(accountFromRow(account), (decoded) => [decoded, BigInt(account.balance)] as const),
    )
    // to_json gives timestamps as text, which fromTimestamp reads too.
    const existing =
      outcome.existing === null ? undefined : yield* transferFromRow(outcome.existing)
    let state = stateOf(locked, existing)
    let decision = decideTransfer(state, request, at)
    if (
      outcome.inserted === 1 &&
      Result.isFailure(decision) &&
      decision.failure._tag === "AccountNotFound"
    ) {
      // An account opened by a transaction that committed between the function's locking
      // read and its checks: the transfer was applied, and its balance updates now hold
      // both rows. Decide again from them, as they were before this transfer.
      state = stateOf(yield* accountsBefore(knex, asked), existing)
      decision = decideTransfer(state, request, at)
    }
    if (Result.isFailure(decision)) {
      if (outcome.inserted === 0) return yield* decision.failure
    } else if (decision.success._tag === "Replayed") {
      if (outcome.inserted === 0) return decision.success.transfer
    } else if (outcome.inserted === 1) {
      return decision.success.transfer
    } else {
      // The rules apply it but the insert found the id taken: another transaction, on
      // other accounts, recorded it after our read. Compare with what it stored.
      const stored = yield* findTransferOn(knex, request.id, "ledger.transfer")
      if (Option.isSome(stored)) return yield* replayOf(state, request, stored.value, at)
    }
    // Dying rolls the transaction back: nothing the rules refuse is ever committed.
    return yield* Effect.die(
      `ledger.transfer: the database ${outcome.inserted === 1 ? "recorded" : "did not record"} ${request.id} but the rules say ${
        Result.isSuccess(decision) ? decision.success._tag : decision.failure._tag
      }`,
    )
  })

/**
 * Both accounts of a transfer this transaction has just applied (and so holds locked), with
 * the balances they had before it.
 */
const accountsBefore = (knex: Knex, applied: Transfer) =>
  Effect.gen(function* () {
    const rows = rowsOf(
      yield* query(knex, "ledger.transfer", (db) =>
        db.raw<{ rows: Array<LockedAccount> }>(
          `select ${ACCOUNT_COLUMNS}, ledger_account_balance(id)::text as balance
           from ledger_accounts where id in (?, ?) order by id`,
          [applied.debitAccountId, applied.creditAccountId],
        ),
      ),
    )
    return yield* Effect.forEach(rows, (row) =>
      Effect.map(accountFromRow(row), (account) => {
        const balance = BigInt(row.balance)
        const change =
          account.id === applied.debitAccountId
            ? applied.amount
            : account.id === applied.creditAccountId
              ? -applied.amount
              : 0n
        return [account, balance + change] as const
      }),
    )
  })

interface CheckRow {
  readonly accounts: number
  readonly transfers: number
  readonly unbalanced: ReadonlyArray<{ unit: string; sum: string }>
  readonly accounts_off: ReadonlyArray<{
    id: string
    no_overdraft: boolean
    stored: string
    from_transfers: string
  }>
  readonly malformed: ReadonlyArray<{ id: string; problem: string }>
}

/**
 * Every invariant recomputed from ledger_transfers, in one statement so that it reads one
 * snapshot: checked in several statements, transfers committed between them would show
 * up as drift that is not there. It reports what the core's `checkLedgerState` reports
 * for the same data, in the same words and order (lists sorted by unit, account id or
 * transfer id, byte-wise), so the CLI says the same whichever adapter it runs on.
 */
const CHECK = `
  with moves as (
    select debit_account_id as account_id, -amount as change from ledger_transfers
    union all
    select credit_account_id, amount from ledger_transfers
  ), computed as (
    select account_id, sum(change) as total from moves group by account_id
  ), striped as (
    select account_id, sum(balance) as total from ledger_balance_stripes group by account_id
  ), per_account as (
    select a.id, a.unit, a.no_overdraft, a.balance + coalesce(s.total, 0) as balance,
      coalesce(c.total, 0) as from_transfers
    from ledger_accounts a left join computed c on c.account_id = a.id
    left join striped s on s.account_id = a.id
  ), problems as (
    select t.id, 1 as n, 'amount ' || t.amount || ' is not positive' as problem
    from ledger_transfers t where t.amount <= 0
    union all
    select t.id, 2, 'debit and credit are one account'
    from ledger_transfers t where t.debit_account_id = t.credit_account_id
    union all
    select t.id, side.n, case
        when a.id is null then 'account ' || side.account_id || ' does not exist'
        else 'unit ' || t.unit || ' is not the unit ' || a.unit || ' of ' || a.id end
    from ledger_transfers t
    cross join lateral (values (3, t.debit_account_id), (4, t.credit_account_id))
      as side (n, account_id)
    left join ledger_accounts a on a.id = side.account_id
    where a.id is null or a.unit <> t.unit
  )
  select
    (select count(*) from ledger_accounts)::int as accounts,
    (select count(*) from ledger_transfers)::int as transfers,
    coalesce((
      select json_agg(json_build_object('unit', unit, 'sum', total::text)
        order by unit collate "C")
      from (select unit, sum(from_transfers) as total from per_account group by unit) u
      where total <> 0
    ), '[]'::json) as unbalanced,
    coalesce((
      select json_agg(json_build_object(
        'id', id, 'no_overdraft', no_overdraft,
        'stored', balance::text, 'from_transfers', from_transfers::text) order by id)
      from per_account
      where balance <> from_transfers or (no_overdraft and (from_transfers < 0 or balance < 0))
    ), '[]'::json) as accounts_off,
    coalesce((
      select json_agg(json_build_object('id', id, 'problem', problem) order by id)
      from (
        select id, string_agg(problem, '; ' order by n) as problem from problems group by id
      ) p
    ), '[]'::json) as malformed`

const checkReport = (row: CheckRow): LedgerCheckReport => {
  const unbalancedUnits = row.unbalanced.map((u) => ({
    unit: u.unit as LedgerUnit,
    sum: BigInt(u.sum),
  }))
  const accountsOff = row.accounts_off.map((a) => ({
    accountId: a.id as AccountId,
    noOverdraft: a.no_overdraft,
    stored: BigInt(a.stored),
    fromTransfers: BigInt(a.from_transfers),
  }))
  const overdrawn = accountsOff
    .filter((a) => a.noOverdraft && (a.fromTransfers < 0n || a.stored < 0n))
    // The lower of the two: either one below zero is an overdraft.
    .map((a) => ({
      accountId: a.accountId,
      // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
      balance: a.fromTransfers < a.stored ? a.fromTransfers : a.stored,
    }))
  const driftedBalances = accountsOff
    .filter((a) => a.stored !== a.fromTransfers)
    .map(({ accountId, stored, fromTransfers }) => ({ accountId, stored, fromTransfers }))
  const malformedTransfers = row.malformed.map((m) => ({ transferId: m.id, problem: m.problem }))
  return {
    ok:
      unbalancedUnits.length === 0 &&
      overdrawn.length === 0 &&
      driftedBalances.length === 0 &&
      malformedTransfers.length === 0,
    accounts: row.accounts,
    transfers: row.transfers,
    unbalancedUnits,
    overdrawn,
    driftedBalances,
    malformedTransfers,
  }
}

type StatementRow = (TransferRow | { readonly [K in keyof TransferRow]: null }) & {
  readonly change: string | null
  readonly balance_after: string
}

/** A row with a transfer, not the one an account without (more) lines gives. */
const isLine = (
  row: StatementRow,
): row is TransferRow & { readonly change: string; readonly balance_after: string } =>
  row.id !== null

/**
 * Newest first. The balance after each line is the account's stored balance minus the
 * changes of the lines newer than it, so a page costs the lines up to it, not the whole
 * history; stored balance and lines come from one snapshot, and the stored balance is the
 * sum of the transfers (check() verifies it). The two index scans, one per side, each stop
 * after `offset + limit` rows. The left join keeps one row when the account has no lines,
 * so an empty result means the account does not exist.
 */
const STATEMENT = `
  with account as (
    select id, ledger_account_balance(id) as balance from ledger_accounts where id = ?
  ), lines as (
    select * from (
      (select ${TRANSFER_COLUMNS}, seq, amount as change_amount, 1 as sign from ledger_transfers
        where credit_account_id = ? order by seq desc limit ?)
      union all
      (select ${TRANSFER_COLUMNS}, seq, amount, -1 from ledger_transfers
        where debit_account_id = ? order by seq desc limit ?)
    ) both_sides order by seq desc limit ?
  ), running as (
    select l.*, sign * change_amount as change,
      a.balance - coalesce(sum(sign * change_amount) over (
        order by seq desc rows between unbounded preceding and 1 preceding), 0) as balance_after
    from account a left join lines l on true
  )
  select id, debit_account_id, credit_account_id, amount, unit, reason, memo, links, created_at,
    change::text as change, balance_after::text as balance_after
  from running order by seq desc nulls last offset ?`

export const makeLedger = (knex: Knex): Ledger["Service"] => {
  const transactions = makeTransactions(knex)
  return Ledger.of({
    openAccount: (account) =>
      Effect.gen(function* () {
        const selectStored = query(knex, "ledger.openAccount", (db) =>
          db.raw<{ rows: Array<AccountRow> }>(
            `select ${ACCOUNT_COLUMNS} from ledger_accounts where id = ?`,
            [account.id],
          ),
        )
        /** The stored account if it has the same settings, else AccountConflict. */
        const decideAgainst = (row: AccountRow) =>
          Effect.flatMap(accountFromRow(row), (stored) =>
            Effect.map(
              Effect.fromResult(
                decideOpenAccount({ accounts: new Map([[stored.id, stored]]) }, account),
              ),
              (outcome) => outcome.account,
            ),
          )
        // Most calls find the account opened already (every unlock opens the platform's).
        // Reading first matters: an insert's unique check waits for any transaction that
        // has updated the row, so on a hot account (platform revenue) it would queue
        // behind every open transfer; a read does not wait.
        const [existing] = rowsOf(yield* selectStored)
        if (existing !== undefined) return yield* decideAgainst(existing)
        const inserted = rowsOf(
          yield* query(knex, "ledger.openAccount", (db) =>
            db.raw<{ rows: Array<{ id: string }> }>(
              `insert into ledger_accounts (id, kind, unit, no_overdraft, owner_party_id, created_at)
               values (?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
              [
                account.id,
                account.kind,
                account.unit,
                account.noOverdraft,
                account.ownerPartyId ?? null,
                toDate(account.createdAt),
              ],
            ),
          ),
        )
        // `on conflict` names no index on purpose: two transactions opening the same account
        // at once can collide on ledger_accounts_id_unit_key as well as the primary key, and
        // a named arbiter (id) would let that second collision fail the statement.
        if (inserted.length === 1) {
          // The account as the rules keep it (no key holding undefined).
          return Result.getOrThrow(decideOpenAccount({ accounts: new Map() }, account)).account
        }
        // Another transaction opened it since the read.
        const [row] = rowsOf(yield* selectStored)
        if (row === undefined) {
          return yield* Effect.die(
            `ledger.openAccount: ${account.id} conflicted on insert but is not stored`,
          )
        }
        return yield* decideAgainst(row)
      }),

    findAccount: (id) =>
      query(knex, "ledger.findAccount", (db) =>
        db.raw<{ rows: Array<AccountRow> }>(
          `select ${ACCOUNT_COLUMNS} from ledger_accounts where id = ?`,
          [id],
        ),
      ).pipe(
        Effect.flatMap((result) => {
          const row = rowsOf(result)[0]
          return row === undefined
            ? Effect.succeedNone
            : Effect.map(accountFromRow(row), Option.some)
        }),
      ),

    // Outside a Transactions.run the lock, the read and the write still need one
    // transaction of their own; inside one, `run` joins it.
    transfer: (request, at) => transactions.run(transferOn(knex, request, at)),

    findTransfer: (id) => findTransferOn(knex, id, "ledger.findTransfer"),

    balance: (id) =>
      query(knex, "ledger.balance", (db) =>
        db.raw<{ rows: Array<{ balance: string }> }>(
          "select ledger_account_balance(id)::text as balance from ledger_accounts where id = ?",
          [id],
        ),
      ).pipe(
        Effect.flatMap((result) => {
          const row = rowsOf(result)[0]
          return row === undefined
            ? Effect.fail(new AccountNotFound({ accountId: id }))
            : Effect.succeed(BigInt(row.balance))
        }),
      ),

    statement: (id, { limit, offset = 0 }) =>
      Effect.gen(function* () {
        const window = Math.max(0, limit) + Math.max(0, offset)
        const rows = rowsOf(
          yield* query(knex, "ledger.statement", (db) =>
            db.raw<{ rows: Array<StatementRow> }>(STATEMENT, [
              id,
              id,
              window,
              id,
              window,
              window,
              Math.max(0, offset),
            ]),
          ),
        )
        // No row at all: the left join had no account to start from.
        if (rows.length === 0 && offset === 0) {
          return yield* new AccountNotFound({ accountId: id })
        }
        if (rows.length === 0) {
          // Past the last line (the offset skipped the null row too): tell "no such
          // account" from "no more lines".
          const exists = yield* query(knex, "ledger.statement", (db) =>
            db.raw<{ rows: Array<unknown> }>("select 1 from ledger_accounts where id = ?", [id]),
          )
          if (rowsOf(exists).length === 0) return yield* new AccountNotFound({ accountId: id })
          return []
        }
        const lines = rows.filter(isLine)
        return yield* Effect.forEach(lines.slice(0, Math.max(0, limit)), (row) =>
          Effect.map(
            transferFromRow(row),
            (transfer): StatementLine => ({
              transfer,
              change: BigInt(row.change),
              balanceAfter: BigInt(row.balance_after),
            }),
          ),
        )
      }),

    debitedSince: (id, reason, since) =>
      query(knex, "ledger.debitedSince", (db) =>
        db.raw<{ rows: Array<{ total: string }> }>(
          `select coalesce(sum(amount), 0)::text as total from ledger_transfers
           where debit_account_id = ? and reason = ? and created_at >= ?`,
          [id, reason, toDate(since)],
        ),
      ).pipe(Effect.map((result) => BigInt(rowsOf(result)[0]?.total ?? "0"))),

    check: () =>
      query(knex, "ledger.check", (db) => db.raw<{ rows: Array<CheckRow> }>(CHECK)).pipe(
        Effect.flatMap((result) => {
          const row = rowsOf(result)[0]
          return row === undefined
            ? Effect.die("ledger.check: the check query returned no row")
            : Effect.succeed(checkReport(row))
        }),
      ),
  })
}

export const layerLedger = (knex: Knex): Layer.Layer<Ledger> =>
  Layer.succeed(Ledger, makeLedger(knex))
