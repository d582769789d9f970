import { describe, expect, it } from "@effect/vitest"
import { LeadRefundState, RefundReason } from "@fundi/core"
import { Effect, Exit } from "effect"
import { isolatedDatabase } from "./testing.ts"

const row = (n: number, changes: Record<string, string | number> = {}) => ({
  id: `lrf_${String(n).padStart(20, "0")}`,
  offer_id: `ofr_${String(n).padStart(20, "0")}`,
  request_id: "req_00000000000000000001",
  provider_id: "pty_00000000000000000001",
  reason: "expired",
  credits: 5,
  state: "requested",
  requested_at: new Date(0),
  updated_at: new Date(0),
  ...changes,
})

/** The lead_refunds table's own guards, on PGlite and on a server. */
export const leadRefundChecksSuite = (name: string, url: string): void => {
  describe(`lead_refunds schema: ${name}`, () => {
    it.effect(
      "CHECK constraints accept exactly the domain's literals, and whole positive credits",
      () =>
        Effect.gen(function* () {
          const { knex } = yield* isolatedDatabase(url)
          const insert = (values: Record<string, unknown>) =>
            Effect.exit(Effect.tryPromise(() => knex("lead_refunds").insert(values)))
          let n = 0
          const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
            ["reason", RefundReason.literals],
            ["state", LeadRefundState.literals],
          ]
          for (const [column, literals] of cases) {
            for (const literal of literals) {
              expect(Exit.isSuccess(yield* insert(row(++n, { [column]: literal }))), literal).toBe(
                true,
              )
            }
            expect(Exit.isFailure(yield* insert(row(++n, { [column]: `not-a-${column}` })))).toBe(
              true,
            )
          }
          for (const bad of [0, -3]) {
            expect(Exit.isFailure(yield* insert(row(++n, { credits: bad }))), String(bad)).toBe(
              true,
            )
          }
        }),
    )

    it.effect("one claim per offer, whatever the use cases do", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        yield* Effect.promise(() => knex("lead_refunds").insert(row(1)))
        const second = yield* Effect.exit(
          Effect.tryPromise(() =>
            knex("lead_refunds").insert(row(2, { offer_id: row(1).offer_id })),
          ),
        )
        expect(Exit.isFailure(second)).toBe(true)
        const stored = yield* Effect.promise(() => knex("lead_refunds").select("id"))
        expect(stored.map((r: { id: string }) => r.id)).toEqual([row(1).id])
      }),
    )
  })
}
