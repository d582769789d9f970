import { describe, expect, it } from "@effect/vitest"
import { Channel, Cohort, RequestMode, RequestState, Urgency } from "@fundi/core"
import { Effect, Exit } from "effect"
import { isolatedDatabase } from "./testing.ts"

const row = (n: number, column: string, value: string) => ({
  id: `req_${String(n).padStart(20, "0")}`,
  customer_id: "pty_00000000000000000001",
  category: "plumbing",
  description: "Leaking geyser",
  area: "soweto",
  mode: "in_person",
  urgency: "normal",
  availability: JSON.stringify({ _tag: "now" }),
  photos: JSON.stringify([]),
  channel: "whatsapp",
  cohort: "live",
  state: "submitted",
  created_at: new Date(0),
  updated_at: new Date(0),
  [column]: value,
})

/** The service_requests table's CHECKs, on PGlite and on a server. */
export const requestChecksSuite = (name: string, url: string): void => {
  describe(`service_requests schema: ${name}`, () => {
    it.effect("CHECK constraints accept exactly the domain's literals", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
          ["mode", RequestMode.literals],
          ["urgency", Urgency.literals],
          ["channel", Channel.literals],
          ["cohort", Cohort.literals],
          ["state", RequestState.literals],
        ]
        let n = 0
        for (const [column, literals] of cases) {
          for (const literal of literals) {
            yield* Effect.promise(() => knex("service_requests").insert(row(++n, column, literal)))
          }
          const refused = yield* Effect.exit(
            Effect.tryPromise(() =>
              knex("service_requests").insert(row(++n, column, `not-a-${column}`)),
            ),
          )
          expect(Exit.isFailure(refused), column).toBe(true)
        }
      }),
    )

    it.effect("a point is both coordinates or neither, and a total is positive", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const insert = (n: number, extra: Record<string, unknown>) =>
          Effect.exit(
            Effect.tryPromise(() =>
              knex("service_requests").insert({ ...row(n, "state", "submitted"), ...extra }),
            ),
          )
        expect(Exit.isFailure(yield* insert(1, { point_lat: 1 }))).toBe(true)
        expect(Exit.isFailure(yield* insert(2, { total_amount_minor: "0" }))).toBe(true)
        expect(Exit.isSuccess(yield* insert(3, { point_lat: 1, point_lng: 2 }))).toBe(true)
      }),
    )
  })
}
