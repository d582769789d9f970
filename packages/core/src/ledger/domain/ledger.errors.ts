import { Schema } from "effect"

export class AccountNotFound extends Schema.TaggedError<AccountNotFound>()("AccountNotFound", {
  accountId: Schema.String,
}) {
  override get message() {
    return `no ledger account ${this.accountId}`
  }
}

/** The same account id was opened before with a different unit, kind or overdraft rule. */
export class AccountConflict extends Schema.TaggedError<AccountConflict>()("AccountConflict", {
  accountId: Schema.String,
}) {
  override get message() {
    return `ledger account ${this.accountId} already exists with different settings`
  }
}

/** A transfer id was used before for a transfer with different fields. */
export class IdempotencyConflict extends Schema.TaggedError<IdempotencyConflict>()(
  "IdempotencyConflict",
  {
    transferId: Schema.String,
  },
) {
  override get message() {
    return `transfer ${this.transferId} was already made with different details`
  }
}

/** The transfer would take a no-overdraft account below zero. */
export class InsufficientFunds extends Schema.TaggedError<InsufficientFunds>()(
  "InsufficientFunds",
  {
    accountId: Schema.String,
    balance: Schema.BigInt,
    requested: Schema.BigInt,
    unit: Schema.String,
  },
) {
  override get message() {
    return `${this.accountId} holds ${this.balance} ${this.unit}; ${this.requested} needed`
  }
}

/** The transfer's unit is not the unit of one of its accounts, or both sides are the same account. */
export class InvalidTransfer extends Schema.TaggedError<InvalidTransfer>()("InvalidTransfer", {
  transferId: Schema.String,
  problem: Schema.String,
}) {
  override get message() {
    return `transfer ${this.transferId} is not valid: ${this.problem}`
  }
}
