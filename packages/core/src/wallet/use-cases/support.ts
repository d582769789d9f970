import { Effect, Option } from "effect"
import type {
  AccountNotFound,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidTransfer,
} from "../../ledger/domain/ledger.errors.ts"
import type { MoneyUnit } from "../../ledger/domain/ledger.ops.ts"
import type {
  Account,
  AccountId,
  Amount,
  Transfer,
  TransferRequest,
} from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import { InvalidInput, type PersistenceUnavailable } from "../../shared/errors.ts"
import { newEventId, newMessageId, type PartyId, type TopUpId } from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { TopUp } from "../domain/top-up.ts"
import { NotAProvider, TopUpNotFound } from "../domain/wallet.errors.ts"
import type { WalletEvent, WalletEventData } from "../domain/wallet.events.ts"
import { walletNotifications } from "../domain/wallet.notifications.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"

export { audit, inTransaction } from "../../vetting/use-cases/support.ts"

/**
 * Loads a party and insists it is a provider: only providers have wallets. With
 * `forUpdate` the row stays locked until the transaction ends, so two spends by one
 * provider are decided one after the other (the weekly budget cannot be raced).
 */
export const loadProvider = (
  partyId: PartyId,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<Party, PartyNotFound | NotAProvider | PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(partyId, options)
    if (Option.isNone(found)) return yield* new PartyNotFound({ partyId })
    if (found.value.kind !== "provider") return yield* new NotAProvider({ partyId })
    return found.value
  })

export const loadTopUp = (
  topUpId: TopUpId,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<TopUp, TopUpNotFound | PersistenceUnavailable, TopUpRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* TopUpRepository).findById(topUpId, options)
    if (Option.isNone(found)) return yield* new TopUpNotFound({ topUpId })
    return found.value
  })

/** A top-up's party, which exists (a foreign key on Postgres): a missing one is a bug. */
export const ownerOf = (
  topUp: TopUp,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<Party, PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(topUp.partyId as PartyId, options)
    if (Option.isNone(found)) {
      return yield* Effect.die(new PartyNotFound({ partyId: topUp.partyId }))
    }
    return found.value
  })

const moneyUnits: ReadonlyArray<string> = ["ZAR", "NGN", "KES", "GHS", "USD"]

/** A stored currency as a ledger unit; anything else is a bug in what was stored. */
export const moneyUnit = (currency: string): Effect.Effect<MoneyUnit> =>
  moneyUnits.includes(currency)
    ? Effect.succeed(currency as MoneyUnit)
    : Effect.die(new Error(`${currency} is not a money unit of the ledger`))

/**
 * Opens the accounts a use case is about to use. The chart of accounts is fixed, so an
 * account already open with other settings is a bug (or a changed currency): a defect.
 */
export const openAccounts = (
  list: ReadonlyArray<Account>,
): Effect.Effect<void, PersistenceUnavailable, Ledger> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    for (const account of list) {
      yield* ledger
        .openAccount(account)
        .pipe(Effect.catchTag("AccountConflict", (conflict) => Effect.die(conflict)))
    }
  })

/**
 * Makes a transfer between accounts the use case has opened. The use case builds every
 * request, so a missing account or a malformed transfer is a bug; what callers can cause
 * (a reused key with other details, not enough funds) stays a typed failure.
 */
export const transfer = (
  request: TransferRequest,
  at: Instant,
): Effect.Effect<
  Transfer,
  IdempotencyConflict | InsufficientFunds | PersistenceUnavailable,
  Ledger
> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    return yield* ledger.transfer(request, at).pipe(
      Effect.catchTags({
        AccountNotFound: (bug: AccountNotFound) => Effect.die(bug),
        InvalidTransfer: (bug: InvalidTransfer) => Effect.die(bug),
      }),
    )
  })

/** A balance, or zero for an account never used (accounts are opened on first use). */
export const balanceOrZero = (
  id: AccountId,
): Effect.Effect<bigint, PersistenceUnavailable, Ledger> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    return yield* ledger
      .balance(id)
      .pipe(Effect.catchTag("AccountNotFound", () => Effect.succeed(0n)))
  })

/** The most one amount may be: 18 digits, like the string form, so sums stay in int8. */
export const maxAmountMinor = 10n ** 18n - 1n

/** A positive amount for the ledger; `field` names the input it came from. */
export const positiveAmount = (
  value: bigint | string,
  field: string,
): Effect.Effect<Amount, InvalidInput> => {
  const amount = typeof value === "bigint" ? value : BigInt(value)
  const problem =
    amount <= 0n ? "must be more than 0" : amount > maxAmountMinor ? "is too large" : undefined
  return problem === undefined
    ? Effect.succeed(amount as Amount)
    : Effect.fail(new InvalidInput({ issues: [{ path: field, message: problem }] }))
}

/** Ledger memos hold at most 500 characters; reasons may be longer. */
export const memo = (text: string): string => text.slice(0, 500)

/**
 * Gives the rules' events their ids and puts the messages the wallet notification policy
 * wants into the outbox, in the caller's transaction.
 */
export const publish = (
  events: ReadonlyArray<WalletEventData>,
  party: Party,
): Effect.Effect<ReadonlyArray<WalletEvent>, PersistenceUnavailable, Outbox | Policy> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const outbox = yield* Outbox
    const at = yield* now
    const published: Array<WalletEvent> = []
    const messages: Array<OutboxMessage> = []
    for (const data of events) {
      const event = { ...data, eventId: yield* newEventId } as WalletEvent
      published.push(event)
      for (const draft of walletNotifications(event, party, policy)) {
        messages.push({
          ...draft,
          id: yield* newMessageId,
          status: "pending",
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        })
      }
    }
    if (messages.length > 0) yield* outbox.enqueue(messages)
    return published
  })

/**
 * When `request.id` was used before: the first transfer if every field is the same (a
 * retried command, which changes nothing and is not audited again), else
 * IdempotencyConflict. None when the id is new.
 */
export const replayOf = (
  request: TransferRequest,
  at: Instant,
): Effect.Effect<
  Option.Option<Transfer>,
  IdempotencyConflict | InsufficientFunds | PersistenceUnavailable,
  Ledger
> =>
  Effect.gen(function* () {
    const ledger = yield* Ledger
    if (Option.isNone(yield* ledger.findTransfer(request.id))) return Option.none()
    // The ledger compares the fields and gives back the first transfer, or refuses.
    return Option.some(yield* transfer(request, at))
  })
