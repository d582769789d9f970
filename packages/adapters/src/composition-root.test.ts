import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { getParty, Health, listAudit, Outbox, signUp } from "@fundi/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { openFundi } from "./composition-root.ts"
import { loadConfig } from "./config.ts"

describe("openFundi", () => {
  it("wires every port to the embedded database and runs use cases in one runtime", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "fundi-root-")), "db")
    const fundi = await openFundi(loadConfig({ FUNDI_DATABASE_URL: `pglite://${dir}` }), {
      command: "test",
    })
    try {
      expect(fundi.database).toContain(dir)
      expect(fundi.migrationsApplied.length).toBeGreaterThan(0)
      await fundi.runtime.runPromise(
        Effect.gen(function* () {
          yield* (yield* Health).checkDatabase
        }),
      )
      const party = await fundi.runtime.runPromise(
        signUp({ kind: "provider", phone: "+27 82 555 0101", profile: { displayName: "Sipho" } }),
      )
      expect(party.phone).toBe("+27825550101")
      const view = await fundi.runtime.runPromise(getParty({ partyId: party.id }))
      expect(view.party.status).toBe("pending")
      const audit = await fundi.runtime.runPromise(listAudit({ subjectId: party.id }))
      expect(audit.map((a) => a.action)).toEqual(["party.sign_up"])
      const messages = await fundi.runtime.runPromise(
        Effect.gen(function* () {
          return yield* (yield* Outbox).list({})
        }),
      )
      expect(Array.isArray(messages)).toBe(true)
    } finally {
      await fundi.close()
      await fundi.close()
    }

    // The data survives a restart, and the directory is free again once closed.
    const again = await openFundi(loadConfig({ FUNDI_DATABASE_URL: `pglite://${dir}` }))
    try {
      expect(again.migrationsApplied).toEqual([])
      const audit = await again.runtime.runPromise(listAudit({}))
      expect(audit).toHaveLength(1)
    } finally {
      await again.close()
    }
  })

  it("fails clearly when the database cannot be reached, leaving nothing open", async () => {
    await expect(
      openFundi(
        loadConfig({
          FUNDI_DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
          FUNDI_LINK_SECRET: "0123456789abcdef0123456789abcdef",
        }),
      ),
    ).rejects.toThrow(
      /cannot open the database postgres:\/\/\*\*\*@127.0.0.1:1\/none: connect ECONNREFUSED/,
    )
  })
})
