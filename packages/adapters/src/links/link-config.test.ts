import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { configProblems } from "../config.testing.ts"
import { loadConfig } from "../config.ts"

const SECRET = "0123456789abcdef0123456789abcdef"

describe("secure link configuration", () => {
  it("defaults: no secret on the embedded database, links on http://localhost:PORT", () => {
    const config = loadConfig({ PORT: "8081" })
    expect(config.linkSecret).toBeUndefined()
    expect(config.publicUrl).toBe("http://localhost:8081")
  })

  it("reads the secret (kept redacted) and the public URL without its trailing slash", () => {
    const config = loadConfig({
      FUNDI_LINK_SECRET: SECRET,
      FUNDI_PUBLIC_URL: "https://fundi.example.com/",
    })
    expect(config.linkSecret && Redacted.value(config.linkSecret)).toBe(SECRET)
    expect(String(config.linkSecret)).not.toContain(SECRET)
    expect(config.publicUrl).toBe("https://fundi.example.com")
  })

  it("requires the secret with a PostgreSQL server, and names each bad value", () => {
    expect(configProblems({ FUNDI_DATABASE_URL: "postgres://u@h/db" })).toEqual([
      expect.stringMatching(/^FUNDI_LINK_SECRET: is required with a PostgreSQL server/),
    ])
    expect(
      configProblems({ FUNDI_DATABASE_URL: "postgres://u@h/db", FUNDI_LINK_SECRET: SECRET }),
    ).toEqual([])
    const problems = configProblems({
      FUNDI_LINK_SECRET: "short",
      FUNDI_PUBLIC_URL: "fundi.example.com",
    })
    expect(problems).toEqual([
      "FUNDI_LINK_SECRET: must be at least 32 characters (use a long random value)",
      expect.stringMatching(/^FUNDI_PUBLIC_URL: "fundi.example.com" must be the http\(s\) origin/),
    ])
    for (const bad of ["ftp://x", "https://", "https://a b", "https://x/?q=1"]) {
      expect(configProblems({ FUNDI_PUBLIC_URL: bad }), bad).toHaveLength(1)
    }
  })
})
