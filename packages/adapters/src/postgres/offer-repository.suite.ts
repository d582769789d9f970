import { describe, expect, it } from "@effect/vitest"
import { ExpiryCause, OfferState } from "@fundi/core"
import { Effect, Exit } from "effect"
import { isolatedDatabase } from "./testing.ts"

const row = (n: number, column: string, value: string | number) => ({
  id: `ofr_${String(n).padStart(20, "0")}`,
  request_id: "req_00000000000000000001",
  provider_id: "pty_00000000000000000001",
  state: "offered",
  offered_at: new Date(0),
  expires_at: new Date(1),
  updated_at: new Date(0),
  [column]: value,
})

/** The offers table's CHECKs, on PGlite and on a server. */
export const offerChecksSuite = (name: string, url: string): void => {
  describe(`offers schema: ${name}`, () => {
    it.effect("CHECK constraints accept exactly the domain's literals", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
          ["state", OfferState.literals],
          ["expiry_cause", ExpiryCause.literals],
        ]
        let n = 0
        for (const [column, literals] of cases) {
          for (const literal of literals) {
            yield* Effect.promise(() => knex("offers").insert(row(++n, column, literal)))
          }
          const refused = yield* Effect.exit(
            Effect.tryPromise(() => knex("offers").insert(row(++n, column, `not-a-${column}`))),
          )
          expect(Exit.isFailure(refused), column).toBe(true)
        }
      }),
    )

    it.effect("credits charged are whole and positive", () =>
      Effect.gen(function* () {
        const { knex } = yield* isolatedDatabase(url)
        yield* Effect.promise(() => knex("offers").insert(row(1, "credits_charged", 5)))
        for (const [n, bad] of [
          [2, 0],
          [3, -4],
        ] as const) {
          const refused = yield* Effect.exit(
            Effect.tryPromise(() => knex("offers").insert(row(n, "credits_charged", bad))),
          )
          expect(Exit.isFailure(refused), String(bad)).toBe(true)
        }
        const stored = yield* Effect.promise(() =>
          knex("offers")
            .select("credits_charged")
            .where({ id: row(1, "", 0).id }),
        )
        expect(stored[0]?.credits_charged).toBe(5)
      }),
    )
  })
}
