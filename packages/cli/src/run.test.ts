import { PartyRepository } from "@fundi/core"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { run } from "./run.ts"
import { type Harness, makeHarness } from "./testing/cli-harness.ts"

let h: Harness | undefined
afterEach(async () => {
  await h?.dispose()
  h = undefined
})

const capture = () => {
  const out = { stdout: "", stderr: "" }
  return {
    out,
    io: (env: Record<string, string | undefined> = {}) => ({
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
      env,
    }),
  }
}

describe("the command line itself", () => {
  it("prints what it is given as text: control characters arrive escaped, never as terminal commands", async () => {
    const { out, io } = capture()
    const code = await run(["ops", "\u001b]0;owned\u0007requests"], io())
    expect(code).toBe(2)
    expect(out.stderr).toContain("\\x1b]0;owned\\x07requests")
    expect(out.stderr).not.toContain("\u001b")
    expect(out.stderr).not.toContain("\u0007")
  })

  it("--help prints the commands on stdout and exits 0", async () => {
    h = makeHarness()
    const result = await h.cli(["--help"])
    expect(result.code).toBe(0)
    for (const command of ["serve", "db", "ops", "dev"]) expect(result.stdout).toContain(command)
    const ops = await h.cli(["ops", "--help"])
    for (const command of [
      "applications",
      "background-check",
      "providers",
      "wallet",
      "topups",
      "credits",
      "earnings",
      "ledger",
      "audit",
    ]) {
      expect(ops.stdout).toContain(command)
    }
  })

  it("an unknown command is a usage error with a suggestion: exit 2", async () => {
    h = makeHarness()
    const result = await h.cli(["ops", "provders", "list"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown command 'provders'")
    expect(result.stderr).toContain("(Did you mean providers?)")
    expect(h.opened).toBe(0)
  })

  it("a group without its subcommand shows its help on stderr: exit 2", async () => {
    h = makeHarness()
    const result = await h.cli(["ops", "applications"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Usage: fundi ops applications")
    expect(result.stdout).toBe("")
  })

  it("extra arguments are refused rather than ignored", async () => {
    h = makeHarness()
    const result = await h.cli(["ops", "applications", "list", "extra", "--as", "a"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("too many arguments")
  })
})

describe("configuration and opening", () => {
  it("bad configuration names the variable and exits 78 without opening anything", async () => {
    h = makeHarness()
    const result = await h.cli(["ops", "providers", "list", "--as", "a"], {
      FUNDI_POLICY: "no-such-policy",
      PORT: "eighty",
    })
    expect(result.code).toBe(78)
    expect(result.stderr).toContain("error: invalid configuration:")
    expect(result.stderr).toMatch(/ {2}- FUNDI_POLICY: "no-such-policy"/)
    expect(result.stderr).toMatch(/ {2}- PORT: "eighty"/)
    expect(h.opened).toBe(0)
  })

  it("the configuration read from the environment is what gets opened", async () => {
    h = makeHarness()
    await h.cli(["ops", "providers", "list", "--as", "a"], { FUNDI_POLICY: "subscription" })
    expect(h.configs.map((c) => c.policy.name)).toEqual(["subscription"])
  })

  it("a database that cannot be opened is one line on stderr: exit 1", async () => {
    const { out, io } = capture()
    const code = await run(["ops", "providers", "list", "--as", "a"], io(), async () => {
      throw new Error("the embedded database ./.fundi/db is in use by fundi serve (pid 42)")
    })
    expect(code).toBe(1)
    expect(out.stderr).toBe(
      "error: cannot open Fundi: the embedded database ./.fundi/db is in use by fundi serve (pid 42)\n",
    )
  })

  it("the session is closed after every command, successful or not", async () => {
    h = makeHarness()
    await h.cli(["ops", "providers", "list", "--as", "a"])
    await h.cli(["ops", "providers", "show", "nonsense", "--as", "a"])
    expect(h.opened).toBe(2)
    expect(h.closed).toBe(2)
  })
})

describe("defects", () => {
  const dying = Layer.succeed(
    PartyRepository,
    PartyRepository.of({
      insert: () => Effect.die(new Error("boom in insert")),
      update: () => Effect.die(new Error("boom in update")),
      findById: () => Effect.die(new Error("boom in findById")),
      findByPhone: () => Effect.die(new Error("boom in findByPhone")),
      list: () => Effect.die(new Error("boom in list\nsecond line")),
    }),
  )

  it("an unexpected failure is one line, no stack, exit 70", async () => {
    h = makeHarness({ override: dying })
    const result = await h.cli(["ops", "providers", "list", "--as", "a"])
    expect(result.code).toBe(70)
    expect(result.stderr).toBe(
      "error: internal error: boom in list (set FUNDI_DEBUG=1 to see where)\n",
    )
  })

  it("FUNDI_DEBUG=1 shows where", async () => {
    h = makeHarness({ override: dying })
    const result = await h.cli(["ops", "providers", "list", "--as", "a"], { FUNDI_DEBUG: "1" })
    expect(result.code).toBe(70)
    expect(result.stderr).toContain("error: internal error: boom in list")
    expect(result.stderr.split("\n").length).toBeGreaterThan(3)
    expect(result.stderr).toMatch(/at .+\.ts/)
  })
})
