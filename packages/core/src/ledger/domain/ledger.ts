import { Schema } from "effect"
import { Instant } from "../../shared/time.ts"

/** What an amount counts: money in a currency's minor units, or marketplace credits. */
export const LedgerUnit = Schema.Literals(["ZAR", "NGN", "KES", "GHS", "USD", "CREDIT"])
export type LedgerUnit = typeof LedgerUnit.Type

/** A positive whole number of minor units (cents, kobo) or credits. Never a float. */
export const Amount = Schema.BigInt.check(Schema.isGreaterThanBigInt(0n)).pipe(
  Schema.brand("Amount"),
)
export type Amount = typeof Amount.Type

/**
 * Account ids name what they hold, so a reader of a statement knows at once:
 * `credits:<partyId>`, `earnings:<partyId>`, `platform:revenue:<unit>`,
 * `platform:credit-issuance`, `external:cash:<unit>`.
 */
export const AccountId = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z-]*(:[A-Za-z0-9_-]+)+$/u, {
    message: "must be an account id such as credits:pty_…",
  }),
).pipe(Schema.brand("AccountId"))
export type AccountId = typeof AccountId.Type

export const AccountKind = Schema.Literals([
  /** A provider's prepaid credits (no overdraft). */
  "provider_credits",
  /** Money a provider has earned and not yet been paid (no overdraft). */
  "provider_earnings",
  /** The platform's fee income. */
  "platform_revenue",
  /** Where credits come from when sold or granted; its balance is minus the credits in circulation. */
  "credit_issuance",
  /** Money outside the ledger (bank, card processor); its balance is minus the money held inside. */
  "external_cash",
])
export type AccountKind = typeof AccountKind.Type

export const Account = Schema.Struct({
  id: AccountId,
  kind: AccountKind,
  unit: LedgerUnit,
  /** Transfers that would take this account's balance below zero are refused. */
  noOverdraft: Schema.Boolean,
  ownerPartyId: Schema.optionalKey(Schema.String),
  createdAt: Instant,
})
export type Account = typeof Account.Type

/** Why money or credits moved; statements show it to people. */
export const TransferReason = Schema.Literals([
  "topup",
  "lead_unlock",
  "lead_refund",
  "grant",
  "clawback",
  "consultation_payout",
  "platform_fee",
  "earnings_payout",
  "subscription_payment",
])
export type TransferReason = typeof TransferReason.Type

/** What caused a transfer, for tracing a statement line back to its request, lead or job. */
export const TransferLinks = Schema.Struct({
  requestId: Schema.optionalKey(Schema.String),
  leadId: Schema.optionalKey(Schema.String),
  jobId: Schema.optionalKey(Schema.String),
  topUpId: Schema.optionalKey(Schema.String),
  consultationId: Schema.optionalKey(Schema.String),
  subscriptionId: Schema.optionalKey(Schema.String),
  paymentId: Schema.optionalKey(Schema.String),
})
export type TransferLinks = typeof TransferLinks.Type

/**
 * A request to move `amount` from the debit account to the credit account. The balance of
 * an account is (sum of its credits) - (sum of its debits), so every transfer keeps each
 * unit's total at zero. `id` is the idempotency key chosen by the caller.
 */
export const TransferRequest = Schema.Struct({
  id: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200)),
  debitAccountId: AccountId,
  creditAccountId: AccountId,
  amount: Amount,
  unit: LedgerUnit,
  reason: TransferReason,
  memo: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(500))),
  links: TransferLinks,
})
export type TransferRequest = typeof TransferRequest.Type

/** A transfer as recorded: the request plus when it was applied. */
export const Transfer = Schema.Struct({ ...TransferRequest.fields, createdAt: Instant })
export type Transfer = typeof Transfer.Type

/** One line of an account's statement, newest first, with the balance after it. */
export interface StatementLine {
  readonly transfer: Transfer
  /** Positive when the account was credited, negative when debited. */
  readonly change: bigint
  readonly balanceAfter: bigint
}

/** What `fundi ops ledger check` reports; `ok` only when every list is empty. */
export interface LedgerCheckReport {
  readonly ok: boolean
  readonly accounts: number
  readonly transfers: number
  /** Units whose balances do not sum to zero, with the sum. */
  readonly unbalancedUnits: ReadonlyArray<{ readonly unit: LedgerUnit; readonly sum: bigint }>
  /** no_overdraft accounts below zero. */
  readonly overdrawn: ReadonlyArray<{ readonly accountId: AccountId; readonly balance: bigint }>
  /** Accounts whose stored balance differs from the sum of their transfers. */
  readonly driftedBalances: ReadonlyArray<{
    readonly accountId: AccountId
    readonly stored: bigint
    readonly fromTransfers: bigint
  }>
  /** Transfers whose unit differs from an account's unit, or with amount <= 0. */
  readonly malformedTransfers: ReadonlyArray<{
    readonly transferId: string
    readonly problem: string
  }>
}
