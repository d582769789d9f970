import {
  acceptLead,
  dispatchRequest,
  getWallet,
  listLeadRefunds,
  previewLead,
  unlockLead,
} from "@fundi/core"
import { homeowner, readyRequest, vettedProvider } from "@fundi/core/testing"
import { Effect, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { bodyOf, makeTestApi, type TestApi } from "../test-support.ts"
import { LeadRefundResource } from "./lead-refunds.routes.ts"

/** Two providers unlocked one lead; the winner accepted, the loser's offer was withdrawn. */
const scene = (api: TestApi) =>
  api.runtime.runPromise(
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const winner = yield* vettedProvider(1, { credits: 50 })
      const loser = yield* vettedProvider(2, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const { offered } = yield* dispatchRequest({ requestId: request.id })
      for (const offer of offered) {
        yield* previewLead({ offerId: offer.id, providerId: offer.providerId })
        yield* unlockLead({ offerId: offer.id, providerId: offer.providerId })
      }
      const won = offered.find((o) => o.providerId === winner.id)!
      const lost = offered.find((o) => o.providerId === loser.id)!
      yield* acceptLead({ offerId: won.id, providerId: winner.id })
      return { winner: winner.id, loser: loser.id, won, lost, request }
    }),
  )

const claimPath = (offerId: string) => `/api/v1/offers/${offerId}/refund-claims`

describe("the refund claims API", () => {
  let api: TestApi
  afterEach(() => api.dispose())

  it("POST records a provider's claim (201) in the ops queue; nothing moves yet", async () => {
    api = makeTestApi()
    const { loser, lost, request } = await scene(api)
    const before = await api.runtime.runPromise(getWallet({ partyId: loser }))
    const res = await api.request("POST", claimPath(lost.id), {
      json: { providerId: loser, reason: "expired", note: "another provider got the job" },
    })
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expect(() =>
      Schema.decodeUnknownSync(LeadRefundResource, { onExcessProperty: "error" })(body),
    ).not.toThrow()
    expect(body).toMatchObject({
      offerId: lost.id,
      requestId: request.id,
      providerId: loser,
      reason: "expired",
      note: "another provider got the job",
      duplicateOf: null,
      state: "requested",
      decidedAt: null,
    })
    const queue = await api.runtime.runPromise(listLeadRefunds({ state: "requested" }))
    expect(queue.map((r) => r.id)).toEqual([body.id])
    const after = await api.runtime.runPromise(getWallet({ partyId: loser }))
    expect(after.credits).toBe(before.credits)

    const again = await api.request("POST", claimPath(lost.id), {
      json: { providerId: loser, reason: "expired" },
    })
    expect(again.status).toBe(409)
    expect(await bodyOf(again)).toMatchObject({
      error: "refund_already_claimed",
      offerId: lost.id,
      refundId: body.id,
    })
  })

  it("answers each failed precondition with its own code and status", async () => {
    api = makeTestApi()
    const { winner, won, loser, lost } = await scene(api)
    const cases = [
      [won.id, { providerId: winner, reason: "expired" }, 409, "lead_not_expired"],
      [lost.id, { providerId: loser, reason: "invalid_contact" }, 409, "contact_not_released"],
      [
        lost.id,
        { providerId: loser, reason: "withdrawn_before_contact" },
        409,
        "request_not_withdrawn",
      ],
      [lost.id, { providerId: loser, reason: "duplicate_request" }, 422, "not_a_duplicate"],
      // Someone else's offer is answered like an unknown one.
      [lost.id, { providerId: winner, reason: "expired" }, 404, "offer_not_found"],
      ["ofr_not-an-id", { providerId: loser, reason: "expired" }, 404, "offer_not_found"],
    ] as const
    for (const [offerId, json, status, error] of cases) {
      const res = await api.request("POST", claimPath(offerId), { json })
      expect([res.status, (await bodyOf(res)).error], `${offerId} ${json.reason}`).toEqual([
        status,
        error,
      ])
    }
    expect(await api.runtime.runPromise(listLeadRefunds({}))).toEqual([])
  })

  it("refuses a bad body field by field, and fields only ops may set", async () => {
    api = makeTestApi()
    const { loser, lost } = await scene(api)
    const res = await api.request("POST", claimPath(lost.id), {
      json: { providerId: "nobody", reason: "meh", operator: "thandi", offerId: lost.id },
    })
    expect(res.status).toBe(400)
    const paths = ((await bodyOf(res)).issues as Array<{ path: string }>).map((i) => i.path)
    expect(paths.sort()).toEqual(["offerId", "operator", "providerId", "reason"])
    const badDuplicate = await api.request("POST", claimPath(lost.id), {
      json: { providerId: loser, reason: "expired", duplicateOf: "req_x" },
    })
    expect(badDuplicate.status).toBe(400)
  })
})
