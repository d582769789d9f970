import type { Knex } from "knex"
import { afterEach, describe, expect, it } from "vitest"
import { type IsolatedDatabase, openIsolatedDatabase } from "./database.ts"
import { migrateLatest, migrations } from "./migrations.ts"

const upTo = (name: string): Knex.MigratorConfig => {
  const until = migrations.slice(0, migrations.findIndex((m) => m.name === name) + 1)
  return {
    tableName: "fundi_migrations",
    migrationSource: {
      getMigrations: () => Promise.resolve([...until]),
      getMigrationName: (m) => (m as (typeof migrations)[number]).name,
      getMigration: (m) => Promise.resolve(m as (typeof migrations)[number]),
    },
  }
}

const at = (ms: number) => new Date(ms)

const offer = (n: number, state: string, fields: Record<string, unknown> = {}) => ({
  id: `ofr_${String(n).padStart(20, "0")}`,
  request_id: "req_00000000000000000001",
  provider_id: "pty_00000000000000000001",
  state,
  offered_at: at(0),
  expires_at: at(1_000),
  updated_at: at(500),
  ...fields,
})

let db: IsolatedDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

describe("migration 0006_offer_deadlines", () => {
  it("backfills each open offer's deadline as offerDeadline defines it, and none for closed ones", async () => {
    db = await openIsolatedDatabase("pglite://memory")
    await db.knex.migrate.latest(upTo("0005_offer_credits_whole"))
    const slots = [
      { start: 7_000, end: 8_000 },
      { start: 9_000, end: 9_500 },
      { start: 3_000, end: 4_000 },
    ]
    await db
      .knex("offers")
      .insert([
        offer(1, "offered"),
        offer(2, "previewed", { expires_at: at(2_000) }),
        offer(3, "unlocked", { hold_expires_at: at(5_000) }),
        offer(4, "times_proposed", { proposed_times: JSON.stringify(slots) }),
        offer(5, "times_proposed", { proposed_times: JSON.stringify([]) }),
        offer(6, "accepted"),
        offer(7, "declined"),
        offer(8, "expired"),
      ])
    expect(await migrateLatest(db.knex)).toContain("0006_offer_deadlines")
    const rows: Array<{ id: string; deadline_at: Date | null }> = await db
      .knex("offers")
      .select("id", "deadline_at")
      .orderBy("id")
    expect(rows.map((r) => r.deadline_at?.getTime() ?? null)).toEqual([
      1_000,
      2_000,
      5_000,
      9_000,
      500,
      null,
      null,
      null,
    ])
  })
})
