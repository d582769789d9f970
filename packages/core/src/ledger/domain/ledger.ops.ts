import { Result } from "effect"
import type { PartyId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import {
  AccountConflict,
  AccountNotFound,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidTransfer,
} from "./ledger.errors.ts"
import type {
  Account,
  AccountId,
  LedgerCheckReport,
  LedgerUnit,
  StatementLine,
  Transfer,
  TransferLinks,
  TransferReason,
  TransferRequest,
} from "./ledger.ts"

/**
 * The whole ledger as plain data. `balances` is what an adapter stores next to each
 * account (so a balance read is one row, not a sum); `checkLedger` proves it equals the
 * transfers. `transfers` iterates in the order the transfers were applied.
 */
export interface LedgerState {
  readonly accounts: ReadonlyMap<string, Account>
  readonly balances: ReadonlyMap<string, bigint>
  readonly transfers: ReadonlyMap<string, Transfer>
}

export const emptyLedger: LedgerState = {
  accounts: new Map(),
  balances: new Map(),
  transfers: new Map(),
}

/** Every way a transfer can be refused. */
export type TransferError =
  | AccountNotFound
  | IdempotencyConflict
  | InsufficientFunds
  | InvalidTransfer

/** Money units: every ledger unit except marketplace credits. */
export type MoneyUnit = Exclude<LedgerUnit, "CREDIT">

// ---------------------------------------------------------------------------------------
// The chart of accounts

export const creditsAccountId = (partyId: PartyId | string): AccountId =>
  `credits:${partyId}` as AccountId
export const earningsAccountId = (partyId: PartyId | string): AccountId =>
  `earnings:${partyId}` as AccountId
export const platformRevenueAccountId = (unit: LedgerUnit): AccountId =>
  `platform:revenue:${unit}` as AccountId
export const creditIssuanceAccountId: AccountId = "platform:credit-issuance" as AccountId
export const externalCashAccountId = (unit: MoneyUnit): AccountId =>
  `external:cash:${unit}` as AccountId

/** A provider's prepaid credits: spending can never take them below zero. */
export const creditsAccount = (partyId: PartyId | string, at: Instant): Account => ({
  id: creditsAccountId(partyId),
  kind: "provider_credits",
  unit: "CREDIT",
  noOverdraft: true,
  ownerPartyId: partyId,
  createdAt: at,
})

/** Money a provider has earned and not been paid; a payout can never exceed it. */
export const earningsAccount = (
  partyId: PartyId | string,
  unit: MoneyUnit,
  at: Instant,
): Account => ({
  id: earningsAccountId(partyId),
  kind: "provider_earnings",
  unit,
  noOverdraft: true,
  ownerPartyId: partyId,
  createdAt: at,
})

/** The platform's fee income in one unit (credits spent on leads land in the CREDIT one). */
export const platformRevenueAccount = (unit: LedgerUnit, at: Instant): Account => ({
  id: platformRevenueAccountId(unit),
  kind: "platform_revenue",
  unit,
  noOverdraft: false,
  createdAt: at,
})

/** Where credits come from; its balance is minus the credits in circulation. */
export const creditIssuanceAccount = (at: Instant): Account => ({
  id: creditIssuanceAccountId,
  kind: "credit_issuance",
  unit: "CREDIT",
  noOverdraft: false,
  createdAt: at,
})

/** Money outside the ledger (bank, card processor); its balance is minus the money inside. */
export const externalCashAccount = (unit: MoneyUnit, at: Instant): Account => ({
  id: externalCashAccountId(unit),
  kind: "external_cash",
  unit,
  noOverdraft: false,
  createdAt: at,
})

// ---------------------------------------------------------------------------------------
// Accounts

/** The account as the ledger keeps it: no key holding `undefined`. */
const canonicalAccount = (account: Account): Account => ({
  id: account.id,
  kind: account.kind,
  unit: account.unit,
  noOverdraft: account.noOverdraft,
  ...(account.ownerPartyId === undefined ? {} : { ownerPartyId: account.ownerPartyId }),
  createdAt: account.createdAt,
})

/** Two accounts with these equal are the same account, whenever each was opened. */
export const sameAccountSettings = (a: Account, b: Account): boolean =>
  a.id === b.id &&
  a.kind === b.kind &&
  a.unit === b.unit &&
  a.noOverdraft === b.noOverdraft &&
  a.ownerPartyId === b.ownerPartyId

export type OpenAccountOutcome =
  | { readonly _tag: "Opened"; readonly account: Account }
  | { readonly _tag: "AlreadyOpen"; readonly account: Account }

/**
 * What opening `account` does: open it, or find it already open with the same settings
 * (and give back the stored one, with its first `createdAt`).
 */
export const decideOpenAccount = (
  state: Pick<LedgerState, "accounts">,
  account: Account,
): Result.Result<OpenAccountOutcome, AccountConflict> => {
  const existing = state.accounts.get(account.id)
  if (existing === undefined) {
    return Result.succeed({ _tag: "Opened", account: canonicalAccount(account) })
  }
  return sameAccountSettings(existing, account)
    ? Result.succeed({ _tag: "AlreadyOpen", account: existing })
    : Result.fail(new AccountConflict({ accountId: account.id }))
}

/** Opens an account with a zero balance; idempotent for the same settings. */
export const openAccount = (
  state: LedgerState,
  account: Account,
): Result.Result<readonly [LedgerState, Account], AccountConflict> =>
  Result.map(decideOpenAccount(state, account), (outcome) => {
    if (outcome._tag === "AlreadyOpen") return [state, outcome.account] as const
    const opened = outcome.account
    return [
      {
        accounts: new Map(state.accounts).set(opened.id, opened),
        balances: new Map(state.balances).set(opened.id, 0n),
        transfers: state.transfers,
      },
      opened,
    ] as const
  })

// ---------------------------------------------------------------------------------------
// Transfers

const linkKeys = ["requestId", "leadId", "jobId", "topUpId", "consultationId"] as const

const canonicalLinks = (links: TransferLinks): TransferLinks => {
  const out: Record<string, string> = {}
  for (const key of linkKeys) {
    const value = links[key]
    if (value !== undefined) out[key] = value
  }
  return out as TransferLinks
}

/** The transfer as recorded: exactly the request's fields, plus when it was applied. */
export const toTransfer = (request: TransferRequest, at: Instant): Transfer => ({
  id: request.id,
  debitAccountId: request.debitAccountId,
  creditAccountId: request.creditAccountId,
  amount: request.amount,
  unit: request.unit,
  reason: request.reason,
  ...(request.memo === undefined ? {} : { memo: request.memo }),
  links: canonicalLinks(request.links),
  createdAt: at,
})

/** Whether `b` asks for exactly what `a` asked for (when it was asked does not count). */
export const sameTransferFields = (a: TransferRequest, b: TransferRequest): boolean =>
  a.id === b.id &&
  a.debitAccountId === b.debitAccountId &&
  a.creditAccountId === b.creditAccountId &&
  a.amount === b.amount &&
  a.unit === b.unit &&
  a.reason === b.reason &&
  a.memo === b.memo &&
  linkKeys.every((key) => a.links[key] === b.links[key])

export type TransferOutcome =
  /** The id was used before with the same fields: the first transfer, nothing moves. */
  | { readonly _tag: "Replayed"; readonly transfer: Transfer }
  /** A new transfer, with both accounts' balances after it. */
  | {
      readonly _tag: "Applied"
      readonly transfer: Transfer
      readonly debitBalance: bigint
      readonly creditBalance: bigint
    }

const balanceIn = (state: Pick<LedgerState, "balances">, id: string): bigint =>
  state.balances.get(id) ?? 0n

/**
 * What applying `request` at `at` does, checked in this order (adapters keep the order, so
 * the same request fails the same way everywhere):
 * 1. an id used before: the first transfer when every field is the same, else
 *    IdempotencyConflict;
 * 2. amount not positive, or debit and credit the same account: InvalidTransfer;
 * 3. the debit account, then the credit account, not open: AccountNotFound;
 * 4. the transfer's unit not the unit of either account: InvalidTransfer;
 * 5. a no-overdraft debit account that would go below zero: InsufficientFunds.
 */
export const decideTransfer = (
  state: LedgerState,
  request: TransferRequest,
  at: Instant,
): Result.Result<TransferOutcome, TransferError> => {
  const first = state.transfers.get(request.id)
  if (first !== undefined) {
    return sameTransferFields(first, request)
      ? Result.succeed({ _tag: "Replayed", transfer: first })
      : Result.fail(new IdempotencyConflict({ transferId: request.id }))
  }
  const invalid = (problem: string) =>
    Result.fail(new InvalidTransfer({ transferId: request.id, problem }))
  if (request.amount <= 0n) return invalid(`amount ${request.amount} is not positive`)
  if (request.debitAccountId === request.creditAccountId) {
    return invalid(`debits and credits the same account ${request.debitAccountId}`)
  }
  const debit = state.accounts.get(request.debitAccountId)
  if (debit === undefined) {
    return Result.fail(new AccountNotFound({ accountId: request.debitAccountId }))
  }
  const credit = state.accounts.get(request.creditAccountId)
  if (credit === undefined) {
    return Result.fail(new AccountNotFound({ accountId: request.creditAccountId }))
  }
  for (const account of [debit, credit]) {
    if (account.unit !== request.unit) {
      return invalid(`unit ${request.unit} is not the unit ${account.unit} of ${account.id}`)
    }
  }
  const debitBefore = balanceIn(state, debit.id)
  const debitBalance = debitBefore - request.amount
  if (debit.noOverdraft && debitBalance < 0n) {
    return Result.fail(
      new InsufficientFunds({
        accountId: debit.id,
        balance: debitBefore,
        requested: request.amount,
        unit: request.unit,
      }),
    )
  }
  return Result.succeed({
    _tag: "Applied",
    transfer: toTransfer(request, at),
    debitBalance,
    creditBalance: balanceIn(state, credit.id) + request.amount,
  })
}

/** Applies a transfer exactly once (see `decideTransfer` for the rules and their order). */
export const applyTransfer = (
  state: LedgerState,
  request: TransferRequest,
  at: Instant,
): Result.Result<readonly [LedgerState, Transfer], TransferError> =>
  Result.map(decideTransfer(state, request, at), (outcome) => {
    if (outcome._tag === "Replayed") return [state, outcome.transfer] as const
    const { transfer } = outcome
    return [
      {
        accounts: state.accounts,
        balances: new Map(state.balances)
          .set(transfer.debitAccountId, outcome.debitBalance)
          .set(transfer.creditAccountId, outcome.creditBalance),
        transfers: new Map(state.transfers).set(transfer.id, transfer),
      },
      transfer,
    ] as const
  })

// ---------------------------------------------------------------------------------------
// Reading

export const balanceOf = (
  state: Pick<LedgerState, "accounts" | "balances">,
  id: AccountId,
): Result.Result<bigint, AccountNotFound> =>
  state.accounts.has(id)
    ? Result.succeed(balanceIn(state, id))
    : Result.fail(new AccountNotFound({ accountId: id }))

/**
 * The account's statement, newest first: the reverse of the order the transfers were
 * applied (not `createdAt`, which callers choose), each line with the balance after it.
 */
export const statementOf = (
  state: LedgerState,
  id: AccountId,
  options: { readonly limit: number; readonly offset?: number | undefined },
): Result.Result<ReadonlyArray<StatementLine>, AccountNotFound> => {
  if (!state.accounts.has(id)) return Result.fail(new AccountNotFound({ accountId: id }))
  const lines: Array<StatementLine> = []
  let balance = 0n
  for (const transfer of state.transfers.values()) {
    const change =
      transfer.creditAccountId === id
        ? transfer.amount
        : transfer.debitAccountId === id
          ? -transfer.amount
          : 0n
    if (change === 0n) continue
    balance += change
    lines.push({ transfer, change, balanceAfter: balance })
  }
  const from = options.offset ?? 0
  return Result.succeed(lines.reverse().slice(from, from + options.limit))
}

/** Sum of amounts debited from the account for `reason` at or after `since`. */
export const debitedSince = (
  state: Pick<LedgerState, "transfers">,
  id: AccountId,
  reason: TransferReason,
  since: Instant,
): bigint => {
  let sum = 0n
  for (const t of state.transfers.values()) {
    if (t.debitAccountId === id && t.reason === reason && t.createdAt >= since) sum += t.amount
  }
  return sum
}

// ---------------------------------------------------------------------------------------
// Checking

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Verifies every invariant from the transfers alone: each unit sums to zero, no
 * no-overdraft account is below zero, each stored balance equals its transfers, and every
 * transfer is well formed. Lists are sorted (by unit, account id or transfer id) so two
 * adapters report the same ledger identically.
 */
export const checkLedgerState = (state: LedgerState): LedgerCheckReport => {
  const fromTransfers = new Map<string, bigint>()
  const add = (id: string, change: bigint) =>
    fromTransfers.set(id, (fromTransfers.get(id) ?? 0n) + change)
  const malformed: Array<{ transferId: string; problem: string }> = []

  for (const t of state.transfers.values()) {
    add(t.debitAccountId, -t.amount)
    add(t.creditAccountId, t.amount)
    const problems: Array<string> = []
    if (t.amount <= 0n) problems.push(`amount ${t.amount} is not positive`)
    if (t.debitAccountId === t.creditAccountId) problems.push("debit and credit are one account")
    for (const id of [t.debitAccountId, t.creditAccountId]) {
      const account = state.accounts.get(id)
      if (account === undefined) problems.push(`account ${id} does not exist`)
      else if (account.unit !== t.unit) {
        problems.push(`unit ${t.unit} is not the unit ${account.unit} of ${id}`)
      }
    }
    if (problems.length > 0) malformed.push({ transferId: t.id, problem: problems.join("; ") })
  }

  const sums = new Map<LedgerUnit, bigint>()
  const overdrawn: Array<{ accountId: AccountId; balance: bigint }> = []
  const drifted: Array<{ accountId: AccountId; stored: bigint; fromTransfers: bigint }> = []
  for (const account of state.accounts.values()) {
    const computed = fromTransfers.get(account.id) ?? 0n
    const stored = balanceIn(state, account.id)
    sums.set(account.unit, (sums.get(account.unit) ?? 0n) + computed)
    const lowest = stored < computed ? stored : computed
    if (account.noOverdraft && lowest < 0n) {
      overdrawn.push({ accountId: account.id, balance: lowest })
    }
    if (stored !== computed) {
      drifted.push({ accountId: account.id, stored, fromTransfers: computed })
    }
  }
  // A balance stored for an account that does not exist is drift too.
  for (const [id, stored] of state.balances) {
    if (!state.accounts.has(id) && stored !== 0n) {
      drifted.push({
        accountId: id as AccountId,
        stored,
        fromTransfers: fromTransfers.get(id) ?? 0n,
      })
    }
  }

  const unbalancedUnits = [...sums]
    .filter(([, sum]) => sum !== 0n)
    .map(([unit, sum]) => ({ unit, sum }))
    .sort((a, b) => byText(a.unit, b.unit))
  overdrawn.sort((a, b) => byText(a.accountId, b.accountId))
  drifted.sort((a, b) => byText(a.accountId, b.accountId))
  malformed.sort((a, b) => byText(a.transferId, b.transferId))
  return {
    ok:
      unbalancedUnits.length === 0 &&
      overdrawn.length === 0 &&
      drifted.length === 0 &&
      malformed.length === 0,
    accounts: state.accounts.size,
    transfers: state.transfers.size,
    unbalancedUnits,
    overdrawn,
    driftedBalances: drifted,
    malformedTransfers: malformed,
  }
}
