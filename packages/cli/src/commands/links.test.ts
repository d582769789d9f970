import { type PartyId, SecureLinks } from "@fundi/core"
import { Effect } from "effect"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface LinkDoc {
  readonly id: string
  readonly partyId: string
  readonly scope: string
  readonly objectId: string
  readonly status: string
  readonly revokedBy: string | null
  readonly revokeReason: string | null
}

let h: Harness
beforeEach(() => {
  h = makeHarness()
})
afterEach(() => h.dispose())

const as = ["--as", "alice"]
const DAY = 86_400_000

const issue = (partyId: PartyId, scope: "lead" | "handover", objectId: string, expiresAt: number) =>
  h.runtime.runPromise(
    Effect.gen(function* () {
      return yield* (yield* SecureLinks).issue({
        partyId,
        scope,
        objectId,
        expiresAt: expiresAt as never,
      })
    }),
  )

const opens = (token: string, scope: "lead" | "handover") =>
  h.runtime.runPromiseExit(
    Effect.gen(function* () {
      return yield* (yield* SecureLinks).resolve(token, { scope })
    }),
  )

describe("fundi ops links", () => {
  it("lists a party's links with their status, and never prints a token", async () => {
    const party = await h.customer("+27820004001")
    const other = await h.customer("+27820004002")
    const live = await issue(party, "handover", "req_00000000000000000001", Date.now() + DAY)
    const old = await issue(party, "lead", "ofr_00000000000000000001", Date.now() - 1)
    await issue(other, "handover", "req_00000000000000000002", Date.now() + DAY)

    const listed = json<{ links: Array<LinkDoc> }>(
      await h.cli(["ops", "links", "list", "--party", party, ...as, "--json"]),
    )
    expect(listed.links.map((l) => [l.id, l.status]).sort()).toEqual(
      [
        [live.link.id, "live"],
        [old.link.id, "expired"],
      ].sort(),
    )
    const text = await h.cli(["ops", "links", "list", "--party", party, ...as])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("LINK")
    expect(text.stdout).toContain(live.link.id)
    expect(text.stdout).not.toContain(live.token)

    const none = await h.cli(["ops", "links", "list", "--party", "pty_00000000000000000000", ...as])
    expect(none.stdout).toContain("no links for pty_00000000000000000000")
  })

  it("revokes a link (audited with operator and reason): it stops opening; again changes nothing", async () => {
    const party = await h.customer("+27820004003")
    const issued = await issue(party, "handover", "req_00000000000000000001", Date.now() + DAY)
    const revoked = json<{ link: LinkDoc }>(
      await h.cli([
        "ops",
        "links",
        "revoke",
        issued.link.id,
        ...as,
        "--reason",
        "sent to the wrong number",
        "--json",
      ]),
    )
    expect(revoked.link).toMatchObject({
      status: "revoked",
      revokedBy: "alice",
      revokeReason: "sent to the wrong number",
    })
    expect(String(await opens(issued.token, "handover"))).toContain("LinkRevoked")

    const again = await h.cli([
      "ops",
      "links",
      "revoke",
      issued.link.id,
      "--as",
      "bob",
      "--reason",
      "again",
    ])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain("by alice")

    const { entries } = json<{ entries: Array<{ action: string; actor: string; reason: string }> }>(
      await h.cli(["ops", "audit", "--subject", issued.link.id, ...as, "--json"]),
    )
    expect(entries.map((a) => [a.action, a.actor, a.reason])).toEqual([
      ["link.revoke", "alice", "sent to the wrong number"],
    ])
  })

  it("names what is wrong: an unknown or malformed link, a missing reason or party", async () => {
    const unknown = await h.cli([
      "ops",
      "links",
      "revoke",
      "lnk_00000000000000000000",
      ...as,
      "--reason",
      "x",
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain("no link lnk_00000000000000000000")
    const malformed = await h.cli(["ops", "links", "revoke", "nope", ...as, "--reason", "x"])
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toContain('LINK "nope"')
    const noReason = await h.cli(["ops", "links", "revoke", "lnk_00000000000000000000", ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")
    const noParty = await h.cli(["ops", "links", "list", ...as])
    expect(noParty.code).toBe(2)
    expect(noParty.stderr).toContain("--party")
    const badParty = await h.cli(["ops", "links", "list", "--party", "bob", ...as])
    expect(badParty.code).toBe(1)
    expect(badParty.stderr).toContain("--party")
  })
})
