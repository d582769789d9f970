import { mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type PartyId, SecureLinks } from "@fundi/core"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { openFundi } from "../composition-root.ts"
import { loadConfig } from "../config.ts"

const withLinks = <A, E>(f: (links: SecureLinks["Service"]) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    return yield* f(yield* SecureLinks)
  })

const grant = {
  partyId: "pty_00000000000000000001" as PartyId,
  scope: "handover" as const,
  objectId: "req_00000000000000000001",
  expiresAt: 4_000_000_000_000 as never,
}

describe("secure links in the composition root", () => {
  it("on the embedded default, a generated secret (0600, beside the data) keeps links opening after a restart", async () => {
    const root = mkdtempSync(join(tmpdir(), "fundi-links-"))
    const env = {
      FUNDI_DATABASE_URL: `pglite://${join(root, "db")}`,
      FUNDI_PUBLIC_URL: "https://f.test",
    }
    const first = await openFundi(loadConfig(env), { command: "test" })
    let token: string
    try {
      const issued = await first.runtime.runPromise(withLinks((links) => links.issue(grant)))
      expect(issued.url).toBe(`https://f.test/h/${issued.token}`)
      token = issued.token
    } finally {
      await first.close()
    }
    expect(statSync(join(root, "link-secret")).mode & 0o777).toBe(0o600)

    const again = await openFundi(loadConfig(env), { command: "test" })
    try {
      const link = await again.runtime.runPromise(
        withLinks((links) => links.resolve(token, { scope: "handover" })),
      )
      expect(link.objectId).toBe(grant.objectId)
    } finally {
      await again.close()
    }

    // Another secret (here: one configured explicitly) does not open the old links.
    const other = await openFundi(
      loadConfig({ ...env, FUNDI_LINK_SECRET: "a-different-secret-0123456789abcdef" }),
      { command: "test" },
    )
    try {
      const exit = await other.runtime.runPromiseExit(
        withLinks((links) => links.resolve(token, { scope: "handover" })),
      )
      expect(String(exit)).toContain("LinkInvalid")
    } finally {
      await other.close()
    }
  })
})
