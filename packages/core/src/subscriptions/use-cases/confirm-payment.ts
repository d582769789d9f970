import { Effect, Result, Schema } from "effect"
import {
  externalCashAccount,
  externalCashAccountId,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount } from "../../ledger/domain/ledger.ts"
import { Policy } from "../../policy/policy-service.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { now } from "../../shared/time.ts"
import { lockParty } from "../../vetting/use-cases/support.ts"
import { moneyUnit, openAccounts, transfer } from "../../wallet/use-cases/support.ts"
import { activeMessage } from "../domain/subscription.messages.ts"
import {
  checkVerified,
  nextPeriod,
  subscriptionTarget,
  transitionSubscription,
} from "../domain/subscription.ops.ts"
import type { Payment, Subscription, VerifiedTransaction } from "../domain/subscription.ts"
import type {
  PaymentGatewayUnavailable,
  PaymentMismatch,
  PaymentNotFound,
} from "../domain/subscriptions.errors.ts"
import { PaymentGateway } from "../ports/payment-gateway.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"
import type { SubscriptionServices } from "./services.ts"
import {
  audit,
  customerOf,
  endSubscription,
  inTransaction,
  loadPaymentByReference,
  subscriptionDetails,
  subscriptionOf,
  tell,
} from "./support.ts"

export const ConfirmPaymentInput = Schema.Struct({ reference: Schema.NonEmptyString })
export type ConfirmPaymentInput = typeof ConfirmPaymentInput.Encoded

export interface PaymentConfirmation {
  readonly payment: Payment
  readonly subscription: Subscription
  /** False when nothing changed: already paid, or the gateway has no success (yet). */
  readonly changed: boolean
}

/** The ledger transfer of a payment: named after it, so money is taken in once. */
export const paymentTransferId = (payment: Pick<Payment, "id">): string => `payment:${payment.id}`

const system = { _tag: "system", process: "payments" } as const

/**
 * Settles a payment from what the gateway itself says of it (a webhook alone is never
 * trusted, nor the payer's browser coming back). The gateway is asked first, outside the
 * transaction; then, with the homeowner, the subscription and the payment locked: a
 * success that matches makes it paid, takes the money into the ledger (external cash ->
 * platform revenue), makes the subscription active for the period it pays (replacing the
 * customer's other paid-up plan), and tells the homeowner. Confirming a paid payment
 * changes nothing, so the webhook and the return page may both confirm. A gateway that
 * reports no success (yet) leaves the payment pending: the payer may try again on the
 * same checkout.
 *
 * A success that does not match (amount, currency) is not accepted: the payment is marked
 * failed with what differs and audited, that is committed, and then the call fails with
 * PaymentMismatch, so ops see it both in the payment and in the failed webhook event.
 * Money for a subscription that has meanwhile ended is kept (paid, in the ledger) but does
 * not reopen the plan; the audit entry says a refund is due.
 */
export const confirmPayment: (
  input: unknown,
) => Effect.Effect<
  PaymentConfirmation,
  | InvalidInput
  | PersistenceUnavailable
  | PaymentNotFound
  | PaymentGatewayUnavailable
  | PaymentMismatch,
  SubscriptionServices
> = Effect.fn("confirmPayment")(function* (raw: unknown) {
  const input = yield* decodeInput(ConfirmPaymentInput)(raw)
  const known = yield* loadPaymentByReference(input.reference)
  if (known.state === "paid") {
    return { payment: known, subscription: yield* subscriptionOf(known), changed: false }
  }
  // A reference the gateway does not know is one the payer has not reached checkout with.
  const verified: VerifiedTransaction | undefined = yield* (yield* PaymentGateway)
    .verify(input.reference)
    .pipe(Effect.catchTag("PaymentNotFound", () => Effect.succeed(undefined)))
  const outcome = yield* inTransaction(decide(input.reference, verified))
  if (Result.isFailure(outcome)) return yield* outcome.failure
  return outcome.success
})

const decide = (reference: string, verified: VerifiedTransaction | undefined) =>
  Effect.gen(function* () {
    const repo = yield* SubscriptionRepository
    // Locked in the order every other writer takes them (choosing a plan: the homeowner,
    // then their subscriptions; the scheduler and cancelling: a subscription, then its
    // payments), never the payment first: a confirmation that held the payment while the
    // scheduler held its subscription (expiring it, so closing that payment) deadlocked.
    // A payment's subscription and customer never change, so an unlocked read finds them.
    const seen = yield* loadPaymentByReference(reference)
    yield* lockParty(seen.customerId).pipe(
      Effect.catchTag("PartyNotFound", (bug) => Effect.die(bug)),
    )
    const subscription = yield* subscriptionOf(seen, { forUpdate: true })
    const payment = yield* loadPaymentByReference(reference, { forUpdate: true })
    const unchanged = Result.succeed<PaymentConfirmation>({
      payment,
      subscription,
      changed: false,
    })
    if (payment.state === "paid" || verified === undefined || verified.status !== "success") {
      return unchanged
    }
    const at = yield* now
    const checked = checkVerified(payment, verified)
    if (Result.isFailure(checked)) {
      const mismatch = checked.failure
      if (payment.state !== "failed" || payment.failureReason !== mismatch.detail) {
        yield* repo.updatePayment({
          ...payment,
          state: "failed",
          failureReason: mismatch.detail,
          gatewayTransactionId: verified.gatewayTransactionId,
          updatedAt: at,
        })
        yield* audit({
          actor: system,
          action: "payment.mismatch",
          subjectType: "payment",
          subjectId: payment.id,
          details: {
            reference,
            subscriptionId: subscription.id,
            detail: mismatch.detail,
            expectedMinor: payment.amountMinor.toString(),
            verifiedMinor: verified.amountMinor.toString(),
            expectedCurrency: payment.currency,
            verifiedCurrency: verified.currency,
          },
        })
      }
      return Result.fail(mismatch)
    }

    const paidAt = verified.paidAt ?? at
    const { failureReason: _cleared, ...rest } = payment
    const paid: Payment = {
      ...rest,
      state: "paid",
      paidAt,
      gatewayTransactionId: verified.gatewayTransactionId,
      ...(verified.channel === undefined ? {} : { channel: verified.channel }),
      updatedAt: at,
    }
    yield* repo.updatePayment(paid)
    const currency = yield* moneyUnit(payment.currency)
    yield* openAccounts([externalCashAccount(currency, at), platformRevenueAccount(currency, at)])
    const moved = yield* transfer(
      {
        id: paymentTransferId(payment),
        debitAccountId: externalCashAccountId(currency),
        creditAccountId: platformRevenueAccountId(currency),
        amount: payment.amountMinor as Amount,
        unit: currency,
        reason: "subscription_payment",
        memo: `subscription payment ${payment.reference} (${subscription.id})`,
        links: { subscriptionId: subscription.id, paymentId: payment.id },
      },
      at,
    ).pipe(
      // External cash may go below zero and the id is the payment's own: a refusal is a bug.
      Effect.catchTags({
        IdempotencyConflict: (bug) => Effect.die(bug),
        InsufficientFunds: (bug) => Effect.die(bug),
      }),
    )

    if (subscriptionTarget(subscription.state, "PaymentConfirmed") === undefined) {
      yield* audit({
        actor: system,
        action: "payment.paid_after_end",
        subjectType: "payment",
        subjectId: payment.id,
        reason: `paid while the subscription is ${subscription.state}: refund due`,
        details: {
          ...subscriptionDetails(subscription),
          reference,
          amountMinor: payment.amountMinor.toString(),
          transferId: moved.id,
        },
      })
      return Result.succeed<PaymentConfirmation>({ payment: paid, subscription, changed: true })
    }

    // The customer's other paid-up plan gives way to the one just paid for, first: a
    // customer holds one active-or-past-due subscription.
    const others = yield* repo.list({
      customerId: subscription.customerId,
      states: ["active", "past_due"],
    })
    const replaced = `replaced by ${subscription.id}`
    for (const other of others) {
      if (other.id === subscription.id) continue
      yield* endSubscription(other, { _tag: "Cancel", by: system.process, reason: replaced }, at)
    }
    const period = nextPeriod(subscription, paidAt)
    const active = yield* Effect.orDie(
      Effect.fromResult(
        transitionSubscription(
          subscription,
          {
            _tag: "PaymentConfirmed",
            payment: paid,
            periodStart: period.start,
            periodEnd: period.end,
          },
          at,
        ),
      ),
    )
    yield* repo.update(active)
    const party = yield* customerOf(subscription)
    yield* tell(party, activeMessage(party, yield* Policy, active, paid))
    yield* audit({
      actor: system,
      action: subscription.state === "past_due" ? "subscription.renew" : "subscription.activate",
      subjectType: "subscription",
      subjectId: subscription.id,
      details: {
        ...subscriptionDetails(active),
        from: subscription.state,
        paymentId: paid.id,
        reference,
        periodStart: period.start,
        periodEnd: period.end,
        transferId: moved.id,
        replaced: others.filter((o) => o.id !== subscription.id).map((o) => o.id),
      },
    })
    return Result.succeed<PaymentConfirmation>({
      payment: paid,
      subscription: active,
      changed: true,
    })
  })
