import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"
import { demoParties, phoneIn } from "./dev.ts"

interface Outcome {
  readonly name: string
  readonly kind: string
  readonly partyId: string
  readonly created: boolean
  readonly status: string
  readonly applicationId: string | null
  readonly applicationState: string | null
  readonly reapplyAfter: string | null
}

let h: Harness
beforeEach(() => {
  h = makeHarness()
})
afterEach(() => h.dispose())

const byName = (outcomes: ReadonlyArray<Outcome>) =>
  Object.fromEntries(outcomes.map((o) => [o.name, o]))

describe("fundi dev seed", () => {
  it("makes providers in every vetting state and a couple of customers", async () => {
    const result = await h.cli(["dev", "seed", "--json"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const outcomes = json<{ parties: ReadonlyArray<Outcome> }>(result).parties
    expect(outcomes).toHaveLength(demoParties.length)
    expect(outcomes.every((o) => o.created)).toBe(true)

    const made = byName(outcomes)
    expect(made["Thandi Nkosi"]).toMatchObject({ status: "active", applicationState: "approved" })
    expect(made["Johan van Wyk"]).toMatchObject({ status: "active", applicationState: "approved" })
    expect(made["Lerato Mokoena"]).toMatchObject({
      status: "pending",
      applicationState: "submitted",
    })
    expect(made["Ayanda Zulu"]).toMatchObject({ applicationState: "background_check" })
    expect(made["Pieter Botha"]).toMatchObject({ applicationState: "rejected" })
    expect(made["Pieter Botha"]?.reapplyAfter).not.toBeNull()
    expect(made["Nomvula Khumalo"]).toMatchObject({
      status: "suspended",
      applicationState: "approved",
    })
    expect(outcomes.filter((o) => o.kind === "customer")).toHaveLength(2)

    // The made data is what ops see: two providers receive leads.
    const providers = json<{ providers: ReadonlyArray<{ leadEligible: boolean }> }>(
      await h.cli(["ops", "providers", "list", "--as", "a", "--json"]),
    ).providers
    expect(providers).toHaveLength(6)
    expect(providers.filter((p) => p.leadEligible)).toHaveLength(2)

    // Every step went through the audited use cases.
    const audit = await h.cli(["ops", "audit", "--actor", "fundi dev seed", "--as", "a", "--json"])
    expect(json<{ entries: ReadonlyArray<unknown> }>(audit).entries.length).toBeGreaterThan(10)
  })

  it("a second run changes nothing and says so", async () => {
    const first = json<{ parties: ReadonlyArray<Outcome> }>(await h.cli(["dev", "seed", "--json"]))
    const second = await h.cli(["dev", "seed"])
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/^the demo data is already there; nothing changed\n/)
    expect(second.stdout.match(/already there$/gm)).toHaveLength(demoParties.length)

    const again = json<{ parties: ReadonlyArray<Outcome> }>(await h.cli(["dev", "seed", "--json"]))
    expect(again.parties.map((o) => o.partyId)).toEqual(first.parties.map((o) => o.partyId))
    expect(again.parties.every((o) => !o.created)).toBe(true)
    const providers = json<{ providers: ReadonlyArray<unknown> }>(
      await h.cli(["ops", "providers", "list", "--as", "a", "--json"]),
    ).providers
    expect(providers).toHaveLength(6)
  })

  it("puts demo parties in the test cohort unless told otherwise", async () => {
    await h.cli(["dev", "seed"])
    const live = await h.cli([
      "ops",
      "providers",
      "list",
      "--cohort",
      "live",
      "--as",
      "a",
      "--json",
    ])
    expect(json(live)).toEqual({ providers: [] })
  })

  it("makes the live cohort's own demo parties after a test seed, and finds them on a second live run", async () => {
    await h.cli(["dev", "seed"])
    const live = await h.cli(["dev", "seed", "--cohort", "live"])
    expect(live.stdout).toMatch(
      new RegExp(`^made ${demoParties.length} demo parties \\(cohort live\\)$`, "m"),
    )
    expect(live.stdout).toMatch(/^NAME\s.*\sSEED$/m)
    const providers = (cohort: string) =>
      h.cli(["ops", "providers", "list", "--cohort", cohort, "--as", "a", "--json"])
    const inLive = json<{ providers: ReadonlyArray<unknown> }>(await providers("live")).providers
    const inTest = json<{ providers: ReadonlyArray<unknown> }>(await providers("test")).providers
    expect(inLive).toHaveLength(6)
    expect(inTest).toHaveLength(6)
    const again = await h.cli(["dev", "seed", "--cohort", "live"])
    expect(again.stdout).toMatch(/^the demo data is already there; nothing changed$/m)
  })
})

describe("phoneIn", () => {
  it("gives each cohort its own phones for the same demo people", () => {
    const test = demoParties.map((d) => phoneIn(d.phone, "test"))
    const live = demoParties.map((d) => phoneIn(d.phone, "live"))
    expect(test).toEqual(demoParties.map((d) => d.phone))
    expect(new Set([...test, ...live]).size).toBe(demoParties.length * 2)
    for (const phone of live) expect(phone).toMatch(/^\+278255502\d\d$/)
  })
})
