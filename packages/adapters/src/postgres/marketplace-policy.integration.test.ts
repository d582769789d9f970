import { describe, expect, it } from "@effect/vitest"
import { creditsPreset, subscriptionPreset } from "@fundi/core"
import { Effect } from "effect"
import { ConfigError } from "../config.ts"
import { marketplacePolicySuite } from "./marketplace-policy.suite.ts"
import { pinPolicy, readRecorded } from "./marketplace-policy.ts"
import { isolatedDatabase, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("the marketplace's one policy on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  marketplacePolicySuite("PostgreSQL server", url)

  describe("the marketplace's one policy: processes starting at once (server)", () => {
    it.live(
      "one that records its policy while another is still recording its own is refused, not written over",
      () =>
        Effect.gen(function* () {
          const { knex } = yield* isolatedDatabase(url, { poolMax: 4 })
          yield* Effect.promise(async () => {
            // The first process has recorded its policy and not committed yet.
            const first = await knex.transaction()
            await first.raw(
              "insert into marketplace_settings (name, value) values ('policy', ?::jsonb)",
              [JSON.stringify(creditsPreset)],
            )
            const second = pinPolicy(knex, subscriptionPreset).then(
              () => "ok",
              (e: unknown) => (e instanceof ConfigError ? "refused" : Promise.reject(e)),
            )
            // Only once the second waits on the first's row does the first commit.
            for (;;) {
              const { rows } = await knex.raw<{ rows: Array<{ n: number }> }>(
                `select count(*)::int as n from pg_stat_activity
               where wait_event_type = 'Lock' and query like '%marketplace_settings%'`,
              )
              if (rows[0]!.n > 0) break
              await new Promise((resolve) => setTimeout(resolve, 20))
            }
            await first.commit()
            expect(await second).toBe("refused")
            expect(await readRecorded(knex)).toMatchObject({ name: "credits" })
          })
        }),
    )

    it.live(
      "of several opening a new database at once with two policies, one policy wins and every other process is refused",
      () =>
        Effect.gen(function* () {
          const { knex } = yield* isolatedDatabase(url, { poolMax: 8 })
          const policies = [creditsPreset, subscriptionPreset, creditsPreset, subscriptionPreset]
          const results = yield* Effect.promise(() =>
            Promise.allSettled(policies.map((policy) => pinPolicy(knex, policy))),
          )
          const recorded = (yield* Effect.promise(() => readRecorded(knex)))!
          results.forEach((result, i) => {
            if (policies[i]!.name === recorded.name) expect(result.status).toBe("fulfilled")
            else {
              expect(result.status).toBe("rejected")
              expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConfigError)
            }
          })
        }),
    )
  })
}
