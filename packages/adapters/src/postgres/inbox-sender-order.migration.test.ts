import type { Knex } from "knex"
import { afterEach, describe, expect, it } from "vitest"
import { type IsolatedDatabase, openIsolatedDatabase } from "./database.ts"
import { migrateLatest, migrations } from "./migrations.ts"

const upTo = (name: string): Knex.MigratorConfig => ({
  tableName: "fundi_migrations",
  migrationSource: {
    getMigrations: () =>
      Promise.resolve(migrations.slice(0, migrations.findIndex((m) => m.name === name) + 1)),
    getMigrationName: (m) => (m as (typeof migrations)[number]).name,
    getMigration: (m) => Promise.resolve(m as (typeof migrations)[number]),
  },
})

const entry = (key: string, kind: string, update: unknown) => ({
  key,
  channel: "whatsapp",
  phone: "+27820000001",
  kind,
  update: JSON.stringify(update),
  status: "pending",
  next_attempt_at: new Date(0),
  received_at: new Date(0),
})

let db: IsolatedDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

describe("migration 0020_inbox_sender_order", () => {
  it("backfills when each recorded message was sent, to the millisecond; none for statuses", async () => {
    db = await openIsolatedDatabase("pglite://memory")
    await db.knex.migrate.latest(upTo("0019_provider_matching_reachable"))
    await db
      .knex("inbox")
      .insert([
        entry("m", "message", { _tag: "message", message: { id: "m", at: 1_780_000_000_123 } }),
        entry("s", "status", { _tag: "status", status: { providerMessageId: "x", at: 5 } }),
      ])
    expect(await migrateLatest(db.knex)).toContain("0020_inbox_sender_order")
    const rows: Array<{ key: string; sent_at: Date | null }> = await db
      .knex("inbox")
      .select("key", "sent_at")
      .orderBy("key")
    expect(rows.map((r) => [r.key, r.sent_at?.getTime() ?? null])).toEqual([
      ["m", 1_780_000_000_123],
      ["s", null],
    ])
  })
})
