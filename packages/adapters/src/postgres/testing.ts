import { Effect, Layer, type Scope } from "effect"
import { type IsolatedDatabase, openIsolatedDatabase } from "./database.ts"
import { layerKnex, type PostgresServices } from "./layer.ts"
import { migrateLatest } from "./migrations.ts"

/** The server the integration tests use; .ci/run starts one and sets it. */
export const testDatabaseUrl = (): string | undefined =>
  process.env.FUNDI_TEST_DATABASE_URL || undefined

/**
 * A fresh, migrated, isolated database for one test (see `openIsolatedDatabase`): a new
 * schema on a server or in the file's shared in-memory PGlite, dropped when the scope ends.
 */
export const isolatedDatabase = (
  url: string,
  options: { readonly poolMax?: number } = {},
): Effect.Effect<IsolatedDatabase, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const db = await openIsolatedDatabase(
        url,
        options.poolMax === undefined ? {} : { pool: { min: 0, max: options.poolMax } },
      )
      try {
        await migrateLatest(db.knex)
        return db
      } catch (error) {
        await db.close()
        throw error
      }
    }),
    (db) => Effect.promise(() => db.close()),
  )

/** Every Postgres adapter over a fresh isolated database, for contract suites and tests. */
export const layerPostgresTest = (
  url: string,
  options: { readonly poolMax?: number } = {},
): Layer.Layer<PostgresServices> =>
  Layer.unwrap(Effect.map(isolatedDatabase(url, options), (db) => layerKnex(db.knex)))
