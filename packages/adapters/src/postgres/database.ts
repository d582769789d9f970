import { randomBytes } from "node:crypto"
import { mkdirSync } from "node:fs"
import path from "node:path"
import { PGlite } from "@electric-sql/pglite"
import knexFactory, { type Knex } from "knex"
import ClientPgLite from "knex-pglite"

/** A Knex instance and, when the database is embedded, the PGlite behind it. */
export interface Database {
  readonly knex: Knex
  /** Present for `pglite://` URLs: lets the composition root serve it over a socket. */
  readonly pglite?: PGlite
  /** Destroys the pool (or closes PGlite); safe to call more than once. */
  readonly close: () => Promise<void>
}

export interface KnexOptions {
  /** Connection pool bounds for a server; PGlite always has exactly one connection. */
  readonly pool?: { readonly min: number; readonly max: number }
  /** Schemas to put on each server connection's search_path (isolation in tests). */
  readonly searchPath?: ReadonlyArray<string>
}

const PGLITE_PREFIX = "pglite://"

/**
 * knex prints a warning with a stack for every failed connection attempt; the same failure
 * reaches the caller as an error (PersistenceUnavailable), so the warning is only noise.
 */
export const quietKnexLog = {
  warn: (message: unknown) => {
    if (!String(message).startsWith("Acquire connection error")) console.warn(message)
  },
}

/** Where a `pglite://` URL points: `memory` or a data directory (relative to the cwd). */
export const pgliteDataDir = (url: string): "memory" | string => {
  const rest = url.slice(PGLITE_PREFIX.length)
  // An empty path would resolve to the working directory itself: never a data directory.
  if (rest === "") throw new Error("pglite:// needs `memory` or a data directory path")
  return rest === "memory" ? "memory" : path.resolve(rest)
}

export const isPgliteUrl = (url: string): boolean => url.startsWith(PGLITE_PREFIX)
export const isServerUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url)

/**
 * Opens a database by URL: `postgres://` / `postgresql://` -> a `pg` pool;
 * `pglite://memory` -> an in-memory PGlite; `pglite://PATH` -> PGlite storing its data in
 * PATH (parent directories are created). A server pool connects on the first query;
 * PGlite starts loading at once and knex waits for it.
 */
export const makeKnex = (url: string, options: KnexOptions = {}): Database => {
  if (isServerUrl(url)) {
    const knex = knexFactory({
      client: "pg",
      // JIT compiling pays off for long analytic queries, not for ours: it added ~30 ms to
      // the shortlist query (bench/dispatch), so every session turns it off at connect.
      connection: { connectionString: url, options: "-c jit=off" },
      pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 },
      ...(options.searchPath ? { searchPath: [...options.searchPath] } : {}),
      log: quietKnexLog,
    })
    return { knex, close: once(() => knex.destroy()) }
  }
  if (isPgliteUrl(url)) {
    if (options.pool || options.searchPath) {
      throw new Error(
        "pglite:// databases have one connection and their own data: pool and searchPath do not apply",
      )
    }
    const dataDir = pgliteDataDir(url)
    if (dataDir !== "memory") mkdirSync(path.dirname(dataDir), { recursive: true })
    const pglite = dataDir === "memory" ? new PGlite() : new PGlite(dataDir)
    const knex = knexFactory({
      client: ClientPgLite,
      // knex-pglite takes an existing instance through a connection function (its README).
      connection: () => ({ pglite }) as object,
    })
    return {
      knex,
      pglite,
      close: once(async () => {
        // knex closes PGlite only if it ever opened its one connection; close it either way.
        await knex.destroy()
        if (!pglite.closed) await pglite.close()
      }),
    }
  }
  throw new Error(
    `unsupported database URL "${redactUrl(url)}": use postgres://…, postgresql://…, pglite://memory or pglite://PATH`,
  )
}

/** An isolated database for one test: a fresh schema of its own, dropped by `close`. */
export interface IsolatedDatabase extends Database {
  /** The schema every connection of `knex` uses (its whole search_path). */
  readonly schema: string
  /** Closes the connections and keeps the schema, for `openIsolatedDatabase`'s `schema`. */
  readonly detach: () => Promise<void>
}

/**
 * Opens an isolated database for a test: a schema with a random name, and a Knex whose
 * connections use only that schema; `close` drops the schema (cascade) and the Knex.
 *
 * - `postgres://…`: the schema is created on that server.
 * - `pglite://memory`: the schema is created in one in-memory PGlite shared by the whole
 *   test file (a new PGlite takes seconds to start; a schema takes milliseconds). PGlite
 *   has a single session, so only one isolated database may be open on it at a time:
 *   opening a second before closing the first fails rather than mixing their search paths.
 */
export const openIsolatedDatabase = async (
  url: string,
  options: Pick<KnexOptions, "pool"> & {
    /** A schema an earlier isolated database detached from, to open again as it is. */
    readonly schema?: string
  } = {},
): Promise<IsolatedDatabase> => {
  const existing = options.schema
  const schema = existing ?? `fundi_test_${randomBytes(8).toString("hex")}`
  if (url === "pglite://memory") return openSharedPgliteSchema(schema, existing === undefined)
  if (!isServerUrl(url)) {
    throw new Error(`openIsolatedDatabase takes postgres://… or pglite://memory, not "${url}"`)
  }
  if (existing === undefined) {
    const admin = makeKnex(url, { pool: { min: 0, max: 1 } })
    try {
      await admin.knex.raw("create schema ??", [schema])
    } finally {
      await admin.close()
    }
  }
  const db = makeKnex(url, {
    ...(options.pool ? { pool: options.pool } : {}),
    searchPath: [schema],
  })
  return {
    ...db,
    schema,
    detach: once(() => db.close()),
    close: once(async () => {
      await db.close()
      const cleanup = makeKnex(url, { pool: { min: 0, max: 1 } })
      try {
        await cleanup.knex.raw("drop schema if exists ?? cascade", [schema])
      } finally {
        await cleanup.close()
      }
    }),
  }
}

/** knex-pglite closes its PGlite when Knex is destroyed; the shared one must outlive each test. */
class SharedPgliteClient extends ClientPgLite {
  override async destroyRawConnection(): Promise<void> {}
}

let sharedPglite: PGlite | undefined
let sharedPgliteInUse: string | undefined

const openSharedPgliteSchema = async (
  schema: string,
  create: boolean,
): Promise<IsolatedDatabase> => {
  if (sharedPgliteInUse !== undefined) {
    throw new Error(
      `the shared in-memory PGlite is in use by schema ${sharedPgliteInUse}: close that isolated database first`,
    )
  }
  sharedPgliteInUse = schema
  try {
    sharedPglite ??= new PGlite()
    const pglite = sharedPglite
    if (create) await pglite.exec(`create schema "${schema}"`)
    const knex = knexFactory({
      client: SharedPgliteClient,
      connection: () => ({ pglite }) as object,
      searchPath: [schema],
    })
    return {
      knex,
      pglite,
      schema,
      detach: once(async () => {
        try {
          await knex.destroy()
          await pglite.exec("set search_path to public")
        } finally {
          sharedPgliteInUse = undefined
        }
      }),
      close: once(async () => {
        try {
          await knex.destroy()
          await pglite.exec(`drop schema if exists "${schema}" cascade; set search_path to public`)
        } finally {
          sharedPgliteInUse = undefined
        }
      }),
    }
  } catch (error) {
    sharedPgliteInUse = undefined
    throw error
  }
}

/** Hides the password of a connection URL in messages. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@")

const once = (f: () => Promise<void>): (() => Promise<void>) => {
  let done: Promise<void> | undefined
  return () => {
    done ??= f()
    return done
  }
}
