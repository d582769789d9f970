import type { Knex } from "knex"
import { afterEach, describe, expect, it } from "vitest"
import { type IsolatedDatabase, openIsolatedDatabase } from "./database.ts"
import { migrations } from "./migrations.ts"

const config = (until: ReadonlyArray<(typeof migrations)[number]>): Knex.MigratorConfig => ({
  tableName: "fundi_migrations",
  migrationSource: {
    getMigrations: () => Promise.resolve([...until]),
    getMigrationName: (m) => (m as (typeof migrations)[number]).name,
    getMigration: (m) => Promise.resolve(m as (typeof migrations)[number]),
  },
})
const upTo = (name: string) =>
  config(migrations.slice(0, migrations.findIndex((m) => m.name === name) + 1))

const at = new Date(1_780_000_000_000)

const provider = (n: number, email?: string) => ({
  id: `pty_${String(n).padStart(20, "0")}`,
  kind: "provider",
  phone: `+2771000000${n}`,
  cohort: "live",
  channel: "whatsapp",
  status: "active",
  profile: JSON.stringify({
    categories: ["plumbing"],
    serviceAreas: ["soweto"],
    documents: [],
    ...(email === undefined ? {} : { email }),
  }),
  created_at: at,
  updated_at: at,
})

const approved = (n: number) => ({
  id: `app_${String(n).padStart(20, "0")}`,
  party_id: `pty_${String(n).padStart(20, "0")}`,
  role: "provider",
  state: "approved",
  completeness: 100,
  created_at: at,
  updated_at: at,
})

const session = (n: number, optedOut: boolean) => ({
  phone: `+2771000000${n}`,
  channel: "whatsapp",
  opted_out: optedOut,
  updated_at: at,
})

let db: IsolatedDatabase | undefined
afterEach(async () => {
  await db?.close()
  db = undefined
})

const eligibility = async (knex: Knex) =>
  Object.fromEntries(
    (await knex("provider_matching").select("provider_id", "eligible").orderBy("provider_id")).map(
      (r: { provider_id: string; eligible: boolean }) => [r.provider_id.slice(-1), r.eligible],
    ),
  )

describe("migration 0019_provider_matching_reachable", () => {
  it("makes a provider who said stop and has no email ineligible, and its down undoes it", async () => {
    db = await openIsolatedDatabase("pglite://memory")
    await db.knex.migrate.latest(upTo("0018_marketplace_settings"))
    // 1 stopped, no email; 2 stopped, with email; 3 chatting; 4 never wrote.
    await db
      .knex("parties")
      .insert([provider(1), provider(2, "a@example.com"), provider(3), provider(4)])
    await db.knex("applications").insert([approved(1), approved(2), approved(3), approved(4)])
    await db
      .knex("conversation_sessions")
      .insert([session(1, true), session(2, true), session(3, false)])
    expect(await eligibility(db.knex)).toEqual({ 1: true, 2: true, 3: true, 4: true })

    // Up to 0019 only, so its down is the last one (later migrations come and go).
    const [, applied] = await db.knex.migrate.latest(upTo("0019_provider_matching_reachable"))
    expect(applied).toEqual(["0019_provider_matching_reachable"])
    expect(await eligibility(db.knex)).toEqual({ 1: false, 2: true, 3: true, 4: true })
    // Kept by the triggers from here on: "start" on 1, "stop" on 3.
    await db
      .knex("conversation_sessions")
      .where({ phone: "+27710000001" })
      .update({ opted_out: false })
    await db
      .knex("conversation_sessions")
      .where({ phone: "+27710000003" })
      .update({ opted_out: true })
    expect(await eligibility(db.knex)).toEqual({ 1: true, 2: true, 3: false, 4: true })

    await db.knex.migrate.down(upTo("0019_provider_matching_reachable"))
    expect(await eligibility(db.knex)).toEqual({ 1: true, 2: true, 3: true, 4: true })
    await db
      .knex("conversation_sessions")
      .where({ phone: "+27710000001" })
      .update({ opted_out: true })
    expect(await eligibility(db.knex)).toEqual({ 1: true, 2: true, 3: true, 4: true })
  })
})
