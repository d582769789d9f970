import { describe, expect, it } from "@effect/vitest"
import { creditsPreset, type MarketplacePolicy, subscriptionPreset } from "@fundi/core"
import { Effect } from "effect"
import type { Knex } from "knex"
import { ConfigError } from "../config.ts"
import { pinPolicy, readRecorded } from "./marketplace-policy.ts"
import { isolatedDatabase } from "./testing.ts"

/** What opening with `policy` threw (a ConfigError's problems), or "ok". */
const outcome = (attempt: Promise<unknown>) =>
  attempt.then(
    () => "ok",
    (e: unknown) => (e instanceof ConfigError ? e.problems.join("\n") : Promise.reject(e)),
  )

/** The same policy with every object's keys in reverse order. */
const reordered = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reordered)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, reordered(v)]),
        )
      : value

/** `pinPolicy` on a database (PGlite in memory, or a server). */
export const marketplacePolicySuite = (name: string, url: string): void => {
  /** Runs `body` on a fresh, migrated database: no policy recorded yet. */
  const onFreshDatabase = (body: (knex: Knex) => Promise<void>) =>
    Effect.flatMap(isolatedDatabase(url), ({ knex }) => Effect.promise(() => body(knex)))

  describe(`the marketplace's one policy: ${name}`, () => {
    it.effect(
      "the first policy opened is recorded; the same again is fine, another refused naming both",
      () =>
        onFreshDatabase(async (knex) => {
          expect(await pinPolicy(knex, creditsPreset)).toBeUndefined()
          expect(await readRecorded(knex)).toMatchObject({ name: "credits", model: "credits" })
          expect(await outcome(pinPolicy(knex, creditsPreset))).toBe("ok")
          const refused = await outcome(pinPolicy(knex, subscriptionPreset))
          expect(refused).toMatch(/^FUNDI_POLICY: /)
          expect(refused).toContain(`runs the policy "credits" (credits model)`)
          expect(refused).toContain(`was given "subscription" (subscription model)`)
          expect(refused).toContain("fundi db policy --replace")
          expect(await readRecorded(knex)).toMatchObject({ name: "credits" })
        }),
    )

    it.effect(
      "compares settings, not text: keys in another order pass, one changed setting does not",
      () =>
        onFreshDatabase(async (knex) => {
          await pinPolicy(knex, creditsPreset)
          expect(
            await outcome(pinPolicy(knex, reordered(creditsPreset) as MarketplacePolicy)),
          ).toBe("ok")
          const changed: MarketplacePolicy = {
            ...creditsPreset,
            credits: {
              ...creditsPreset.credits,
              unlocksPerLead: creditsPreset.credits.unlocksPerLead + 1,
            },
          }
          expect(await outcome(pinPolicy(knex, changed))).toContain(
            `was given "credits" (credits model) with different settings`,
          )
        }),
    )

    it.effect(
      "replace records this process's policy and says what ran before; the old one is then refused",
      () =>
        onFreshDatabase(async (knex) => {
          await pinPolicy(knex, subscriptionPreset)
          const before = await pinPolicy(knex, creditsPreset, { replace: true })
          expect(before).toMatchObject({ name: "subscription", model: "subscription" })
          expect(await outcome(pinPolicy(knex, creditsPreset))).toBe("ok")
          expect(await outcome(pinPolicy(knex, subscriptionPreset))).toContain(
            `runs the policy "credits"`,
          )
        }),
    )
  })
}
