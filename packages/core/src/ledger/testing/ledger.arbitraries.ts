import * as fc from "fast-check"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import {
  creditIssuanceAccount,
  creditsAccount,
  earningsAccount,
  externalCashAccount,
  type MoneyUnit,
  platformRevenueAccount,
} from "../domain/ledger.ops.ts"
import {
  type Account,
  type AccountId,
  AccountKind,
  type Amount,
  LedgerUnit,
  type TransferLinks,
  TransferReason,
  type TransferRequest,
} from "../domain/ledger.ts"

export const arbLedgerUnit: fc.Arbitrary<LedgerUnit> = fc.constantFrom(...LedgerUnit.literals)
export const arbMoneyUnit: fc.Arbitrary<MoneyUnit> = fc.constantFrom(
  ...LedgerUnit.literals.filter((u): u is MoneyUnit => u !== "CREDIT"),
)
export const arbAccountKind: fc.Arbitrary<AccountKind> = fc.constantFrom(...AccountKind.literals)
export const arbTransferReason: fc.Arbitrary<TransferReason> = fc.constantFrom(
  ...TransferReason.literals,
)

/**
 * Mostly small amounts (so balances run out and InsufficientFunds happens), sometimes
 * beyond 2^53 (where a float would lose cents). Sums of a few hundred stay in int8.
 */
export const arbAmount: fc.Arbitrary<Amount> = fc
  .oneof(
    { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 1_000n }) },
    { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 16n }) },
  )
  .map((n) => n as Amount)

/** Idempotency ids as callers make them: generated ids, or keys built from a cause. */
export const arbTransferId: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^tfr_[0-9a-hjkmnp-tv-z]{20}$/),
  fc
    .tuple(
      fc.constantFrom("topup", "unlock", "grant", "payout"),
      fc.stringMatching(/^[a-z0-9]{4,12}$/),
    )
    .map(([cause, key]) => `${cause}:${key}`),
  fc.string({ minLength: 1, maxLength: 40 }),
)

const arbLinkValue = fc.stringMatching(/^[a-z]{3}_[0-9a-z]{6,20}$/)

export const arbTransferLinks: fc.Arbitrary<TransferLinks> = fc.record(
  {
    requestId: arbLinkValue,
    leadId: arbLinkValue,
    jobId: arbLinkValue,
    topUpId: arbLinkValue,
    consultationId: arbLinkValue,
  },
  { requiredKeys: [] },
)

const arbMemo: fc.Arbitrary<string | undefined> = fc.option(fc.string({ maxLength: 60 }), {
  nil: undefined,
})

/** Any account of the chart, built with the account helpers (so its id matches its kind). */
export const arbAccount = (
  options: { readonly createdAt?: fc.Arbitrary<Instant> } = {},
): fc.Arbitrary<Account> => {
  const at = options.createdAt ?? arbInstant
  return fc.oneof(
    fc.tuple(arbPartyId, at).map(([party, t]) => creditsAccount(party, t)),
    fc.tuple(arbPartyId, arbMoneyUnit, at).map(([party, u, t]) => earningsAccount(party, u, t)),
    fc.tuple(arbLedgerUnit, at).map(([u, t]) => platformRevenueAccount(u, t)),
    at.map((t) => creditIssuanceAccount(t)),
    fc.tuple(arbMoneyUnit, at).map(([u, t]) => externalCashAccount(u, t)),
  )
}

/**
 * A deployment's chart of accounts: credit issuance, platform revenue in credits and in
 * one or two currencies, external cash per currency, and 1-4 providers each with credits
 * and earnings. Ids are distinct.
 */
export const arbChartOfAccounts: fc.Arbitrary<ReadonlyArray<Account>> = fc
  .tuple(
    fc.uniqueArray(arbMoneyUnit, { minLength: 1, maxLength: 2 }),
    fc.uniqueArray(arbPartyId, { minLength: 1, maxLength: 4 }),
    arbInstant,
  )
  .map(([currencies, parties, at]) => [
    creditIssuanceAccount(at),
    platformRevenueAccount("CREDIT", at),
    ...currencies.flatMap((u) => [externalCashAccount(u, at), platformRevenueAccount(u, at)]),
    ...parties.flatMap((p, i) => [
      creditsAccount(p, at),
      earningsAccount(p, currencies[i % currencies.length]!, at),
    ]),
  ])

const request = (fields: {
  readonly id: string
  readonly debitAccountId: AccountId
  readonly creditAccountId: AccountId
  readonly amount: Amount
  readonly unit: LedgerUnit
  readonly reason: TransferReason
  readonly memo: string | undefined
  readonly links: TransferLinks
}): TransferRequest => {
  const { memo, ...rest } = fields
  return memo === undefined ? rest : { ...rest, memo }
}

/**
 * A transfer request among `accounts`: most between two accounts of one unit; about one in
 * eight breaks a rule (same account twice, units that differ, an account never opened),
 * unless `flawless`. `accounts` should hold two accounts of some unit.
 */
export const arbTransferRequest = (
  accounts: ReadonlyArray<Account>,
  options: { readonly flawless?: boolean } = {},
): fc.Arbitrary<TransferRequest> =>
  fc
    .record({
      id: arbTransferId,
      pick: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
      amount: arbAmount,
      reason: arbTransferReason,
      memo: arbMemo,
      links: arbTransferLinks,
      flaw: options.flawless
        ? fc.constant("none" as const)
        : fc.oneof(
            { weight: 7, arbitrary: fc.constant("none" as const) },
            {
              weight: 1,
              arbitrary: fc.constantFrom(
                "same-account" as const,
                "unit" as const,
                "unknown" as const,
              ),
            },
          ),
      stranger: arbPartyId,
    })
    .map(({ id, pick: [u, d, c], amount, reason, memo, links, flaw, stranger }) => {
      // Only units with two accounts can make a flawless transfer.
      const units = [...new Set(accounts.map((a) => a.unit))].filter(
        (unit) => accounts.filter((a) => a.unit === unit).length >= 2,
      )
      const unit = units[u % units.length] ?? "CREDIT"
      const sameUnit = accounts.filter((a) => a.unit === unit)
      const debit = sameUnit[d % sameUnit.length]?.id ?? creditsAccount(stranger, 0 as Instant).id
      const others = sameUnit.filter((a) => a.id !== debit)
      let credit = others[c % Math.max(1, others.length)]?.id ?? debit
      let transferUnit: LedgerUnit = unit
      if (flaw === "same-account") credit = debit
      if (flaw === "unknown") credit = `credits:${stranger}` as AccountId
      if (flaw === "unit") {
        transferUnit = LedgerUnit.literals.find((l) => l !== unit) ?? "CREDIT"
      }
      return request({
        id,
        debitAccountId: debit,
        creditAccountId: credit,
        amount,
        unit: transferUnit,
        reason,
        memo,
        links,
      })
    })

/**
 * The same id with one field changed, so replaying it is a conflict. `which` picks the
 * field: amount, reason, memo, links, or the direction.
 */
export const conflictingVariant = (original: TransferRequest, which: number): TransferRequest => {
  switch (which % 5) {
    case 1: {
      const reason = TransferReason.literals.find((r) => r !== original.reason)!
      return { ...original, reason }
    }
    case 2:
      return { ...original, memo: original.memo === undefined ? "changed" : `${original.memo}!` }
    case 3:
      return {
        ...original,
        links: { ...original.links, requestId: `${original.links.requestId ?? "req"}-changed` },
      }
    case 4:
      if (original.debitAccountId !== original.creditAccountId) {
        return {
          ...original,
          debitAccountId: original.creditAccountId,
          creditAccountId: original.debitAccountId,
        }
      }
      return { ...original, amount: (original.amount + 1n) as Amount }
    default:
      return { ...original, amount: (original.amount + 1n) as Amount }
  }
}

/** One call to `Ledger.transfer` in a generated sequence. */
export interface LedgerStep {
  /** `replay` repeats an earlier request; `conflict` reuses its id with a field changed. */
  readonly kind: "fresh" | "replay" | "conflict"
  readonly request: TransferRequest
  readonly at: Instant
}

/**
 * A sequence of transfer calls among `accounts`, with replays of earlier requests and
 * conflicting replays of earlier ids mixed in (about one in seven each).
 */
export const arbTransferSequence = (
  accounts: ReadonlyArray<Account>,
  options: { readonly minLength?: number; readonly maxLength?: number } = {},
): fc.Arbitrary<ReadonlyArray<LedgerStep>> =>
  fc
    .array(
      fc.record({
        kind: fc.oneof(
          { weight: 5, arbitrary: fc.constant("fresh" as const) },
          { weight: 1, arbitrary: fc.constant("replay" as const) },
          { weight: 1, arbitrary: fc.constant("conflict" as const) },
        ),
        fresh: arbTransferRequest(accounts),
        pick: fc.nat(),
        which: fc.nat(),
        at: arbInstant,
      }),
      { minLength: options.minLength ?? 0, maxLength: options.maxLength ?? 30 },
    )
    .map((raw) => {
      const earlier: Array<TransferRequest> = []
      return raw.map(({ kind, fresh, pick, which, at }): LedgerStep => {
        const before = earlier[pick % Math.max(1, earlier.length)]
        if (kind === "replay" && before !== undefined) return { kind, request: before, at }
        if (kind === "conflict" && before !== undefined) {
          return { kind, request: conflictingVariant(before, which), at }
        }
        earlier.push(fresh)
        return { kind: "fresh", request: fresh, at }
      })
    })

/** A chart of accounts and a sequence of transfers among them. */
export interface LedgerScenario {
  readonly accounts: ReadonlyArray<Account>
  readonly steps: ReadonlyArray<LedgerStep>
}

export const arbLedgerScenario = (
  options: { readonly maxLength?: number } = {},
): fc.Arbitrary<LedgerScenario> =>
  arbChartOfAccounts.chain((accounts) =>
    arbTransferSequence(accounts, options).map((steps) => ({ accounts, steps })),
  )
