import { Effect, Layer, Option } from "effect"
import { compareText, InMemoryStore, page } from "../../shared/testing/in-memory-store.ts"
import type { Instant } from "../../shared/time.ts"
import { subscriptionDueAt } from "../domain/subscription.ops.ts"
import type { Payment, Subscription } from "../domain/subscription.ts"
import { SubscriptionRepository } from "../ports/subscription-repository.ts"

export const subscriptionsTable = "subscriptions"
export const subscriptionPaymentsTable = "subscription_payments"
/** Subscription id -> until when `listDue` leaves it out (`postponeDue`). */
export const subscriptionsPostponedTable = "subscriptions_postponed"

/** Newest first, equal creation times by id: the order of `list`. */
export const subscriptionListOrder = (a: Subscription, b: Subscription): number =>
  b.createdAt - a.createdAt || compareText(a.id, b.id)

const slot = (subscription: Subscription): string | undefined =>
  subscription.state === "pending_payment"
    ? "pending_payment"
    : subscription.state === "active" || subscription.state === "past_due"
      ? "active_or_past_due"
      : undefined

/**
 * The keys Postgres enforces with unique indexes. Breaking one is a bug in the use case
 * that tried (it decides under a lock), so it is a defect, as a unique violation is on
 * the real adapter.
 */
const checkOneOpen = (rows: Iterable<Subscription>, subscription: Subscription): void => {
  const mine = slot(subscription)
  if (mine === undefined) return
  for (const other of rows) {
    if (
      other.id !== subscription.id &&
      other.customerId === subscription.customerId &&
      slot(other) === mine
    ) {
      throw new Error(
        `customer ${subscription.customerId} already has a ${mine} subscription (${other.id})`,
      )
    }
  }
}

export const layerSubscriptionRepositoryInMemory: Layer.Layer<
  SubscriptionRepository,
  never,
  InMemoryStore
> = Layer.effect(
  SubscriptionRepository,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const subscriptions = () => store.table<Subscription>(subscriptionsTable)
    const payments = () => store.table<Payment>(subscriptionPaymentsTable)
    const postponed = () => store.table<Instant>(subscriptionsPostponedTable)
    const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
    const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
    return SubscriptionRepository.of({
      insert: (subscription) =>
        writing(() => {
          if (subscriptions().has(subscription.id)) {
            throw new Error(`subscription ${subscription.id} exists`)
          }
          checkOneOpen(subscriptions().values(), subscription)
          subscriptions().set(subscription.id, subscription)
        }),
      // Like SQL UPDATE: a row that is not there stays not there.
      update: (subscription) =>
        writing(() => {
          if (!subscriptions().has(subscription.id)) return
          checkOneOpen(subscriptions().values(), subscription)
          subscriptions().set(subscription.id, subscription)
          postponed().delete(subscription.id)
        }),
      findById: (id) => reading(() => Option.fromUndefinedOr(subscriptions().get(id))),
      list: (filter) =>
        reading(() =>
          page(
            [...subscriptions().values()]
              .filter(
                (s) =>
                  (filter.states === undefined || filter.states.includes(s.state)) &&
                  (filter.customerId === undefined || s.customerId === filter.customerId),
              )
              .sort(subscriptionListOrder),
            filter,
          ),
        ),
      listDue: (at, limit) =>
        reading(() =>
          [...subscriptions().values()]
            .flatMap((s) => {
              const due = subscriptionDueAt(s)
              const until = postponed().get(s.id)
              return due !== undefined && due <= at && (until === undefined || until <= at)
                ? [{ s, due }]
                : []
            })
            .sort((a, b) => a.due - b.due || compareText(a.s.id, b.s.id))
            .slice(0, Math.max(0, limit))
            .map(({ s }) => s),
        ),
      postponeDue: (id, until) =>
        writing(() => {
          if (subscriptions().has(id)) postponed().set(id, until)
        }),
      insertPayment: (payment) =>
        writing(() => {
          for (const other of payments().values()) {
            if (other.id === payment.id || other.reference === payment.reference) {
              throw new Error(`payment ${payment.id} / ${payment.reference} exists`)
            }
          }
          payments().set(payment.id, payment)
        }),
      updatePayment: (payment) =>
        writing(() => {
          if (payments().has(payment.id)) payments().set(payment.id, payment)
        }),
      findPaymentById: (id) => reading(() => Option.fromUndefinedOr(payments().get(id))),
      findPaymentByReference: (reference) =>
        reading(() =>
          Option.fromUndefinedOr([...payments().values()].find((p) => p.reference === reference)),
        ),
      listPayments: (subscriptionId) =>
        reading(() =>
          [...payments().values()]
            .filter((p) => p.subscriptionId === subscriptionId)
            .sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id)),
        ),
    })
  }),
)
