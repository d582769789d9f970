import { describe, expect, it } from "@effect/vitest"
import { type Instant, PaymentEventStates } from "@fundi/core"
import { Effect } from "effect"
import { makePaymentEvents } from "./payment-events.knex.ts"
import { isolatedDatabase } from "./testing.ts"

const eventRow = (n: number, changes: Record<string, unknown> = {}) => ({
  key: `charge.success:${n}`,
  gateway: "paystack",
  event: "charge.success",
  reference: `FND-SUB-${n}`,
  payload: JSON.stringify({ event: "charge.success", data: { id: n } }),
  received_at: new Date(n),
  state: "pending",
  next_attempt_at: new Date(n),
  ...changes,
})

/** The payment_events table's own guards and its claim under concurrency. */
export const paymentEventsChecksSuite = (name: string, url: string): void => {
  describe(`payment_events schema: ${name}`, () => {
    it.effect("CHECK constraints accept exactly the port's states", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        let n = 0
        const insert = (state: string) =>
          Effect.promise(() =>
            Promise.resolve(knex("payment_events").insert(eventRow(++n, { state }))).then(
              () => "ok",
              (error: { code?: string }) => error.code ?? "no code",
            ),
          )
        for (const state of PaymentEventStates) expect(yield* insert(state), state).toBe("ok")
        expect(yield* insert("processing")).toBe("23514")
      }).pipe(Effect.scoped),
    )

    it.effect("claimers at once each get their own events: none twice, none left", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url, { poolMax: 6 })
        const events = 60
        yield* Effect.promise(() =>
          knex("payment_events").insert(Array.from({ length: events }, (_, i) => eventRow(i + 1))),
        )
        const port = makePaymentEvents(knex)
        const now = 1_000_000 as Instant
        const claims = yield* Effect.forEach(
          Array.from({ length: 5 }, () => port.claimDue(now, 15, (now + 60_000) as Instant)),
          (claim) => claim,
          { concurrency: "unbounded" },
        )
        const keys = claims.flat().map((e) => e.key)
        expect(new Set(keys).size).toBe(keys.length)
        expect(keys).toHaveLength(events)
        // Leased: nothing is due again before the lease ends.
        expect(yield* port.claimDue(now, 100, (now + 60_000) as Instant)).toEqual([])
      }).pipe(Effect.scoped),
    )
  })
}
