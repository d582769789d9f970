import {
  acceptLead,
  dispatchRequest,
  grantCredits,
  markReady,
  previewLead,
  submitRequest,
  unlockLead,
} from "@fundi/core"
import { Effect } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface OfferDoc {
  readonly id: string
  readonly requestId: string
  readonly providerId: string
  readonly state: string
  readonly creditsCharged: number | null
  readonly expiryCause: string | null
}

let h: Harness
afterEach(() => h.dispose())

const as = ["--as", "alice"]

/** A homeowner's request that ops have released for dispatch. */
const readyRequest = async () => {
  const customerId = await h.customer("+27820003001")
  return h.runtime.runPromise(
    Effect.gen(function* () {
      const request = yield* submitRequest({
        customerId,
        category: "plumbing",
        description: "Geyser leaking through the ceiling",
        location: { area: "soweto" },
        mode: "in_person",
        urgency: "urgent",
        availability: "now",
      })
      return yield* markReady({ requestId: request.id, operator: "setup" })
    }),
  )
}

describe("fundi ops dispatch run / ops leads show", () => {
  it("offers a ready request to the eligible providers, and shows each offer", async () => {
    h = makeHarness()
    const sipho = await h.provider("+27820003101", "Sipho Plumbing")
    const thabo = await h.provider("+27820003102", "Thabo Drains")
    const request = await readyRequest()

    const ran = json<{ request: { state: string }; decision: string; offered: Array<OfferDoc> }>(
      await h.cli([
        "ops",
        "dispatch",
        "run",
        request.id,
        ...as,
        "--reason",
        "urgent geyser",
        "--json",
      ]),
    )
    expect(ran.request.state).toBe("dispatching")
    expect(ran.decision).toBe("Offer")
    expect(ran.offered.map((o) => o.providerId).sort()).toEqual([sipho, thabo].sort())
    expect(ran.offered.every((o) => o.state === "offered" && o.requestId === request.id)).toBe(true)
    const audit = json<{ entries: Array<{ action: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--subject", request.id, ...as, "--json"]),
    )
    expect(audit.entries.find((e) => e.action === "request.dispatch")?.reason).toBe("urgent geyser")

    // Dispatching by hand is an ops change like any other: it needs a reason.
    const noReason = await h.cli(["ops", "dispatch", "run", request.id, ...as])
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toContain("--reason")

    // Run again: both offers are still in play, so nobody new is offered the lead.
    const again = await h.cli(["ops", "dispatch", "run", request.id, ...as, "--reason", "again"])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`request ${request.id} waits: 2 offer(s) still in play`)

    const offer = ran.offered[0]!
    const shown = json<{ offer: OfferDoc }>(
      await h.cli(["ops", "leads", "show", offer.id, ...as, "--json"]),
    )
    expect(shown.offer).toMatchObject({
      id: offer.id,
      providerId: offer.providerId,
      state: "offered",
      creditsCharged: null,
      expiryCause: null,
    })
    const text = await h.cli(["ops", "leads", "show", offer.id, ...as])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`offer:\\s+${offer.id}`))
    expect(text.stdout).toMatch(/state:\s+offered/)
  })

  it("requests show lists the request's offers, and after a cancel shows them withdrawn", async () => {
    h = makeHarness()
    const sipho = await h.provider("+27820003101", "Sipho Plumbing")
    const request = await readyRequest()
    const before = await h.cli(["ops", "requests", "show", request.id, ...as])
    expect(before.stdout).toContain("offers: none yet")
    await h.cli(["ops", "dispatch", "run", request.id, ...as, "--reason", "go"])

    const shown = json<{ request: { state: string }; offers: Array<OfferDoc> }>(
      await h.cli(["ops", "requests", "show", request.id, ...as, "--json"]),
    )
    expect(shown.request.state).toBe("dispatching")
    expect(shown.offers.map((o) => [o.providerId, o.state])).toEqual([[sipho, "offered"]])
    const text = await h.cli(["ops", "requests", "show", request.id, ...as])
    expect(text.stdout).toMatch(new RegExp(`${shown.offers[0]!.id}\\s+${sipho}\\s+offered`))

    await h.cli(["ops", "requests", "cancel", request.id, ...as, "--reason", "homeowner phoned"])
    const after = await h.cli(["ops", "requests", "show", request.id, ...as])
    expect(after.stdout).toMatch(new RegExp(`${sipho}\\s+expired \\(withdrawn\\)`))
  })

  it("refuses an unknown request or offer, and a request not yet reviewed", async () => {
    h = makeHarness()
    const missing = await h.cli([
      "ops",
      "dispatch",
      "run",
      "req_00000000000000000000",
      ...as,
      "--reason",
      "x",
    ])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain("error: no request with id req_00000000000000000000")

    const customerId = await h.customer("+27820003002")
    const submitted = await h.runtime.runPromise(
      submitRequest({
        customerId,
        category: "plumbing",
        description: "Blocked drain",
        location: { area: "soweto" },
        mode: "in_person",
        urgency: "normal",
        availability: "now",
      }),
    )
    const early = await h.cli(["ops", "dispatch", "run", submitted.id, ...as, "--reason", "x"])
    expect(early.code).not.toBe(0)
    expect(early.stderr).toBe(
      `error: cannot dispatch request ${submitted.id}: it is submitted; dispatch needs the request to be ready or dispatching\n` +
        "hint: review it first: `fundi ops requests ready ID --reason TEXT` releases it for dispatch\n",
    )

    const noOffer = await h.cli(["ops", "leads", "show", "ofr_00000000000000000000", ...as])
    expect(noOffer.code).not.toBe(0)
    expect(noOffer.stderr).toContain("error: no offer ofr_00000000000000000000")
  })

  it("refuses to dispatch an assigned request in words, not the state machine's command names", async () => {
    h = makeHarness()
    const sipho = await h.provider("+27820003101", "Sipho Plumbing")
    const request = await readyRequest()
    await h.runtime.runPromise(
      Effect.gen(function* () {
        yield* grantCredits({ partyId: sipho, credits: 50, operator: "setup", reason: "scene" })
        const { offered } = yield* dispatchRequest({ requestId: request.id })
        const ref = { offerId: offered[0]!.id, providerId: sipho }
        yield* previewLead(ref)
        yield* unlockLead(ref)
        yield* acceptLead(ref)
      }),
    )
    for (const json of [[], ["--json"]]) {
      const refused = await h.cli([
        "ops",
        "dispatch",
        "run",
        request.id,
        ...as,
        "--reason",
        "again",
        ...json,
      ])
      expect(refused.code).toBe(1)
      expect(refused.stdout).toBe("")
      expect(refused.stderr).toBe(
        `error: cannot dispatch request ${request.id}: it is assigned; dispatch needs the request to be ready or dispatching\n` +
          `hint: a request that is assigned is closed for good; \`fundi ops requests show ID\` shows its offers\n`,
      )
      expect(refused.stderr).not.toMatch(/StartDispatch/)
    }
  })
})
