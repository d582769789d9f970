import { markReady, submitRequest } from "@fundi/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

let h: Harness
afterEach(() => h.dispose())

const as = ["--as", "alice"]

/** A ready electrical request: the harness's providers only do plumbing. */
const readyElectricalRequest = async () => {
  const customerId = await h.customer("+27820004001")
  return h.runtime.runPromise(
    Effect.gen(function* () {
      const request = yield* submitRequest({
        customerId,
        category: "electrical",
        description: "The kitchen circuit keeps tripping",
        location: { area: "soweto" },
        mode: "in_person",
        urgency: "urgent",
        availability: "now",
      })
      return yield* markReady({ requestId: request.id, operator: "setup" })
    }),
  )
}

describe("fundi ops dispatch override", () => {
  it("offers the request to the named provider, says what it bypassed, and audits it", async () => {
    h = makeHarness()
    const sipho = await h.provider("+27820004101", "Sipho Plumbing")
    const request = await readyElectricalRequest()
    const cmd = ["ops", "dispatch", "override", request.id, "--provider", sipho, ...as]

    const done = json<{
      request: { state: string }
      offer: { id: string; providerId: string; state: string }
      bypassed: Array<string>
    }>(await h.cli([...cmd, "--reason", "Sipho is a qualified electrician too", "--json"]))
    expect(done.request.state).toBe("dispatching")
    expect(done.offer).toMatchObject({ providerId: sipho, state: "offered" })
    expect(done.bypassed).toEqual(["category"])

    const audit = json<{ entries: Array<{ action: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--subject", done.offer.id, ...as, "--json"]),
    )
    expect(audit.entries.map((e) => [e.action, e.reason])).toEqual([
      ["offer.override", "Sipho is a qualified electrician too"],
    ])

    // The same provider twice is refused by name, in words.
    const twice = await h.cli([...cmd, "--reason", "again"])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toContain(
      `provider ${sipho} is not eligible, already offered this request`,
    )
    expect(twice.stderr).not.toContain("already_offered")
  })

  it("refuses a provider failing the application gate, and needs --provider and --reason", async () => {
    h = makeHarness()
    const { partyId } = await h.applicant("+27820004102", "Thabo Unvetted")
    const request = await readyElectricalRequest()
    const refused = await h.cli([
      "ops",
      "dispatch",
      "override",
      request.id,
      "--provider",
      partyId,
      ...as,
      "--reason",
      "try",
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("is not eligible, not cleared to receive leads")
    expect(refused.stderr).not.toContain("not_lead_eligible")

    // The homeowner's own id is not a provider's: said so, not "application none".
    const customerId = request.customerId
    const homeowner = await h.cli([
      ...["ops", "dispatch", "override", request.id, "--provider", customerId],
      ...[...as, "--reason", "try"],
    ])
    expect(homeowner.code).toBe(1)
    expect(homeowner.stderr).toBe(
      `error: party ${customerId} is not a provider: it is a homeowner\n` +
        "hint: `fundi ops providers list` lists providers\n",
    )

    const text = await h.cli(["ops", "dispatch", "override", request.id, ...as, "--reason", "x"])
    expect(text.code).toBe(2)
    expect(text.stderr).toContain("--provider")
    const noReason = await h.cli([
      "ops",
      "dispatch",
      "override",
      request.id,
      "--provider",
      partyId,
      ...as,
    ])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")

    const badId = await h.cli([
      "ops",
      "dispatch",
      "override",
      request.id,
      "--provider",
      "nobody",
      ...as,
      "--reason",
      "x",
    ])
    expect(badId.code).toBe(1)
    expect(badId.stderr).toContain("--provider")
  })
})
