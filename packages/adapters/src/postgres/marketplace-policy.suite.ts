import { describe, expect, it } from "@effect/vitest"
import { creditsPreset, type MarketplacePolicy, subscriptionPreset } from "@fundi/core"
import { Effect } from "effect"
import type { Knex } from "knex"
import { ConfigError } from "../config.ts"
import { makeAuditLog } from "./audit-log.knex.ts"
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

const by = { operator: "alice", reason: "we sell leads for credits from today" }

/** The audit entries about the marketplace, newest first. */
const marketplaceAudit = (knex: Knex) =>
  Effect.runPromise(makeAuditLog(knex).list({ subjectId: "marketplace" }))

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
          const before = await pinPolicy(knex, creditsPreset, { replace: by })
          expect(before).toMatchObject({ name: "subscription", model: "subscription" })
          expect(await outcome(pinPolicy(knex, creditsPreset))).toBe("ok")
          expect(await outcome(pinPolicy(knex, subscriptionPreset))).toContain(
            `runs the policy "credits"`,
          )
        }),
    )

    it.effect(
      "a replacement is audited: who, why, the policies before and after; opening is not",
      () =>
        onFreshDatabase(async (knex) => {
          await pinPolicy(knex, subscriptionPreset)
          await pinPolicy(knex, subscriptionPreset)
          expect(await marketplaceAudit(knex)).toEqual([])
          await pinPolicy(knex, creditsPreset, { replace: by })
          const [entry, ...others] = await marketplaceAudit(knex)
          expect(others).toEqual([])
          expect(entry).toMatchObject({
            actor: { _tag: "operator", name: "alice" },
            action: "marketplace.replace_policy",
            subjectType: "marketplace",
            subjectId: "marketplace",
            reason: "we sell leads for credits from today",
            details: {
              from: "subscription",
              to: "credits",
              fromModel: "subscription",
              toModel: "credits",
            },
          })
        }),
    )

    it.effect("a replacement on a new database says there was no policy before", () =>
      onFreshDatabase(async (knex) => {
        expect(await pinPolicy(knex, creditsPreset, { replace: by })).toBeUndefined()
        const [entry] = await marketplaceAudit(knex)
        expect(entry?.details).toEqual({
          from: null,
          to: "credits",
          fromModel: null,
          toModel: "credits",
        })
      }),
    )

    it.effect(
      "a replacement whose audit entry cannot be written changes nothing: both or neither",
      () =>
        onFreshDatabase(async (knex) => {
          await pinPolicy(knex, subscriptionPreset)
          await knex.raw(`create function audit_log_unavailable() returns trigger language plpgsql as $$
            begin raise exception 'the audit log is unavailable'; end $$`)
          await knex.raw(`create trigger audit_log_unavailable before insert on audit_log
            for each row execute function audit_log_unavailable()`)
          await expect(pinPolicy(knex, creditsPreset, { replace: by })).rejects.toThrow(
            /the audit log is unavailable/,
          )
          expect(await readRecorded(knex)).toMatchObject({ name: "subscription" })
          expect(await outcome(pinPolicy(knex, subscriptionPreset))).toBe("ok")
          expect(await outcome(pinPolicy(knex, creditsPreset))).toContain(
            `runs the policy "subscription"`,
          )
        }),
    )
  })
}
