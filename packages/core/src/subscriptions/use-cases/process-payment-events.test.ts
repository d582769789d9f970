import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { subscriptionPreset } from "../../policy/presets.ts"
import type { PartyId } from "../../shared/ids.ts"
import type { Phone } from "../../shared/phone.ts"
import type { Instant } from "../../shared/time.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { PaymentGatewayUnavailable } from "../domain/subscriptions.errors.ts"
import { PaymentEvents } from "../ports/payment-events.ts"
import { PaymentGateway } from "../ports/payment-gateway.ts"
import { chooseSubscriptionPlan } from "./choose-plan.ts"
import { processPaymentEvents, recordPaymentEvent } from "./process-payment-events.ts"

const HOUR = 3_600_000
const customer = "pty_00000000000000000003" as PartyId

/** Two charges for two pending payments of two homeowners, recorded now. */
const twoCharges = Effect.gen(function* () {
  const references: Array<string> = []
  for (const [i, id] of [customer, "pty_00000000000000000004" as PartyId].entries()) {
    yield* (yield* PartyRepository).insert({
      id,
      kind: "customer",
      phone: `+2784000000${i}` as Phone,
      cohort: "live",
      channel: "whatsapp",
      status: "active",
      profile: { categories: [], serviceAreas: [], documents: [] },
      createdAt: 0 as Instant,
      updatedAt: 0 as Instant,
    })
    const chosen = yield* chooseSubscriptionPlan({ customerId: id, planId: "premium" })
    const reference = chosen.payment?.reference ?? ""
    references.push(reference)
    yield* recordPaymentEvent({
      key: `charge.success:${i}`,
      gateway: "paystack",
      event: "charge.success",
      reference,
      payload: {},
    })
  }
  return references
})

const stateOf = (key: string) =>
  Effect.gen(function* () {
    const events = yield* (yield* PaymentEvents).list({})
    return events.find((e) => e.key === key)
  })

/** A gateway that is down, and slow to say so: each call takes `ms` of the test clock. */
const slowAndDown = (ms: number) =>
  PaymentGateway.of({
    initializeCheckout: () => Effect.die("not used"),
    verify: () =>
      Effect.andThen(
        TestClock.adjust(ms),
        Effect.fail(new PaymentGatewayUnavailable({ detail: "timed out" })),
      ),
  })

describe("the payment events worker", () => {
  it.effect("starts no event once half the lease has gone; the rest wait out their lease", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 4, 1))
      yield* twoCharges
      const run = yield* processPaymentEvents({ batchSize: 10, leaseMs: 60_000 }).pipe(
        Effect.provideService(PaymentGateway, slowAndDown(40_000)),
      )
      expect(run).toEqual({ claimed: 2, processed: 0, ignored: 0, retried: 1, failed: 0 })
      const untouched = yield* stateOf("charge.success:1")
      expect(untouched).toMatchObject({ state: "pending", attempts: 1 })
      // Still leased: a run now takes nothing; after the lease it is claimed again.
      expect(yield* processPaymentEvents({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
        claimed: 0,
      })
      yield* TestClock.adjust(20_000)
      expect(yield* processPaymentEvents({ batchSize: 10, leaseMs: 60_000 })).toMatchObject({
        claimed: 1,
      })
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )

  it.effect("retries a minute later, doubling to an hour, and fails it after 72 hours", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.UTC(2026, 4, 1))
      yield* twoCharges
      const down = Effect.provideService(PaymentGateway, slowAndDown(0))
      const work = processPaymentEvents({ batchSize: 10, leaseMs: 60_000 }).pipe(down)
      const delays: Array<number> = []
      let last = { retried: 1, failed: 0 }
      while (last.failed === 0) {
        const before = (yield* stateOf("charge.success:0"))?.nextAttemptAt ?? 0
        yield* TestClock.setTime(before)
        last = yield* work
        const after = yield* stateOf("charge.success:0")
        if (after?.state === "pending") delays.push(after.nextAttemptAt - before)
      }
      expect(delays.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 32, 60, 60].map((m) => m * 60_000))
      const failed = yield* stateOf("charge.success:0")
      expect(failed).toMatchObject({ state: "failed" })
      expect(failed?.lastError).toContain("unavailable")
      // Tried for 72 hours, give or take the last hour's wait.
      expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(71 * HOUR)
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )
})
