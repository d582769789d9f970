import { afterEach, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
afterEach(() => h.dispose())

it("db migrate opens with migrations applied and checks the database answers", async () => {
  h = makeHarness()
  const text = await h.cli(["db", "migrate"])
  expect(text.code).toBe(0)
  expect(text.stdout).toContain("the database schema is up to date")
  expect(text.stdout).toMatch(/database:\s+in-memory \(test\)/)
  expect(json(await h.cli(["db", "migrate", "--json"]))).toEqual({
    database: "in-memory (test)",
    schema: "up-to-date",
    migrationsApplied: [],
    reachable: true,
  })
})

it("db migrate fails clearly when the database does not answer", async () => {
  h = makeHarness()
  await h.setOffline(true)
  const result = await h.cli(["db", "migrate"])
  expect(result.code).toBe(1)
  expect(result.stderr).toMatch(/^error: the database is unavailable/)
})
