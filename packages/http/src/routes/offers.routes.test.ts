import { dispatchRequest, previewLead, proposeTimes, signUp, unlockLead } from "@fundi/core"
import { homeowner, readyRequest, vettedProvider } from "@fundi/core/testing"
import { Effect, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { bodyOf, makeTestApi, type TestApi } from "../test-support.ts"
import { OfferAnswerResource } from "./offers.routes.ts"

const HOUR = 3_600_000
/** Tomorrow, on the hour: proposed times must be in the near future (proposeDaysAhead). */
const tomorrow = Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR
const slot = (h: number) => ({ start: tomorrow + h * HOUR, end: tomorrow + (h + 1) * HOUR })

const expectShape = (body: unknown) =>
  expect(() =>
    Schema.decodeUnknownSync(OfferAnswerResource, { onExcessProperty: "error" })(body),
  ).not.toThrow()

/** A homeowner whose request's first offer has three proposed times waiting for an answer. */
const proposed = (api: TestApi) =>
  api.runtime.runPromise(
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1, { credits: 50 })
      yield* vettedProvider(2, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      const ref = { offerId: offer.id, providerId: offer.providerId }
      yield* previewLead(ref)
      yield* unlockLead(ref)
      yield* proposeTimes({ ...ref, slots: [slot(1), slot(3), slot(5)] })
      return { customerId: customer.id, offerId: offer.id, requestId: request.id }
    }),
  )

describe("the offers API (homeowner answers proposed times)", () => {
  let api: TestApi
  afterEach(() => api.dispose())

  it("POST choose-time accepts the offer at that time and assigns the request", async () => {
    api = makeTestApi()
    const { customerId, offerId, requestId } = await proposed(api)
    const res = await api.request("POST", `/api/v1/offers/${offerId}/choose-time`, {
      json: { customerId, slot: 2 },
    })
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expectShape(body)
    expect(body).toEqual({
      offerId,
      requestId,
      state: "accepted",
      chosenSlot: {
        start: new Date(slot(5).start).toISOString(),
        end: new Date(slot(5).end).toISOString(),
      },
      requestState: "assigned",
    })
    const again = await api.request("POST", `/api/v1/offers/${offerId}/choose-time`, {
      json: { customerId, slot: 0 },
    })
    expect(again.status).toBe(409)
    expect((await bodyOf(again)).error).toBe("lead_already_assigned")
  })

  it("POST reject-times declines the offer and dispatch moves on", async () => {
    api = makeTestApi()
    const { customerId, offerId } = await proposed(api)
    const res = await api.request("POST", `/api/v1/offers/${offerId}/reject-times`, {
      json: { customerId },
    })
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expectShape(body)
    expect(body).toMatchObject({ state: "declined", chosenSlot: null, requestState: "dispatching" })
  })

  it("someone else's offer, an unknown one and a malformed id are all 404 offer_not_found", async () => {
    api = makeTestApi()
    const { offerId } = await proposed(api)
    const stranger = await api.runtime.runPromise(
      signUp({ kind: "customer", phone: "+27839990000" }).pipe(Effect.map((p) => p.id)),
    )
    for (const [id, customerId] of [
      [offerId, stranger],
      ["ofr_00000000000000000000", stranger],
      ["nonsense", stranger],
    ] as const) {
      const res = await api.request("POST", `/api/v1/offers/${id}/reject-times`, {
        json: { customerId },
      })
      expect(res.status).toBe(404)
      const body = await bodyOf(res)
      expect(body.error).toBe("offer_not_found")
      expect(JSON.stringify(body)).not.toContain("req_")
    }
  })

  it("bad bodies are 400 with field issues", async () => {
    api = makeTestApi()
    const { customerId, offerId } = await proposed(api)
    const bad = await api.request("POST", `/api/v1/offers/${offerId}/choose-time`, {
      json: { customerId, slot: 3, offerId },
    })
    expect(bad.status).toBe(400)
    expect((await bodyOf(bad)).issues).toEqual([
      { path: "offerId", message: "is not a known field" },
    ])
    const slotOut = await api.request("POST", `/api/v1/offers/${offerId}/choose-time`, {
      json: { customerId, slot: 3 },
    })
    expect(slotOut.status).toBe(400)
    expect(JSON.stringify(await bodyOf(slotOut))).toContain("slot")
  })
})
