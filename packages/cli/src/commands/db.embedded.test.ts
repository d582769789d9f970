import { existsSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { embeddedEnv, runCli } from "../testing/embedded-cli.ts"

/**
 * One database, one marketplace policy, whatever each process's environment says: on the
 * embedded database, through the real composition root, each command a separate `fundi`.
 */
describe("the marketplace's policy on the embedded database", () => {
  it("no database, no ops command; the first process records its policy; a command with another is refused (exit 78) until ops replace it", async () => {
    const { dir, env: base } = embeddedEnv("fundi-policy-")
    const fundi = (policy: string | undefined, ...args: string[]) =>
      runCli(policy === undefined ? base : { ...base, FUNDI_POLICY: policy }, args)

    // Run where there is no database yet, an ops command is refused and creates nothing.
    const nowhere = await fundi("credits", "ops", "requests", "list")
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toContain(`there is no Fundi database in ${join(dir, "db")}`)
    expect(nowhere.stderr).toContain("hint: run fundi in the directory the server runs in")
    expect(existsSync(join(dir, "db"))).toBe(false)

    const first = await fundi("credits", "db", "policy", "--json")
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual({
      policy: "credits",
      model: "credits",
      replaced: false,
      before: null,
      audited: null,
    })
    expect((await fundi("credits", "ops", "requests", "list")).code).toBe(0)

    // FUNDI_POLICY unset means the subscription preset: not this marketplace's.
    const refused = await fundi(undefined, "ops", "requests", "list")
    expect(refused.code).toBe(78)
    expect(refused.stdout).toBe("")
    expect(refused.stderr).toContain(`runs the policy "credits" (credits model)`)
    expect(refused.stderr).toContain("fundi db policy --replace")

    // Replacing is an ops action: it says who and why, or it does nothing.
    const anonymous = { ...base, FUNDI_OPERATOR: undefined }
    // A missing flag is the command line's (exit 2); a blank reason is bad input (exit 1),
    // as on every ops command.
    for (const [env, args, message, code] of [
      [base, ["--replace"], "error: --replace needs --reason TEXT", 2],
      [base, ["--replace", "--reason", "  "], "error: --reason: must not be blank", 1],
      [anonymous, ["--replace", "--reason", "new model"], "error: who is doing this?", 2],
      [base, ["--reason", "new model"], "error: --reason goes with --replace", 2],
    ] as const) {
      const refusal = await runCli({ FUNDI_POLICY: "subscription", ...env }, [
        "db",
        "policy",
        ...args,
      ])
      expect(refusal.code, args.join(" ")).toBe(code)
      expect(refusal.stderr, args.join(" ")).toContain(message)
      expect(refusal.stdout).toBe("")
    }
    expect((await fundi("credits", "ops", "requests", "list")).code).toBe(0)
    const quiet = await fundi("credits", "ops", "audit", "--subject", "marketplace", "--json")
    expect(JSON.parse(quiet.stdout)).toEqual({ entries: [] })

    const replaced = await fundi(
      "subscription",
      "db",
      "policy",
      "--replace",
      "--reason",
      "homeowners subscribe from today",
    )
    expect(replaced.code).toBe(0)
    expect(replaced.stdout).toContain(`now runs "subscription" (was "credits")`)
    expect(replaced.stdout).toContain("in the audit log as alice's")
    const audit = await fundi(undefined, "ops", "audit", "--subject", "marketplace")
    expect(audit.stdout).toMatch(
      /alice\s+marketplace\.replace_policy\s+marketplace\s+credits -> subscription\s+homeowners subscribe from today\n/,
    )
    expect((await fundi(undefined, "ops", "requests", "list")).code).toBe(0)
    expect((await fundi("credits", "ops", "requests", "list")).code).toBe(78)
  }, 60_000)
})
