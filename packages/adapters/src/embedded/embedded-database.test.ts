import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { DataDirInUse } from "./data-dir-lock.ts"
import { openEmbeddedDatabase } from "./embedded-database.ts"

describe("embedded database", () => {
  it("is shared by the serving process with other clients, and never opened twice", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "fundi-embedded-")), "db")
    const server = await openEmbeddedDatabase(dir, { serve: true, command: "fundi serve" })
    try {
      await server.knex.raw("create table notes (id int primary key, body text)")
      await server.knex("notes").insert({ id: 1, body: "from the server" })

      await expect(
        openEmbeddedDatabase(dir, { serve: true, command: "fundi serve" }),
      ).rejects.toThrow(DataDirInUse)

      const client = await openEmbeddedDatabase(dir, { serve: false, command: "fundi ops" })
      try {
        expect(client.description).toContain("shared by process")
        await client.knex("notes").insert({ id: 2, body: "from ops" })
        // Transactions on different connections stay apart: the socket multiplexer runs
        // one connection's transaction at a time, and a failed one rolls back only itself.
        const outcomes = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 === 0 ? server : client).knex.transaction(async (trx) => {
              await trx("notes").insert({ id: 10 + i, body: `tx ${i}` })
              if (i % 4 === 1) throw new Error(`abort ${i}`)
            }),
          ),
        )
        expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(2)
      } finally {
        await client.close()
      }
      const ids = (await server.knex("notes").orderBy("id").select("id")).map((r) => r.id)
      expect(ids).toEqual([1, 2, 10, 12, 13, 14, 16, 17])
    } finally {
      await server.close()
    }

    // Once the server is gone, a command opens the directory itself and sees the data.
    const alone = await openEmbeddedDatabase(dir, { serve: false, command: "fundi ops" })
    try {
      expect(alone.description).not.toContain("shared")
      expect(Number((await alone.knex("notes").count("* as n"))[0]?.n)).toBe(8)
    } finally {
      await alone.close()
    }
  })
})
