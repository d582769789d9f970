import { DAY_MS } from "@fundi/core"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface ApplicationDoc {
  readonly id: string
  readonly partyId: string
  readonly state: string
  readonly decidedAt: string | null
  readonly decidedBy: string | null
  readonly reapplyAfter: string | null
  readonly rejectionReason: string | null
  readonly backgroundCheck: { reference: string; result: string | null } | null
}
interface PartyViewDoc {
  readonly party: { id: string; status: string; profile: { displayName: string | null } }
  readonly completeness: number
  readonly leadEligible: boolean
  readonly latestApplication: ApplicationDoc | null
}
interface AuditDoc {
  readonly actor: string
  readonly actorType: string
  readonly action: string
  readonly subjectId: string
  readonly reason: string | null
}

let h: Harness
beforeEach(() => {
  h = makeHarness()
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]

describe("the vetting journey from the CLI", () => {
  it("reviews, checks and approves an application: the provider becomes active and lead-eligible", async () => {
    const { partyId, applicationId } = await h.applicant("+27820000001", "Thandi Nkosi")

    const queue = await h.cli(["ops", "applications", "list", ...as])
    expect(queue.code).toBe(0)
    expect(queue.stdout).toMatch(/^ID\s+STATE\s+ROLE\s+COMPLETE\s+NAME/)
    expect(queue.stdout).toContain(applicationId)
    expect(queue.stdout).toContain("Thandi Nkosi")

    const reviewing = await h.cli([
      "ops",
      "applications",
      "review",
      applicationId,
      ...as,
      "--reason",
      "documents look complete",
    ])
    expect(reviewing.code).toBe(0)
    expect(reviewing.stdout).toContain(`reviewing application ${applicationId}`)
    expect(reviewing.stdout).toMatch(/state:\s+in_review/)

    const requested = await h.cli([
      "ops",
      "background-check",
      "request",
      applicationId,
      ...as,
      "--reason",
      "standard check",
      "--json",
    ])
    expect(requested.code).toBe(0)
    expect(json<{ application: ApplicationDoc }>(requested).application.state).toBe(
      "background_check",
    )

    const recorded = await h.cli([
      "ops",
      "background-check",
      "record",
      applicationId,
      "--result",
      "passed",
      "--reference",
      "MIE-12345",
      ...as,
      "--reason",
      "clear record",
      "--json",
    ])
    expect(recorded.code).toBe(0)
    const check = json<{ application: ApplicationDoc }>(recorded).application
    expect(check.backgroundCheck?.result).toBe("passed")
    expect(check.backgroundCheck?.reference).toBe("MIE-12345")

    const approved = await h.cli([
      "ops",
      "applications",
      "approve",
      applicationId,
      ...as,
      "--reason",
      "all checks passed",
    ])
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain(`approved application ${applicationId}`)

    const shown = await h.cli(["ops", "providers", "show", partyId, ...as, "--json"])
    expect(shown.code).toBe(0)
    const view = json<PartyViewDoc>(shown)
    expect(view.party.status).toBe("active")
    expect(view.leadEligible).toBe(true)
    expect(view.latestApplication?.state).toBe("approved")
    expect(view.latestApplication?.decidedBy).toBe("alice")

    const active = await h.cli(["ops", "providers", "list", "--status", "active", ...as])
    expect(active.stdout).toContain(partyId)
    expect(active.stdout).toMatch(new RegExp(`${partyId}\\s+active\\s+Thandi Nkosi`))
  })

  it("a failed background check rejects with the re-apply date 90 days on", async () => {
    const { partyId, applicationId } = await h.applicant("+27820000002", "Pieter Botha")
    const reason = ["--reason", "x"]
    await h.cli(["ops", "applications", "review", applicationId, ...as, ...reason])
    await h.cli(["ops", "background-check", "request", applicationId, ...as, ...reason])

    const failed = await h.cli([
      "ops",
      "background-check",
      "record",
      applicationId,
      "--result",
      "failed",
      ...as,
      "--reason",
      "criminal record",
      "--json",
    ])
    expect(failed.code).toBe(0)
    const rejected = json<{ application: ApplicationDoc }>(failed).application
    expect(rejected.state).toBe("rejected")
    expect(rejected.reapplyAfter).not.toBeNull()
    expect(Date.parse(rejected.reapplyAfter!) - Date.parse(rejected.decidedAt!)).toBe(90 * DAY_MS)

    const shown = await h.cli(["ops", "applications", "show", applicationId, ...as])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`may re-apply from:  ${rejected.reapplyAfter}`)

    const provider = json<PartyViewDoc>(
      await h.cli(["ops", "providers", "show", partyId, ...as, "--json"]),
    )
    expect(provider.leadEligible).toBe(false)
    expect(provider.party.status).not.toBe("active")

    // Said in people's words too, with the date.
    const again = await h.applicant("+27820000003", "Someone Else")
    await h.cli(["ops", "applications", "review", again.applicationId, ...as, ...reason])
    await h.cli(["ops", "background-check", "request", again.applicationId, ...as, ...reason])
    const text = await h.cli([
      "ops",
      "background-check",
      "record",
      again.applicationId,
      "--result",
      "failed",
      ...as,
      ...reason,
    ])
    expect(text.stdout).toMatch(
      /background check failed: application app_\w+ is rejected; the applicant may re-apply from \d{4}-\d\d-\d\dT/,
    )
  })

  it("suspends and reinstates an active provider; a suspended one gets no leads", async () => {
    const { partyId } = await approvedProvider(h, "+27820000004")

    const suspended = await h.cli([
      "ops",
      "providers",
      "suspend",
      partyId,
      ...as,
      "--reason",
      "no-shows",
    ])
    expect(suspended.code).toBe(0)
    expect(suspended.stdout).toContain(`suspended ${partyId}: now suspended`)
    const whileSuspended = json<PartyViewDoc>(
      await h.cli(["ops", "providers", "show", partyId, ...as, "--json"]),
    )
    expect(whileSuspended.party.status).toBe("suspended")
    expect(whileSuspended.leadEligible).toBe(false)

    const reinstated = await h.cli([
      "ops",
      "providers",
      "reinstate",
      partyId,
      ...as,
      "--reason",
      "spoke to them",
      "--json",
    ])
    expect(reinstated.code).toBe(0)
    expect(json<{ party: { status: string } }>(reinstated).party.status).toBe("active")

    // Reinstating an active provider is not a move the table allows: said plainly, exit 1.
    const twice = await h.cli([
      "ops",
      "providers",
      "reinstate",
      partyId,
      ...as,
      "--reason",
      "again",
    ])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toMatch(
      /^error: cannot reinstate party pty_\w+: it is active; reinstatement needs the party to be suspended\n$/,
    )
    expect(twice.stdout).toBe("")
  })

  it("deactivates and activates a provider", async () => {
    const { partyId } = await approvedProvider(h, "+27820000005")
    const off = await h.cli(["ops", "providers", "deactivate", partyId, ...as, "--reason", "asked"])
    expect(off.code).toBe(0)
    expect(off.stdout).toContain("now inactive")
    const on = await h.cli(["ops", "providers", "activate", partyId, ...as, "--reason", "back"])
    expect(on.code).toBe(0)
    expect(on.stdout).toContain("now active")
  })

  it("rejects an application with the reason given", async () => {
    const { applicationId } = await h.applicant("+27820000006", "Sipho")
    await h.cli(["ops", "applications", "review", applicationId, ...as, "--reason", "x"])
    const rejected = await h.cli([
      "ops",
      "applications",
      "reject",
      applicationId,
      ...as,
      "--reason",
      "documents are not legible",
      "--json",
    ])
    expect(rejected.code).toBe(0)
    const doc = json<{ application: ApplicationDoc }>(rejected).application
    expect(doc.state).toBe("rejected")
    expect(doc.rejectionReason).toBe("documents are not legible")
  })

  it("the audit log lists every ops action with operator and reason, newest first", async () => {
    const { partyId, applicationId } = await approvedProvider(h, "+27820000007")
    await h.cli(["ops", "providers", "suspend", partyId, "--as", "bob", "--reason", "fraud report"])

    const forApplication = json<{ entries: ReadonlyArray<AuditDoc> }>(
      await h.cli(["ops", "audit", "--subject", applicationId, ...as, "--json"]),
    ).entries
    // The applicant submitted it themself; every step after that was alice's.
    const [submitted, ...byOps] = [...forApplication].reverse()
    expect(submitted?.actor).toMatch(/^party:pty_/)
    expect(byOps.map((e) => e.actor)).toEqual(["alice", "alice", "alice", "alice"])
    expect(forApplication.map((e) => e.reason)).toContain("all checks passed")
    expect(forApplication.map((e) => e.action).some((a) => a.includes("approve"))).toBe(true)
    expect(forApplication.every((e) => e.subjectId === applicationId)).toBe(true)

    const byBob = await h.cli(["ops", "audit", "--actor", "bob", ...as])
    expect(byBob.code).toBe(0)
    const lines = byBob.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+SUBJECT\s+CHANGE\s+REASON$/)
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(
      new RegExp(`bob\\s+\\S*suspend\\S*\\s+${partyId}\\s+active -> suspended\\s+fraud report$`),
    )

    const limited = json<{ entries: ReadonlyArray<AuditDoc> }>(
      await h.cli(["ops", "audit", "--limit", "1", ...as, "--json"]),
    ).entries
    expect(limited).toHaveLength(1)
    expect(limited[0]?.actor).toBe("bob")
  })

  it("the review queue filters by state and role and honours --limit", async () => {
    const first = await h.applicant("+27820000010", "One")
    const second = await h.applicant("+27820000011", "Two")
    await h.cli(["ops", "applications", "review", second.applicationId, ...as, "--reason", "x"])

    type ListDoc = { applications: ReadonlyArray<{ application: ApplicationDoc }> }
    const ids = async (...args: string[]) =>
      json<ListDoc>(
        await h.cli(["ops", "applications", "list", ...as, "--json", ...args]),
      ).applications.map((v) => v.application.id)

    expect(await ids("--state", "submitted")).toEqual([first.applicationId])
    expect(await ids("--state", "in_review")).toEqual([second.applicationId])
    expect((await ids("--state", "submitted,in_review")).sort()).toEqual(
      [first.applicationId, second.applicationId].sort(),
    )
    expect(await ids("--state", "submitted", "--state", "in_review")).toHaveLength(2)
    expect(await ids("--role", "customer")).toEqual([])
    expect(await ids("--limit", "1")).toHaveLength(1)

    const none = await h.cli(["ops", "applications", "list", "--state", "approved", ...as])
    expect(none.stdout).toBe("no applications match\n")

    // By default the queue holds what awaits a decision; --all adds the decided ones.
    await h.cli(["ops", "applications", "reject", first.applicationId, ...as, "--reason", "x"])
    expect(await ids()).toEqual([second.applicationId])
    expect((await ids("--all")).sort()).toEqual([first.applicationId, second.applicationId].sort())
    const both = await h.cli(["ops", "applications", "list", "--all", "--state", "approved", ...as])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain("cannot be used with option '--state <state>'")
  })
})

describe("--json", () => {
  it("prints one stable document with the same keys whatever is set", async () => {
    const { partyId, applicationId } = await h.applicant("+27820000020", "Jay")
    const first = await h.cli(["ops", "applications", "show", applicationId, ...as, "--json"])
    const second = await h.cli(["ops", "applications", "show", applicationId, ...as, "--json"])
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(second.stdout)
    const doc = json<{ application: Record<string, unknown>; party: Record<string, unknown> }>(
      first,
    )
    expect(Object.keys(doc)).toEqual(["application", "party"])
    expect(Object.keys(doc.application)).toEqual([
      "id",
      "partyId",
      "role",
      "state",
      "completeness",
      "createdAt",
      "submittedAt",
      "backgroundCheck",
      "decidedAt",
      "decidedBy",
      "rejectionReason",
      "reapplyAfter",
      "updatedAt",
    ])
    expect(doc.application.partyId).toBe(partyId)
    expect(doc.application.decidedAt).toBeNull()
    expect(doc.application.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(Object.keys(doc.party)).toEqual([
      "id",
      "kind",
      "phone",
      "cohort",
      "channel",
      "status",
      "profile",
      "createdAt",
      "updatedAt",
    ])

    const list = json<{ providers: ReadonlyArray<Record<string, unknown>> }>(
      await h.cli(["ops", "providers", "list", ...as, "--json"]),
    )
    expect(Object.keys(list)).toEqual(["providers"])
    expect(Object.keys(list.providers[0]!)).toEqual([
      "party",
      "completeness",
      "leadEligible",
      "latestApplication",
    ])
  })

  it("an empty list is an empty array, not a message", async () => {
    const result = await h.cli(["ops", "providers", "list", ...as, "--json"])
    expect(result.code).toBe(0)
    expect(json(result)).toEqual({ providers: [] })
  })
})

describe("mistakes get a clear message and the right exit code", () => {
  it("no operator identity: exit 2 naming --as and FUNDI_OPERATOR; the env variable works", async () => {
    const missing = await h.cli(["ops", "applications", "list"])
    expect(missing.code).toBe(2)
    expect(missing.stdout).toBe("")
    expect(missing.stderr).toContain("error: who is doing this?")
    expect(missing.stderr).toContain("--as NAME")
    expect(missing.stderr).toContain("FUNDI_OPERATOR")
    // Refused before touching the database.
    expect(h.opened).toBe(0)

    const fromEnv = await h.cli(["ops", "applications", "list"], { FUNDI_OPERATOR: "carol" })
    expect(fromEnv.code).toBe(0)
  })

  it("the operator from the environment is the one audited", async () => {
    const { applicationId } = await h.applicant("+27820000030", "Env")
    await h.cli(["ops", "applications", "review", applicationId, "--reason", "x"], {
      FUNDI_OPERATOR: "carol",
    })
    const entries = json<{ entries: ReadonlyArray<AuditDoc> }>(
      await h.cli(["ops", "audit", "--subject", applicationId, "--json"], {
        FUNDI_OPERATOR: "carol",
      }),
    ).entries
    expect(entries.map((e) => e.actor)).toContain("carol")
  })

  it("a mutating command without --reason: exit 2 with commander's message and a hint", async () => {
    const { applicationId } = await h.applicant("+27820000031", "R")
    const result = await h.cli(["ops", "applications", "approve", applicationId, ...as])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("required option '--reason <text>' not specified")
    expect(result.stderr).toContain("hint: add --help")
  })

  it("an empty --reason is named by its flag: exit 1", async () => {
    const { applicationId } = await h.applicant("+27820000032", "R")
    const result = await h.cli([
      "ops",
      "applications",
      "review",
      applicationId,
      ...as,
      "--reason",
      "",
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: --reason: .+\n$/)
  })

  it("a malformed id names the argument and what an id looks like: exit 1", async () => {
    const result = await h.cli([
      "ops",
      "applications",
      "approve",
      "nonsense",
      ...as,
      "--reason",
      "x",
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: ID "nonsense": must be an application id: "app_" then 20 letters and digits (lower case, no i, l, o or u)\n`,
    )

    const party = await h.cli(["ops", "providers", "show", "app_0000", ...as])
    expect(party.code).toBe(1)
    expect(party.stderr).toContain(
      'error: ID "app_0000": must be a party id: "pty_" then 20 letters and digits (lower case, no i, l, o or u)',
    )
  })

  it("a well-formed id that does not exist: exit 1", async () => {
    const id = "app_00000000000000000000"
    const result = await h.cli(["ops", "applications", "show", id, ...as])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`error: no application with id ${id}\n`)
  })

  it("a step out of order is refused with the states it is allowed from", async () => {
    const { applicationId } = await h.applicant("+27820000033", "Early")
    const result = await h.cli([
      "ops",
      "applications",
      "approve",
      applicationId,
      ...as,
      "--reason",
      "x",
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `error: cannot approve application ${applicationId}: it is submitted; approval needs the application to be in_review or background_check\n`,
    )
  })

  it("bad option values are usage errors: exit 2", async () => {
    const state = await h.cli(["ops", "applications", "list", "--state", "pending", ...as])
    expect(state.code).toBe(2)
    expect(state.stderr).toContain('"pending" is not one of draft, submitted')

    const limit = await h.cli(["ops", "audit", "--limit", "ten", ...as])
    expect(limit.code).toBe(2)
    expect(limit.stderr).toContain("must be a whole number from 1 to 1000")

    const result = await h.cli([
      "ops",
      "background-check",
      "record",
      "app_00000000000000000000",
      "--result",
      "maybe",
      ...as,
      "--reason",
      "x",
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Allowed choices are passed, failed")

    const missingResult = await h.cli([
      "ops",
      "background-check",
      "record",
      "app_00000000000000000000",
      ...as,
      "--reason",
      "x",
    ])
    expect(missingResult.code).toBe(2)
    expect(missingResult.stderr).toContain("--result")
  })

  it("the database being down is an ordinary failure, said in one line: exit 1", async () => {
    await h.setOffline(true)
    const result = await h.cli(["ops", "providers", "list", ...as])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: the database is unavailable: .+\n$/)
  })
})

/** A provider through the whole journey, by the CLI, with "alice" as the operator. */
const approvedProvider = async (harness: Harness, phone: string) => {
  const applicant = await harness.applicant(phone, "Approved Person")
  const steps = [
    ["applications", "review", applicant.applicationId],
    ["background-check", "request", applicant.applicationId],
    ["background-check", "record", applicant.applicationId, "--result", "passed"],
    ["applications", "approve", applicant.applicationId],
  ]
  for (const step of steps) {
    const result = await harness.cli(["ops", ...step, ...as, "--reason", "all checks passed"])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
  }
  return applicant
}
