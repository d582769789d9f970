import { askClarification, listRequests, type PartyId, signUp } from "@fundi/core"
import { Schema } from "effect"
import fc from "fast-check"
import { afterAll, afterEach, describe, expect, it } from "vitest"
import { approvedProvider, bodyOf, makeTestApi, type TestApi } from "../test-support.ts"
import { RequestResource } from "./requests.routes.ts"

const expectShape = (body: unknown) =>
  expect(() =>
    Schema.decodeUnknownSync(RequestResource, { onExcessProperty: "error" })(body),
  ).not.toThrow()

const homeowner = (api: TestApi, phone: string): Promise<PartyId> =>
  api.runtime.runPromise(signUp({ kind: "customer", phone })).then((p) => p.id)

const geyser = (customerId: string) => ({
  customerId,
  category: "plumbing",
  description: "Geyser leaking through the ceiling",
  location: { area: "soweto", point: { lat: -26.24, lng: 27.85 }, street: "12 Vilakazi St" },
  mode: "in_person",
  urgency: "urgent",
  availability: [{ start: "2100-01-01T08:00:00Z", end: "2100-01-01T12:00:00Z" }],
  photos: ["photos/2026/03/ceiling.jpg"],
})

const issuesOf = async (res: Response) => {
  expect(res.status).toBe(400)
  return ((await bodyOf(res)).issues as Array<{ path: string; message: string }>).map(
    (i) => `${i.path}: ${i.message}`,
  )
}

describe("the requests API", () => {
  let api: TestApi
  afterEach(() => api.dispose())

  it("POST creates a submitted request (201, Location), GET returns it", async () => {
    api = makeTestApi()
    const customer = await homeowner(api, "+27821230001")
    const res = await api.request("POST", "/api/v1/requests", { json: geyser(customer) })
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expectShape(body)
    expect(body).toMatchObject({
      customerId: customer,
      state: "submitted",
      cohort: "live",
      availability: [{ start: "2100-01-01T08:00:00.000Z", end: "2100-01-01T12:00:00.000Z" }],
      location: { area: "soweto", point: { lat: -26.24, lng: 27.85 }, street: "12 Vilakazi St" },
      totalAmountMinor: null,
    })
    expect(res.headers.get("Location")).toBe(`/api/v1/requests/${body.id}`)
    const got = await api.request("GET", `/api/v1/requests/${body.id}`)
    expect(got.status).toBe(200)
    expect(await bodyOf(got)).toEqual(body)

    const virtual = await api.request("POST", "/api/v1/requests", {
      json: {
        ...geyser(customer),
        mode: "virtual",
        availability: "now",
        estimatedMinutes: 30,
        totalAmountMinor: "35000",
      },
    })
    expect(virtual.status).toBe(201)
    expect(await bodyOf(virtual)).toMatchObject({ availability: "now", totalAmountMinor: "35000" })
  })

  it("400 names each bad field; 404 and 409 say who may not ask", async () => {
    api = makeTestApi()
    const customer = await homeowner(api, "+27821230002")
    expect(
      await issuesOf(
        await api.request("POST", "/api/v1/requests", {
          json: { ...geyser(customer), mode: "virtual", urgency: "whenever", extra: 1 },
        }),
      ),
    ).toEqual(
      expect.arrayContaining([expect.stringMatching(/^urgency: /), "extra: is not a known field"]),
    )
    expect(
      await issuesOf(
        await api.request("POST", "/api/v1/requests", {
          json: { ...geyser(customer), mode: "virtual" },
        }),
      ),
    ).toEqual([
      "estimatedMinutes: is required for a virtual consultation",
      "totalAmountMinor: is required for a virtual consultation",
    ])
    expect(
      await issuesOf(
        await api.request("POST", "/api/v1/requests", {
          json: {
            ...geyser(customer),
            availability: [{ start: "2100-01-02T08:00:00Z", end: "2100-01-01T08:00:00Z" }],
          },
        }),
      ),
    ).toEqual(["availability[0].end: must be after start"])

    const unknown = await api.request("POST", "/api/v1/requests", {
      json: geyser("pty_00000000000000000000"),
    })
    expect(unknown.status).toBe(404)
    expect((await bodyOf(unknown)).error).toBe("party_not_found")
    const provider = await approvedProvider(api, "+27821230003")
    const notCustomer = await api.request("POST", "/api/v1/requests", { json: geyser(provider) })
    expect(notCustomer.status).toBe(409)
    expect(await bodyOf(notCustomer)).toMatchObject({
      error: "customer_not_active",
      kind: "provider",
    })
    expect(await api.runtime.runPromise(listRequests({}))).toEqual([])
  })

  it("the homeowner answers ops' question, then cancels; others get 404", async () => {
    api = makeTestApi()
    const customer = await homeowner(api, "+27821230004")
    const other = await homeowner(api, "+27821230005")
    const created = await bodyOf(
      await api.request("POST", "/api/v1/requests", { json: geyser(customer) }),
    )
    const early = await api.request("POST", `/api/v1/requests/${created.id}/answer`, {
      json: { customerId: customer, text: "The kitchen" },
    })
    expect(early.status).toBe(409)
    // The machine-readable fields keep the state machine's names; the message is in words.
    expect(await bodyOf(early)).toMatchObject({
      error: "transition_not_allowed",
      message: `cannot take the homeowner's answer on request ${created.id}: it is submitted; an answer needs the request to be needs_clarification`,
      from: "submitted",
      command: "Answer",
      allowedFrom: ["needs_clarification"],
    })

    await api.runtime.runPromise(
      askClarification({ requestId: created.id, operator: "thandi", question: "Which room?" }),
    )
    const shown = await bodyOf(await api.request("GET", `/api/v1/requests/${created.id}`))
    expect(shown).toMatchObject({
      state: "needs_clarification",
      clarificationQuestion: "Which room?",
    })

    const foreign = await api.request("POST", `/api/v1/requests/${created.id}/answer`, {
      json: { customerId: other, text: "Mine" },
    })
    expect(foreign.status).toBe(404)
    expect(await bodyOf(foreign)).toMatchObject({
      error: "request_not_found",
      requestId: created.id,
    })

    const answered = await api.request("POST", `/api/v1/requests/${created.id}/answer`, {
      json: { customerId: customer, text: "The kitchen" },
    })
    expect(answered.status).toBe(200)
    expect(await bodyOf(answered)).toMatchObject({
      state: "submitted",
      clarificationQuestion: null,
    })

    expect(
      await issuesOf(
        await api.request("POST", `/api/v1/requests/${created.id}/cancel`, {
          json: { reason: "fixed it", operator: "me" },
        }),
      ),
    ).toEqual(["operator: is not a known field"])
    expect(
      await issuesOf(
        await api.request("POST", `/api/v1/requests/${created.id}/cancel`, {
          json: { reason: "fixed it" },
        }),
      ),
    ).toEqual(["customerId: is required"])
    const cancelled = await api.request("POST", `/api/v1/requests/${created.id}/cancel`, {
      json: { customerId: customer, reason: "fixed it myself" },
    })
    expect(cancelled.status).toBe(200)
    const body = await bodyOf(cancelled)
    expectShape(body)
    expect(body).toMatchObject({ state: "cancelled", cancellationReason: "fixed it myself" })
  })

  it("an id that is not a request id is 404, like an unknown one", async () => {
    api = makeTestApi()
    for (const id of ["nope", "req_00000000000000000000"]) {
      const res = await api.request("GET", `/api/v1/requests/${id}`)
      expect(res.status).toBe(404)
      expect(await bodyOf(res)).toMatchObject({ error: "request_not_found", requestId: id })
    }
  })
})

describe("POST /api/v1/requests with any JSON", () => {
  const api = makeTestApi()
  afterAll(() => api.dispose())
  const customers: Array<string> = []

  const nearlyValid = fc.record(
    {
      customerId: fc.oneof(
        fc.constant("customer"),
        fc.constant("pty_00000000000000000000"),
        fc.string(),
      ),
      category: fc.constantFrom("plumbing", "Plumbing!", ""),
      description: fc.oneof(fc.constant("The geyser is leaking"), fc.string()),
      location: fc.oneof(
        fc.record(
          {
            area: fc.constantFrom("soweto", "", "Soweto Central"),
            point: fc.oneof(fc.record({ lat: fc.double(), lng: fc.double() }), fc.jsonValue()),
            street: fc.string(),
          },
          { requiredKeys: ["area"] },
        ),
        fc.jsonValue(),
      ),
      mode: fc.constantFrom("virtual", "in_person", "carrier-pigeon"),
      urgency: fc.constantFrom("low", "normal", "urgent", "emergency", "yesterday"),
      availability: fc.oneof(
        fc.constant("now"),
        fc.array(
          fc.record({
            start: fc.oneof(
              fc.integer(),
              fc.constantFrom("2100-01-01T08:00:00Z", "2026-02-30T08:00:00Z", "soon"),
              fc.double(),
            ),
            end: fc.oneof(fc.integer(), fc.constant("2100-01-01T12:00:00Z"), fc.jsonValue()),
          }),
          { maxLength: 7 },
        ),
        fc.jsonValue(),
      ),
      estimatedMinutes: fc.oneof(fc.integer({ min: -10, max: 600 }), fc.double()),
      totalAmountMinor: fc.oneof(
        fc.constantFrom("35000", "0", "-1", "1e5", "999999999999999999", "1000000000000000000"),
        fc.integer(),
      ),
      photos: fc.oneof(
        fc.array(fc.constantFrom("photos/a.jpg", "../x", "", "a//b")),
        fc.jsonValue(),
      ),
      channel: fc.constantFrom("whatsapp", "web", "fax"),
      unexpected: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )

  /** Valid requests, so the property reaches 201 too. */
  const valid = fc.record({
    // "customer" becomes a real homeowner (or the provider); the other id is unknown.
    customerId: fc.constantFrom("customer", "customer", "pty_00000000000000000000"),
    category: fc.constant("plumbing"),
    description: fc.constant("The geyser is leaking"),
    location: fc.constant({ area: "soweto" }),
    mode: fc.constant("in_person"),
    urgency: fc.constantFrom("low", "emergency"),
    availability: fc.constant("now"),
  })

  it("answers 201, 400, 404 or 409, never 5xx, and writes only on 201", async () => {
    customers.push(await homeowner(api, "+27821239999"))
    const provider = await approvedProvider(api, "+27821239998")
    const seen = new Set<number>()
    const count = () => api.runtime.runPromise(listRequests({})).then((r) => r.length)
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue(), nearlyValid, valid),
        fc.boolean(),
        async (json, asProvider) => {
          const body =
            typeof json === "object" &&
            json !== null &&
            !Array.isArray(json) &&
            json.customerId === "customer"
              ? { ...json, customerId: asProvider ? provider : customers[0] }
              : json
          const before = await count()
          const res = await api.request("POST", "/api/v1/requests", { json: body })
          const answer = await bodyOf(res)
          expect([201, 400, 404, 409]).toContain(res.status)
          seen.add(res.status)
          if (res.status === 400) expect(answer.issues.length).toBeGreaterThan(0)
          expect(await count()).toBe(res.status === 201 ? before + 1 : before)
        },
      ),
      { numRuns: 300 },
    )
    expect(api.logged).toEqual([])
    expect([...seen].sort()).toEqual([201, 400, 404, 409])
  })
})
