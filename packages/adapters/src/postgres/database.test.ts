import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Cause, Effect, Exit, Option } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { makeKnex, openIsolatedDatabase, pgliteDataDir, redactUrl } from "./database.ts"
import { makeHealth } from "./health.knex.ts"
import { migrateLatest } from "./migrations.ts"

const scratch = mkdtempSync(path.join(tmpdir(), "fundi-db-test-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("makeKnex", () => {
  it("reads pglite:// URLs as memory or a data directory relative to the working directory", () => {
    expect(pgliteDataDir("pglite://memory")).toBe("memory")
    expect(pgliteDataDir("pglite://./.fundi/db")).toBe(path.resolve(".fundi/db"))
    expect(pgliteDataDir("pglite:///var/lib/fundi")).toBe("/var/lib/fundi")
    expect(() => pgliteDataDir("pglite://")).toThrow(/memory` or a data directory/)
  })

  it("opens PGlite in a data directory, creating its parents, and keeps data across opens", async () => {
    const dir = path.join(scratch, "nested", "deeper", "db")
    const first = makeKnex(`pglite://${dir}`)
    expect(first.pglite).toBeDefined()
    await migrateLatest(first.knex)
    await first.knex("business_contacts").insert({
      party_id: "pty_00000000000000000001",
      phone: "+27820000001",
      name: "Sipho",
      added_at: new Date(0),
    })
    await first.close()
    await first.close() // idempotent
    expect(first.pglite?.closed).toBe(true)
    expect(existsSync(dir)).toBe(true)

    const second = makeKnex(`pglite://${dir}`)
    expect(await migrateLatest(second.knex)).toEqual([])
    expect(await second.knex("business_contacts").pluck("name")).toEqual(["Sipho"])
    await second.close()
  })

  it("closes a PGlite that never ran a query", async () => {
    const db = makeKnex("pglite://memory")
    await db.close()
    expect(db.pglite?.closed).toBe(true)
  })

  it("gives a server URL a pg pool and no PGlite", async () => {
    const db = makeKnex("postgresql://fundi:secret@127.0.0.1:5432/fundi")
    expect(db.pglite).toBeUndefined()
    expect(db.knex.client.config.client).toBe("pg")
    await db.close()
  })

  it("refuses other URLs, without printing the password", () => {
    expect(() => makeKnex("mysql://root:hunter2@localhost/db")).toThrow(
      'unsupported database URL "mysql://root:***@localhost/db"',
    )
    expect(() => makeKnex("pglite://memory", { pool: { min: 0, max: 4 } })).toThrow(
      /one connection/,
    )
    expect(redactUrl("postgres://u:p%40ss@h:5432/d")).toBe("postgres://u:***@h:5432/d")
    expect(redactUrl("postgres://u@h/d")).toBe("postgres://u@h/d")
  })

  it("reports an unreachable server as PersistenceUnavailable", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const db = makeKnex("postgres://fundi@127.0.0.1:1/fundi", { pool: { min: 0, max: 1 } })
    const exit = await Effect.runPromiseExit(makeHealth(db.knex).checkDatabase)
    await db.close()
    const error = Exit.isFailure(exit)
      ? Option.getOrUndefined(Cause.findErrorOption(exit.cause))
      : undefined
    expect(error?._tag).toBe("PersistenceUnavailable")
    expect(error?.detail).toMatch(/^health\.checkDatabase: .*ECONNREFUSED/)
  })
})

describe("openIsolatedDatabase on PGlite", () => {
  it("gives each test its own schema in the shared PGlite, dropped on close", async () => {
    const a = await openIsolatedDatabase("pglite://memory")
    await migrateLatest(a.knex)
    await a.knex("business_contacts").insert({
      party_id: "pty_00000000000000000001",
      phone: "+27820000001",
      name: "Sipho",
      added_at: new Date(0),
    })
    // A second one while the first is open would share PGlite's single session.
    await expect(openIsolatedDatabase("pglite://memory")).rejects.toThrow(/in use by schema/)
    await a.close()

    const b = await openIsolatedDatabase("pglite://memory")
    expect(b.pglite).toBe(a.pglite)
    expect(b.schema).not.toBe(a.schema)
    await migrateLatest(b.knex)
    expect(await b.knex("business_contacts").pluck("name")).toEqual([])
    const schemas = await b.knex
      .select("schema_name")
      .from("information_schema.schemata")
      .whereIn("schema_name", [a.schema, b.schema])
    expect(schemas.map((s: { schema_name: string }) => s.schema_name)).toEqual([b.schema])
    await b.close()
    expect(b.pglite?.closed).toBe(false)
  })

  it("refuses data directories: tests never touch one", async () => {
    await expect(openIsolatedDatabase("pglite://./.fundi/db")).rejects.toThrow(/pglite:\/\/memory/)
  })
})
