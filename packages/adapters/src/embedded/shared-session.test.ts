import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import pg from "pg"
import { afterAll, describe, expect, it } from "vitest"
import { openEmbeddedDatabase } from "./embedded-database.ts"

const scratch = mkdtempSync(join(tmpdir(), "fundi-shared-session-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("the embedded database shared on its socket", () => {
  it("keeps each connection's statements together: concurrent queries get their own answers", async () => {
    const db = await openEmbeddedDatabase(join(scratch, "db"), { serve: true, command: "test" })
    try {
      // Different parameter counts per query: a Bind of one connection landing on another's
      // Parse fails; the same count would silently answer with the other's result.
      // Eight connections at once, each running its own queries one after the other, some
      // in transactions: what the workers and the pages of `fundi serve` do.
      const failures: Array<string> = []
      await Promise.all(
        Array.from({ length: 8 }, async (_, worker) => {
          for (let i = 0; i < 60; i++) {
            const values = Array.from(
              { length: 1 + ((worker + i) % 5) },
              (_, k) => worker * 1000 + i * 10 + k,
            )
            const sql = `select ${values.map(() => "?::int").join(" + ")} as sum`
            const run = async (k: typeof db.knex | import("knex").Knex.Transaction) =>
              ((await k.raw(sql, values)).rows as Array<{ sum: number }>)[0]?.sum
            try {
              const sum = i % 3 === 0 ? await db.knex.transaction(run) : await run(db.knex)
              if (sum !== values.reduce((a, b) => a + b, 0)) failures.push(`wrong answer ${sum}`)
            } catch (error) {
              failures.push((error as Error).message)
            }
          }
        }),
      )
      expect(failures).toEqual([])
    } finally {
      await db.close()
    }
  })

  it("frees the session when a connection leaves inside its transaction, rolling it back", async () => {
    const dir = join(scratch, "left")
    const db = await openEmbeddedDatabase(dir, { serve: true, command: "test" })
    try {
      await db.knex.raw("create table marks (n int)")
      // A client (another process, say) that begins, writes, and goes away without COMMIT.
      const socketDir = `${dir}.sock`
      const gone = new pg.Client({
        host: socketDir,
        port: 5432,
        user: "postgres",
        database: "postgres",
      })
      await gone.connect()
      await gone.query("begin")
      await gone.query("insert into marks values (1)")
      await gone.end()
      // The server's own connections go on (a held session would hang here), and the
      // abandoned write is not there.
      await db.knex.raw("insert into marks values (2)")
      const rows: Array<{ n: number }> = (await db.knex.raw("select n from marks order by n")).rows
      expect(rows.map((r) => r.n)).toEqual([2])
    } finally {
      await db.close()
    }
  })
})
