import { describe, expect, it } from "@effect/vitest"
import { Outbox, PartyRepository, Transactions } from "@fundi/core"
import {
  applicationRepositoryContract,
  auditLogContract,
  contactBookContract,
  outboxContract,
  partyRepositoryContract,
} from "@fundi/core/testing"
import { Effect, Option } from "effect"
import type { Knex } from "knex"
import { makeKnex, openIsolatedDatabase } from "./database.ts"
import { aMessage, aParty, at, partyId } from "./fixtures.ts"
import { layerKnex } from "./layer.ts"
import { migrateLatest, migrations } from "./migrations.ts"
import { postgresAdapterSuite } from "./postgres.suite.ts"
import { isolatedDatabase, layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("Postgres adapters on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  postgresAdapterSuite("PostgreSQL server", url)

  // The ports' contract suites: every property run gets a fresh, migrated schema.
  const makeLayer = () => layerPostgresTest(url)
  partyRepositoryContract("Postgres on a server", makeLayer)
  applicationRepositoryContract("Postgres on a server", makeLayer)
  auditLogContract("Postgres on a server", makeLayer)
  outboxContract("Postgres on a server", makeLayer)
  contactBookContract("Postgres on a server", makeLayer)

  describe("Postgres adapters under concurrency (server)", () => {
    /** Every adapter on a fresh schema with a pool big enough for the workers below. */
    const withServer = <A, E>(body: Effect.Effect<A, E, Outbox | PartyRepository | Transactions>) =>
      Effect.gen(function* () {
        const db = yield* isolatedDatabase(url, { poolMax: 12 })
        return yield* Effect.provide(body, layerKnex(db.knex))
      })

    it.effect("parallel claimDue calls never claim the same message", () =>
      withServer(
        Effect.gen(function* () {
          const outbox = yield* Outbox
          const messages = Array.from({ length: 60 }, (_, i) =>
            aMessage(i + 1, { nextAttemptAt: at("2026-01-03T08:00:00.000Z") }),
          )
          yield* outbox.enqueue(messages)
          const now = at("2026-01-03T10:00:00.000Z")
          const worker = Effect.gen(function* () {
            const mine: Array<string> = []
            for (;;) {
              const claimed = yield* outbox.claimDue({ now, limit: 3, leaseMs: 600_000 })
              if (claimed.length === 0) return mine
              mine.push(...claimed.map((m) => m.id))
            }
          })
          const perWorker = yield* Effect.all(
            Array.from({ length: 8 }, () => worker),
            {
              concurrency: "unbounded",
            },
          )
          const claimed = perWorker.flat()
          expect(new Set(claimed).size).toBe(claimed.length)
          expect(claimed.toSorted()).toEqual(messages.map((m) => m.id).toSorted())
          // More than one worker took part, or the test proved nothing about concurrency.
          expect(perWorker.filter((ids) => ids.length > 0).length).toBeGreaterThan(1)
          const stored = yield* outbox.list({})
          expect(stored.every((m) => m.status === "sending" && m.attempts === 1)).toBe(true)
        }),
      ),
    )

    it.effect("concurrent enqueues of one dedupe key insert one row", () =>
      withServer(
        Effect.gen(function* () {
          const outbox = yield* Outbox
          const dedupeKey = "evt_race:whatsapp:application.approved"
          yield* Effect.all(
            Array.from({ length: 10 }, (_, i) => outbox.enqueue([aMessage(i + 1, { dedupeKey })])),
            { concurrency: "unbounded" },
          )
          const stored = yield* outbox.list({})
          expect(stored.length).toBe(1)
          expect(stored[0]?.dedupeKey).toBe(dedupeKey)
        }),
      ),
    )

    it.effect("concurrent transactions updating one party with forUpdate serialize", () =>
      withServer(
        Effect.gen(function* () {
          const parties = yield* PartyRepository
          const tx = yield* Transactions
          const party = aParty(1, { profile: { ...aParty(1).profile, experienceYears: 0 } })
          yield* parties.insert(party)
          // Read, then write what was read plus one: without the row lock, two transactions
          // read the same value and one increment is lost.
          const increment = tx.run(
            Effect.gen(function* () {
              const current = yield* parties.findById(party.id, { forUpdate: true })
              const found = Option.getOrThrow(current)
              yield* parties.update({
                ...found,
                profile: {
                  ...found.profile,
                  experienceYears: (found.profile.experienceYears ?? 0) + 1,
                },
              })
            }),
          )
          yield* Effect.all(
            Array.from({ length: 10 }, () => increment),
            {
              concurrency: "unbounded",
            },
          )
          const final = Option.getOrThrow(yield* parties.findById(partyId(1)))
          expect(final.profile.experienceYears).toBe(10)
        }),
      ),
    )
  })

  describe("migrations on a server", () => {
    it.effect(
      "several processes migrating one schema at once: one applies, the rest wait and find it done",
      () =>
        Effect.gen(function* () {
          const db = yield* Effect.acquireRelease(
            Effect.promise(() => openIsolatedDatabase(url)),
            (db) => Effect.promise(() => db.close()),
          )
          // Separate pools stand in for separate processes.
          const others = yield* Effect.acquireRelease(
            Effect.sync(() =>
              Array.from({ length: 3 }, () => makeKnex(url, { searchPath: [db.schema] })),
            ),
            (dbs) => Effect.promise(() => Promise.all(dbs.map((d) => d.close()))),
          )
          const results = yield* Effect.promise(() =>
            Promise.all([db.knex, ...others.map((d) => d.knex)].map((k) => migrateLatest(k))),
          )
          expect(results.filter((applied) => applied.length > 0)).toEqual([
            migrations.map((m) => m.name),
          ])
          expect(results.filter((applied) => applied.length === 0).length).toBe(3)
        }),
    )

    it.effect("the schema migrations build on PGlite is the one they build on the server", () =>
      Effect.gen(function* () {
        const server = yield* isolatedDatabase(url)
        const pglite = yield* isolatedDatabase("pglite://memory")
        const [onServer, onPglite] = yield* Effect.promise(() =>
          Promise.all([
            describeSchema(server.knex, server.schema),
            describeSchema(pglite.knex, pglite.schema),
          ]),
        )
        expect(onServer.columns.length).toBeGreaterThan(40)
        expect(onPglite).toEqual(onServer)
      }),
    )
  })
}

/** Tables, columns, constraints, indexes and triggers of one schema, with its name removed. */
const describeSchema = async (knex: Knex, schema: string) => {
  const rows = async (sql: string) =>
    ((await knex.raw(sql, [schema])) as { rows: Array<Record<string, unknown>> }).rows.map((row) =>
      JSON.parse(JSON.stringify(row).replaceAll(schema, "<schema>")),
    )
  return {
    columns: await rows(`
      select table_name, column_name, ordinal_position, data_type, is_nullable, column_default,
             collation_name, is_identity
      from information_schema.columns where table_schema = ?
      order by table_name, ordinal_position`),
    constraints: await rows(`
      select t.relname as table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) as definition
      from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_namespace n on n.oid = c.connamespace
      -- Newer servers (PGlite's) also list NOT NULL as constraints; columns cover those.
      where n.nspname = ? and c.contype <> 'n'
      order by t.relname, c.conname`),
    indexes: await rows(`
      select tablename, indexname, indexdef from pg_indexes where schemaname = ?
      order by tablename, indexname`),
    triggers: await rows(`
      select event_object_table, trigger_name, event_manipulation, action_timing, action_statement
      from information_schema.triggers where trigger_schema = ?
      order by event_object_table, trigger_name, event_manipulation`),
  }
}
