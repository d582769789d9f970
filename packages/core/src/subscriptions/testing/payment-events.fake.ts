import { Effect, Layer } from "effect"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { type PaymentEvent, PaymentEvents } from "../ports/payment-events.ts"

export const paymentEventsTable = "payment_events"

/** The claim order: due first, then received first, then by key. */
export const paymentEventClaimOrder = (a: PaymentEvent, b: PaymentEvent): number =>
  a.nextAttemptAt - b.nextAttemptAt || a.receivedAt - b.receivedAt || compareText(a.key, b.key)

/** The order of `list`: newest received first, then by key. */
export const paymentEventListOrder = (a: PaymentEvent, b: PaymentEvent): number =>
  b.receivedAt - a.receivedAt || compareText(a.key, b.key)

export const layerPaymentEventsInMemory: Layer.Layer<PaymentEvents, never, InMemoryStore> =
  Layer.effect(
    PaymentEvents,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<PaymentEvent>(paymentEventsTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = <A>(f: () => A) => Effect.andThen(store.write, Effect.sync(f))
      const change = (key: string, f: (event: PaymentEvent) => PaymentEvent) =>
        writing(() => {
          const event = rows().get(key)
          if (event !== undefined) rows().set(key, f(event))
        })
      return PaymentEvents.of({
        record: (event) =>
          writing(() => {
            if (rows().has(event.key)) return { recorded: false }
            const { reference, ...rest } = event
            rows().set(event.key, {
              ...rest,
              ...(reference === undefined ? {} : { reference }),
              state: "pending",
              attempts: 0,
              nextAttemptAt: event.receivedAt,
            })
            return { recorded: true }
          }),
        claimDue: (at, limit, leaseUntil) =>
          writing(() =>
            [...rows().values()]
              .filter((e) => e.state === "pending" && e.nextAttemptAt <= at)
              .sort(paymentEventClaimOrder)
              .slice(0, Math.max(0, limit))
              .map((e) => {
                const claimed: PaymentEvent = {
                  ...e,
                  attempts: e.attempts + 1,
                  nextAttemptAt: leaseUntil,
                }
                rows().set(e.key, claimed)
                return claimed
              }),
          ),
        settle: (key, outcome) =>
          change(key, (e) => ({
            ...e,
            state: outcome.state,
            outcome: outcome.outcome,
            processedAt: outcome.at,
          })),
        retryOrFail: (key, failure) =>
          change(key, (e) =>
            failure.retryAt === undefined
              ? { ...e, state: "failed", lastError: failure.error }
              : {
                  ...e,
                  state: "pending",
                  lastError: failure.error,
                  nextAttemptAt: failure.retryAt,
                },
          ),
        list: (filter) =>
          reading(() => {
            const listed = [...rows().values()]
              .filter((e) => filter.states === undefined || filter.states.includes(e.state))
              .sort(paymentEventListOrder)
            return filter.limit === undefined ? listed : listed.slice(0, filter.limit)
          }),
      })
    }),
  )
