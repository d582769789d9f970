import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { creditsPreset, subscriptionPreset } from "@fundi/core"
import { Redacted } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { configProblems } from "./config.testing.ts"
import { DEFAULT_DATABASE_URL, loadConfig } from "./config.ts"

describe("loadConfig", () => {
  it("defaults to the embedded database, port 3000, the subscription preset and no API key", () => {
    const config = loadConfig({})
    expect(config.databaseUrl).toBe(DEFAULT_DATABASE_URL)
    expect(config.port).toBe(3000)
    expect(config.policy).toEqual(subscriptionPreset)
    expect(config.apiKey).toBeUndefined()
    expect(config.smtp).toBeUndefined()
  })

  it("reads every variable", () => {
    const config = loadConfig({
      FUNDI_DATABASE_URL: "postgres://u:p@localhost:5432/fundi",
      FUNDI_LINK_SECRET: "0123456789abcdef0123456789abcdef",
      PORT: "8080",
      FUNDI_POLICY: "credits",
      FUNDI_API_KEY: "0123456789abcdef0123",
      FUNDI_SMTP_URL: "smtp://mail.local:2525",
      FUNDI_SMTP_FROM: "Fundi <noreply@fundi.test>",
      FUNDI_OUTBOX_POLL_MS: "250",
    })
    expect(config.port).toBe(8080)
    expect(config.policy).toEqual(creditsPreset)
    expect(config.apiKey && Redacted.value(config.apiKey)).toBe("0123456789abcdef0123")
    expect(config.smtp).toEqual({
      url: "smtp://mail.local:2525",
      from: "Fundi <noreply@fundi.test>",
    })
    expect(config.outboxPollMs).toBe(250)
  })

  it("names every bad variable at once", () => {
    const problems = configProblems({
      FUNDI_DATABASE_URL: "mysql://x",
      PORT: "http",
      FUNDI_POLICY: "nonsense",
      FUNDI_API_KEY: "short",
      FUNDI_SMTP_URL: "smtp://mail.local",
    })
    const named = problems.map((p) => p.split(":")[0])
    expect(named).toEqual([
      "FUNDI_DATABASE_URL",
      "PORT",
      "FUNDI_API_KEY",
      "FUNDI_SMTP_FROM",
      "FUNDI_POLICY",
    ])
  })

  it("refuses any PORT that is not a whole number in range", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.integer({ min: 65536 }).map(String), fc.double().map(String)),
        (port) => {
          fc.pre(!/^\s*\d+\s*$/.test(port) || Number(port) > 65535)
          fc.pre(port.trim() !== "")
          expect(configProblems({ PORT: port }).some((p) => p.startsWith("PORT:"))).toBe(true)
        },
      ),
    )
  })

  it("takes a policy file that extends a preset, and reports bad fields by path", () => {
    const dir = mkdtempSync(join(tmpdir(), "fundi-policy-"))
    writeFileSync(
      join(dir, "good.json"),
      JSON.stringify({
        extends: "credits",
        name: "lagos",
        currency: "NGN",
        vetting: { reapplyCooldownDays: 30 },
      }),
    )
    const config = loadConfig({ FUNDI_POLICY: "good.json" }, dir)
    expect(config.policy.currency).toBe("NGN")
    expect(config.policy.vetting.reapplyCooldownDays).toBe(30)
    expect(config.policy.vetting.backgroundCheckRequired).toBe(
      creditsPreset.vetting.backgroundCheckRequired,
    )

    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({
        extends: "credits",
        vetting: { reapplyCooldownDays: -1 },
        currency: "EUR",
        timeZone: "Mars/Olympus_Mons",
      }),
    )
    const problems = configProblems({ FUNDI_POLICY: "bad.json" }, dir)
    expect(problems.some((p) => p.includes("vetting.reapplyCooldownDays"))).toBe(true)
    expect(problems.some((p) => p.includes("currency"))).toBe(true)
    expect(problems.some((p) => p.includes("timeZone: must be an IANA time zone"))).toBe(true)
  })

  it("reads an optional JSON config file, with the environment winning", () => {
    const dir = mkdtempSync(join(tmpdir(), "fundi-config-"))
    writeFileSync(join(dir, "fundi.json"), JSON.stringify({ PORT: 4000, FUNDI_POLICY: "credits" }))
    const config = loadConfig({ FUNDI_CONFIG: "fundi.json", PORT: "5000" }, dir)
    expect(config.port).toBe(5000)
    expect(config.policy.model).toBe("credits")
    writeFileSync(join(dir, "typo.json"), JSON.stringify({ PROT: 4000 }))
    expect(configProblems({ FUNDI_CONFIG: "typo.json" }, dir)[0]).toMatch(/unknown keys PROT/)
  })
})

describe("FUNDI_SCHEDULER_POLL_MS", () => {
  it("defaults to 5000 and reads a whole number from 50 to 600000", () => {
    expect(loadConfig({}).schedulerPollMs).toBe(5000)
    expect(loadConfig({ FUNDI_SCHEDULER_POLL_MS: "750" }).schedulerPollMs).toBe(750)
  })

  it("names the variable when the value is not a whole number in range", () => {
    for (const bad of ["0", "49", "600001", "fast", "1.5", "-100"]) {
      expect(configProblems({ FUNDI_SCHEDULER_POLL_MS: bad })).toEqual([
        `FUNDI_SCHEDULER_POLL_MS: "${bad}" must be a whole number from 50 to 600000`,
      ])
    }
  })
})
