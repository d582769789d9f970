import {
  chooseSubscriptionPlan,
  confirmPayment,
  type DueSubscriptionsRun,
  openPaymentCheckout,
  PaymentEvents,
  type PaymentEventsRun,
  recordPaymentEvent,
  SubscriptionRepository,
} from "@fundi/core"
import { homeowner } from "@fundi/core/testing"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Fundi, openFundi } from "../composition-root.ts"
import { loadConfig } from "../config.ts"
import { stoppedAt } from "../scheduler/stopped-clock.ts"
import { startPaymentEventsWorker } from "./payment-events-worker.ts"
import { startSubscriptionScheduler } from "./subscription-scheduler.ts"

// The embedded default on PGlite: no PAYSTACK_SECRET_KEY, so the composition root wires
// the real Paystack adapter to the local simulator. Webhooks go to a closed port (the
// HTTP app is not running here); the tests record the event themselves.
const open = () =>
  openFundi(
    loadConfig({ FUNDI_DATABASE_URL: "pglite://memory", FUNDI_PUBLIC_URL: "http://127.0.0.1:9" }),
    { command: "test" },
  )

const opened: Array<Fundi> = []
afterEach(async () => {
  for (const fundi of opened.splice(0)) await fundi.close()
})

/** Premium chosen, its checkout opened at the simulator, and "Pay" pressed there. */
const premiumPaidAtTheSimulator = async (fundi: Fundi) => {
  const simulator = fundi.paystack?.simulator
  if (simulator === undefined) throw new Error("the embedded default must run the simulator")
  const chosen = await fundi.runtime.runPromise(
    Effect.gen(function* () {
      const customer = yield* homeowner()
      return yield* chooseSubscriptionPlan({ customerId: customer.id, planId: "premium" })
    }),
  )
  const { checkoutUrl } = await fundi.runtime.runPromise(
    openPaymentCheckout({ token: chosen.link!.token }),
  )
  const page = await (await simulator(new Request(checkoutUrl))).text()
  const pay = /action="([^"]+\/pay)"/.exec(page)?.[1]
  expect(pay, "the checkout page has a Pay form").toBeDefined()
  const paid = await simulator(new Request(new URL(pay!, checkoutUrl), { method: "POST" }))
  expect(paid.status).toBe(303)
  return { subscription: chosen.subscription, payment: chosen.payment! }
}

/** Starts a worker, lets it run once, stops it and hands back what that run did. */
const oneRun = <A>(start: (onRun: (run: A) => void) => { readonly stop: () => Promise<void> }) =>
  new Promise<A>((resolve) => {
    const worker = start((run) => {
      void worker.stop().then(() => resolve(run))
    })
  })

describe("the payment-events worker (fundi serve)", () => {
  it("a recorded charge.success, verified with the simulator, activates the subscription once", async () => {
    const fundi = await open()
    opened.push(fundi)
    const { subscription, payment } = await premiumPaidAtTheSimulator(fundi)
    const event = {
      key: `charge.success:${payment.reference}`,
      gateway: "paystack",
      event: "charge.success",
      reference: payment.reference,
      payload: { event: "charge.success", data: { reference: payment.reference } },
    }
    // Recorded twice, as a redelivery would be: kept once.
    expect(await fundi.runtime.runPromise(recordPaymentEvent(event))).toEqual({ recorded: true })
    expect(await fundi.runtime.runPromise(recordPaymentEvent(event))).toEqual({ recorded: false })

    const run = await oneRun<PaymentEventsRun>((onRun) =>
      startPaymentEventsWorker({ runtime: fundi.runtime, pollMs: 3_600_000, onRun }),
    )
    expect(run).toMatchObject({ claimed: 1, processed: 1, retried: 0, failed: 0 })

    const stored = await fundi.runtime.runPromise(
      Effect.gen(function* () {
        const repo = yield* SubscriptionRepository
        return {
          subscription: yield* repo.findById(subscription.id),
          payments: yield* repo.listPayments(subscription.id),
          events: yield* (yield* PaymentEvents).list({}),
        }
      }),
    )
    expect(stored.subscription._tag === "Some" && stored.subscription.value.state).toBe("active")
    expect(stored.payments.map((p) => p.state)).toEqual(["paid"])
    expect(stored.events.map((e) => e.state)).toEqual(["processed"])

    // The return page confirming the same payment afterwards changes nothing.
    const again = await fundi.runtime.runPromise(confirmPayment({ reference: payment.reference }))
    expect(again.changed).toBe(false)
  })
})

describe("the subscription scheduler (fundi serve)", () => {
  it("an active subscription past its period end becomes past_due with a renewal payment", async () => {
    const fundi = await open()
    opened.push(fundi)
    const { subscription, payment } = await premiumPaidAtTheSimulator(fundi)
    const confirmed = await fundi.runtime.runPromise(
      confirmPayment({ reference: payment.reference }),
    )
    expect(confirmed.subscription.state).toBe("active")
    const periodEnd = confirmed.subscription.currentPeriodEnd!

    const before = await oneRun<DueSubscriptionsRun>((onRun) =>
      startSubscriptionScheduler({
        runtime: fundi.runtime,
        pollMs: 3_600_000,
        clock: stoppedAt(periodEnd - 1),
        onRun,
      }),
    )
    expect(before.due).toBe(0)

    const at = await oneRun<DueSubscriptionsRun>((onRun) =>
      startSubscriptionScheduler({
        runtime: fundi.runtime,
        pollMs: 3_600_000,
        clock: stoppedAt(periodEnd),
        onRun,
      }),
    )
    expect(at).toMatchObject({ due: 1, pastDue: 1, expired: 0, failed: [] })
    const after = await fundi.runtime.runPromise(
      Effect.gen(function* () {
        const repo = yield* SubscriptionRepository
        return {
          subscription: yield* repo.findById(subscription.id),
          payments: yield* repo.listPayments(subscription.id),
        }
      }),
    )
    expect(after.subscription._tag === "Some" && after.subscription.value.state).toBe("past_due")
    expect(after.payments.map((p) => [p.purpose, p.state])).toEqual([
      ["subscription_start", "paid"],
      ["subscription_renewal", "pending"],
    ])
  })
})
