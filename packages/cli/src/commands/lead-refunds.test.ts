import {
  acceptLead,
  dispatchRequest,
  getWallet,
  grantCredits,
  markReady,
  type PartyId,
  previewLead,
  submitRequest,
  unlockLead,
} from "@fundi/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface RefundDoc {
  readonly id: string
  readonly offerId: string
  readonly providerId: string
  readonly reason: string
  readonly note: string | null
  readonly credits: number
  readonly state: string
  readonly decidedBy: string | null
  readonly decisionReason: string | null
}

let h: Harness
afterEach(() => h.dispose())

const as = ["--as", "alice"]

/**
 * Two providers with 50 credits both unlocked a homeowner's urgent plumbing lead; the
 * winner accepted it, so the loser's offer was withdrawn after they paid for it.
 */
const scene = async () => {
  const customerId = await h.customer("+27820004001")
  const winner = await h.provider("+27820004101", "Sipho Plumbing")
  const loser = await h.provider("+27820004102", "Thabo Drains")
  return h.runtime.runPromise(
    Effect.gen(function* () {
      for (const partyId of [winner, loser]) {
        yield* grantCredits({ partyId, credits: 50, operator: "setup", reason: "test scene" })
      }
      const submitted = yield* submitRequest({
        customerId,
        category: "plumbing",
        description: "Geyser leaking through the ceiling",
        location: { area: "soweto" },
        mode: "in_person",
        urgency: "urgent",
        availability: "now",
      })
      const request = yield* markReady({ requestId: submitted.id, operator: "setup" })
      const { offered } = yield* dispatchRequest({ requestId: request.id })
      for (const offer of offered) {
        yield* previewLead({ offerId: offer.id, providerId: offer.providerId })
        yield* unlockLead({ offerId: offer.id, providerId: offer.providerId })
      }
      const won = offered.find((o) => o.providerId === winner)!
      const lost = offered.find((o) => o.providerId === loser)!
      yield* acceptLead({ offerId: won.id, providerId: winner })
      return { winner, loser, won, lost }
    }),
  )
}

const credits = async (partyId: PartyId) =>
  Number((await h.runtime.runPromise(getWallet({ partyId }))).credits)

describe("fundi ops leads refunds / refund-request / refund-approve / refund-reject", () => {
  it("records a phoned-in claim, lists it, approves it once: the credits come back", async () => {
    h = makeHarness()
    const { loser, lost } = await scene()
    const before = await credits(loser)

    const recorded = json<{ refund: RefundDoc }>(
      await h.cli([
        "ops",
        "leads",
        "refund-request",
        lost.id,
        "--provider",
        loser,
        "--reason-code",
        "expired",
        "--note",
        "the job went to someone else",
        "--reason",
        "provider called the help line",
        ...as,
        "--json",
      ]),
    )
    expect(recorded.refund).toMatchObject({
      offerId: lost.id,
      providerId: loser,
      reason: "expired",
      note: "the job went to someone else",
      state: "requested",
    })
    expect(recorded.refund.credits).toBeGreaterThan(0)

    const queue = json<{ refunds: Array<RefundDoc> }>(
      await h.cli(["ops", "leads", "refunds", "--state", "requested", ...as, "--json"]),
    )
    expect(queue.refunds.map((r) => r.id)).toEqual([recorded.refund.id])
    const table = await h.cli(["ops", "leads", "refunds", ...as])
    expect(table.stdout).toContain(recorded.refund.id)
    expect(table.stdout).toMatch(/REFUND\s+STATE\s+REASON/)

    const approved = await h.cli([
      "ops",
      "leads",
      "refund-approve",
      recorded.refund.id,
      "--reason",
      "offer history shows the withdrawal",
      ...as,
    ])
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain(
      `refund claim ${recorded.refund.id} approved: ${recorded.refund.credits} credits back to ${loser}`,
    )
    expect(await credits(loser)).toBe(before + recorded.refund.credits)

    const again = await h.cli([
      "ops",
      "leads",
      "refund-approve",
      recorded.refund.id,
      "--reason",
      "double click",
      ...as,
    ])
    expect(again.code).not.toBe(0)
    expect(again.stderr).toContain(
      `error: cannot approve refund claim ${recorded.refund.id}: it is approved; approval needs the refund claim to be requested\n`,
    )
    expect(await credits(loser)).toBe(before + recorded.refund.credits)

    const audit = json<{ entries: Array<{ action: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--subject", recorded.refund.id, ...as, "--json"]),
    )
    expect(audit.entries.map((e) => [e.action, e.reason]).sort()).toEqual([
      ["lead_refund.approve", "offer history shows the withdrawal"],
      ["lead_refund.request", "provider called the help line"],
    ])
    const none = await h.cli(["ops", "leads", "refunds", "--state", "requested", ...as])
    expect(none.stdout).toContain("no requested refund claims")
  })

  it("rejects a claim without moving credits, and says why a claim is refused", async () => {
    h = makeHarness()
    const { winner, won, loser, lost } = await scene()

    // The winner got the contact: their lead did not expire.
    const refused = await h.cli([
      "ops",
      "leads",
      "refund-request",
      won.id,
      "--provider",
      winner,
      "--reason-code",
      "expired",
      "--reason",
      "phoned in",
      ...as,
    ])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain(`offer ${won.id} is accepted, not expired`)

    const badCode = await h.cli([
      "ops",
      "leads",
      "refund-request",
      won.id,
      "--provider",
      winner,
      "--reason-code",
      "changed_my_mind",
      "--reason",
      "x",
      ...as,
    ])
    expect(badCode.code).toBe(2)
    expect(badCode.stderr).toContain("--reason-code")

    const badOffer = await h.cli([
      "ops",
      "leads",
      "refund-request",
      "ofr_nope",
      "--provider",
      winner,
      "--reason-code",
      "invalid_contact",
      "--reason",
      "x",
      ...as,
    ])
    expect(badOffer.code).not.toBe(0)
    expect(badOffer.stderr).toContain('OFFER "ofr_nope"')

    // A duplicate claim names the earlier request: the refusal names the flag that does it.
    const duplicate = (...extra: ReadonlyArray<string>) =>
      h.cli([
        "ops",
        "leads",
        "refund-request",
        lost.id,
        "--provider",
        loser,
        "--reason-code",
        "duplicate_request",
        ...extra,
        "--reason",
        "phoned in",
        ...as,
      ])
    const unnamed = await duplicate()
    expect(unnamed.code).toBe(1)
    expect(unnamed.stderr).toBe(
      `error: --duplicate-of: request ${lost.requestId} is not a duplicate: name the earlier request it repeats\n`,
    )
    const itself = await duplicate("--duplicate-of", lost.requestId)
    expect(itself.code).toBe(1)
    expect(itself.stderr).toBe(
      `error: --duplicate-of: request ${lost.requestId} is not a duplicate: a request cannot duplicate itself\n`,
    )

    const claim = json<{ refund: RefundDoc }>(
      await h.cli([
        "ops",
        "leads",
        "refund-request",
        won.id,
        "--provider",
        winner,
        "--reason-code",
        "invalid_contact",
        "--reason",
        "phoned in",
        ...as,
        "--json",
      ]),
    )
    const before = await credits(winner)
    const rejected = json<{ refund: RefundDoc }>(
      await h.cli([
        "ops",
        "leads",
        "refund-reject",
        claim.refund.id,
        "--reason",
        "the homeowner answered our call",
        ...as,
        "--json",
      ]),
    )
    expect(rejected.refund).toMatchObject({
      state: "rejected",
      decidedBy: "alice",
      decisionReason: "the homeowner answered our call",
    })
    expect(await credits(winner)).toBe(before)

    const noReason = await h.cli(["ops", "leads", "refund-reject", claim.refund.id, ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")
    const unknown = await h.cli([
      "ops",
      "leads",
      "refund-approve",
      "lrf_bad",
      "--reason",
      "x",
      ...as,
    ])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('REFUND "lrf_bad"')

    // The queue holds what waits for a decision; --all shows decided claims too.
    const queue = json<{ refunds: Array<RefundDoc> }>(
      await h.cli(["ops", "leads", "refunds", ...as, "--json"]),
    )
    expect(queue.refunds).toEqual([])
    const all = json<{ refunds: Array<RefundDoc> }>(
      await h.cli(["ops", "leads", "refunds", "--all", ...as, "--json"]),
    )
    expect(all.refunds.map((r) => r.state)).toEqual(["rejected"])
    const both = await h.cli(["ops", "leads", "refunds", "--all", "--state", "approved", ...as])
    expect(both.code).toBe(2)
    expect(lost.providerId).toBe(loser)
  })

  it("--limit shows the first claims of the queue, and takes 1 to 1000 like every list", async () => {
    h = makeHarness()
    const { winner, won, loser, lost } = await scene()
    const claim = async (offerId: string, provider: string, code: string) =>
      json<{ refund: RefundDoc }>(
        await h.cli([
          ...["ops", "leads", "refund-request", offerId, "--provider", provider],
          ...["--reason-code", code, "--reason", "phoned in", ...as, "--json"],
        ]),
      ).refund
    await claim(lost.id, loser, "expired")
    await claim(won.id, winner, "invalid_contact")
    const list = async (...args: ReadonlyArray<string>) =>
      json<{ refunds: Array<RefundDoc> }>(
        await h.cli(["ops", "leads", "refunds", ...args, ...as, "--json"]),
      ).refunds.map((r) => r.id)

    const queue = await list()
    expect(queue).toHaveLength(2)
    expect(await list("--limit", "1")).toEqual(queue.slice(0, 1))
    expect(await list("--limit", "1000")).toEqual(queue)
    expect(await list("--all", "--limit", "1")).toEqual(queue.slice(0, 1))
    expect(await list("--state", "approved", "--limit", "1")).toEqual([])

    for (const bad of ["0", "1001", "2.5", "ten"]) {
      const refused = await h.cli(["ops", "leads", "refunds", "--limit", bad, ...as, "--json"])
      expect(refused.code).toBe(2)
      expect(refused.stdout).toBe("")
      expect(refused.stderr).toContain(
        `option '--limit <n>' argument '${bad}' is invalid. must be a whole number from 1 to 1000`,
      )
    }
  })
})
