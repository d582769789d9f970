import { layerPolicy, type MarketplacePolicy } from "@fundi/core"
import { layerInMemoryStore, layerObjectStoreInMemory } from "@fundi/core/testing"
import { Effect, Layer, type Scope } from "effect"
import type { Knex } from "knex"
import { layerBackgroundCheckManual } from "../background-check/background-check.manual.ts"
import { type IsolatedDatabase, openIsolatedDatabase } from "./database.ts"
import { layerKnex, type PostgresServices } from "./layer.ts"
import { migrateLatest } from "./migrations.ts"

/** The server the integration tests use; .ci/run starts one and sets it. */
export const testDatabaseUrl = (): string | undefined =>
  process.env.FUNDI_TEST_DATABASE_URL || undefined

/**
 * Migrated schemas that tests gave back with their structure as the migrations left it, by
 * database URL. Migrating a new schema costs every run of a contract property (15 per
 * property, each on an empty database) far more than emptying a used one, so a schema is
 * emptied and handed out again; one whose structure a test changed is dropped instead.
 */
const spareSchemas = new Map<string, Array<string>>()

/** Statements that change a schema's structure or a session's identity, not its rows. */
const STRUCTURAL =
  /^\s*(alter|drop|create|comment|grant|revoke|reindex|cluster|security|reset|set\s+(session\s+)?(role|session_authorization|search_path))\b/i

/** Empties every table but knex's own bookkeeping, restarting identities: as freshly migrated. */
const emptyTables = async (db: IsolatedDatabase): Promise<void> => {
  const tables: Array<{ tablename: string }> = await db
    .knex("pg_tables")
    .select("tablename")
    .where("schemaname", db.schema)
    .andWhereNot("tablename", "like", "fundi\\_migrations%")
  if (tables.length === 0) return
  // The append-only tables (audit, ledger) refuse TRUNCATE by trigger; a replica session
  // fires no ordinary triggers (tests connect as a superuser).
  await db.knex.transaction(async (trx) => {
    await trx.raw("set local session_replication_role = replica")
    await trx.raw(
      `truncate table ${tables.map(() => "??").join(", ")} restart identity`,
      tables.map((t) => t.tablename),
    )
  })
}

const openMigrated = async (
  url: string,
  pool: { readonly min: number; readonly max: number } | undefined,
): Promise<IsolatedDatabase> => {
  const spare = spareSchemas.get(url)?.pop()
  const db = await openIsolatedDatabase(url, {
    ...(pool === undefined ? {} : { pool }),
    ...(spare === undefined ? {} : { schema: spare }),
  })
  try {
    if (spare === undefined) await migrateLatest(db.knex)
    else await emptyTables(db)
    return db
  } catch (error) {
    await db.close()
    throw error
  }
}

/**
 * A fresh, migrated, isolated database for one test (see `openIsolatedDatabase`): a schema
 * of its own on a server or in the file's shared in-memory PGlite, empty as if just
 * migrated. When the scope ends the schema is kept for the next test if no statement
 * changed its structure (see `STRUCTURAL`), else dropped.
 */
export const isolatedDatabase = (
  url: string,
  options: { readonly poolMax?: number } = {},
): Effect.Effect<IsolatedDatabase, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const db = await openMigrated(
        url,
        options.poolMax === undefined ? undefined : { min: 0, max: options.poolMax },
      )
      let structureChanged = false
      db.knex.on("query", (query: { readonly sql?: string }) => {
        if (STRUCTURAL.test(query.sql ?? "")) structureChanged = true
      })
      return { db, structureChanged: () => structureChanged }
    }),
    ({ db, structureChanged }) =>
      Effect.promise(async () => {
        if (structureChanged()) return db.close()
        await db.detach()
        const spares = spareSchemas.get(url) ?? []
        spares.push(db.schema)
        spareSchemas.set(url, spares)
      }),
  ).pipe(Effect.map(({ db }) => db))

/** Every Postgres adapter over a fresh isolated database, for contract suites and tests. */
export const layerPostgresTest = (
  url: string,
  options: { readonly poolMax?: number } = {},
): Layer.Layer<PostgresServices> =>
  Layer.unwrap(Effect.map(isolatedDatabase(url, options), (db) => layerKnex(db.knex)))

/**
 * What the use cases need, on a test database: every Postgres adapter, the policy, the
 * manual background check, and files in memory (no server test is about files).
 */
export const layerUseCasesOn = (knex: Knex, policy: MarketplacePolicy) =>
  Layer.mergeAll(
    layerKnex(knex),
    layerPolicy(policy),
    layerBackgroundCheckManual,
    layerObjectStoreInMemory.pipe(Layer.provide(layerInMemoryStore)),
  )
