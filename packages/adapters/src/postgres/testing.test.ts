import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { isolatedDatabase } from "./testing.ts"

const contact = (n: number) => ({
  party_id: `pty_0000000000000000000${n}`,
  phone: `+2782000000${n}`,
  name: "Sipho",
  added_at: new Date(0),
})

/** Opens an isolated database, runs `use` on it, closes it; resolves with its schema. */
const withDatabase = (
  use: (db: Effect.Success<ReturnType<typeof isolatedDatabase>>) => Promise<void>,
) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const db = yield* isolatedDatabase("pglite://memory")
        yield* Effect.promise(() => use(db))
        return db.schema
      }),
    ),
  )

describe("isolatedDatabase", () => {
  it("hands a used schema out again emptied, and drops one whose structure a test changed", async () => {
    const first = await withDatabase(async (db) => {
      await db.knex("business_contacts").insert(contact(1))
    })
    let rows: Array<unknown> = []
    const second = await withDatabase(async (db) => {
      rows = await db.knex("business_contacts").select()
      await db.knex.raw("alter table business_contacts add column nickname text")
    })
    // Recycled, and as empty as a freshly migrated one.
    expect(second).toBe(first)
    expect(rows).toEqual([])
    const third = await withDatabase(async (db) => {
      const columns = await db.knex("business_contacts").columnInfo()
      expect(Object.keys(columns)).not.toContain("nickname")
      // The migrations' bookkeeping survives the emptying: nothing is left to apply.
      expect(await db.knex("fundi_migrations").count({ n: "*" })).not.toEqual([{ n: 0 }])
    })
    expect(third).not.toBe(first)
  })
})
