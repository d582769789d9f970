import {
  creditsPreset,
  getParty,
  recordBackgroundCheck,
  requestBackgroundCheck,
  startReview,
} from "@fundi/core"
import { Effect, Schema } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { ApplicationResource, PartyResource } from "../representations.ts"
import { bodyOf, makeTestApi, type TestApi } from "../test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

const phone = "+27821234567"
const completeProfile = {
  displayName: "Thandi Plumbing",
  email: "thandi@example.com",
  categories: ["plumbing"],
  serviceAreas: ["cape-town"],
  experienceYears: 8,
  bio: "Geysers, leaks and blocked drains.",
  documents: ["id/thandi.pdf", "cert/plumbing.pdf"],
  availability: "weekdays 08:00-17:00",
}

const isIso = (s: unknown) =>
  typeof s === "string" && !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s

/** The response must be exactly the documented representation. */
const expectShape = <S extends Schema.Top>(schema: S, body: unknown) =>
  expect(() =>
    Schema.decodeUnknownSync(schema as never, { onExcessProperty: "error" })(body),
  ).not.toThrow()

const signUp = async (body: unknown = { kind: "provider", phone }) => {
  const res = await api.request("POST", "/api/v1/parties", { json: body })
  expect(res.status).toBe(201)
  return bodyOf(res)
}

const issuesOf = async (res: Response) => {
  expect(res.status).toBe(400)
  const body = await bodyOf(res)
  expect(body.error).toBe("invalid_input")
  return body.issues as Array<{ path: string; message: string }>
}

describe("POST /api/v1/parties", () => {
  it("signs a party up: 201, Location, the party as JSON with ISO times", async () => {
    api = makeTestApi()
    const res = await api.request("POST", "/api/v1/parties", {
      json: { kind: "provider", phone, profile: { displayName: "Thandi" } },
    })
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expect(res.headers.get("Location")).toBe(`/api/v1/parties/${body.id}`)
    expectShape(PartyResource, body)
    expect(body).toMatchObject({
      kind: "provider",
      phone,
      status: "pending",
      channel: "api",
      leadEligible: false,
      latestApplication: null,
    })
    expect(body.profile.displayName).toBe("Thandi")
    expect(body.profile.email).toBeNull()
    expect(isIso(body.createdAt)).toBe(true)
    expect(isIso(body.updatedAt)).toBe(true)
    expect(await api.partyCount()).toBe(1)
  })

  it("keeps a channel the caller names", async () => {
    api = makeTestApi()
    const body = await signUp({ kind: "customer", phone, channel: "whatsapp" })
    expect(body.channel).toBe("whatsapp")
  })

  it("refuses a phone that is already registered with 409", async () => {
    api = makeTestApi()
    const first = await signUp()
    const res = await api.request("POST", "/api/v1/parties", { json: { kind: "customer", phone } })
    expect(res.status).toBe(409)
    const body = await bodyOf(res)
    expect(body.error).toBe("phone_already_registered")
    expect(body.message).toContain(phone)
    expect(body.partyId).toBe(first.id)
    expect(await api.partyCount()).toBe(1)
  })

  it("names each bad field in a 400", async () => {
    api = makeTestApi()
    const missing = await issuesOf(await api.request("POST", "/api/v1/parties", { json: {} }))
    expect(missing).toEqual(
      expect.arrayContaining([
        { path: "kind", message: "is required" },
        { path: "phone", message: "is required" },
      ]),
    )

    const badPhone = await issuesOf(
      await api.request("POST", "/api/v1/parties", { json: { kind: "provider", phone: "12" } }),
    )
    expect(badPhone).toEqual([{ path: "phone", message: expect.stringContaining("E.164") }])

    const badKind = await issuesOf(
      await api.request("POST", "/api/v1/parties", { json: { kind: "plumber", phone } }),
    )
    expect(badKind.map((i) => i.path)).toEqual(["kind"])

    const unknownField = await issuesOf(
      await api.request("POST", "/api/v1/parties", {
        json: { kind: "provider", phone, nickname: "T" },
      }),
    )
    expect(unknownField).toEqual([{ path: "nickname", message: "is not a known field" }])

    const nested = await issuesOf(
      await api.request("POST", "/api/v1/parties", {
        json: { kind: "provider", phone, profile: { email: "nope", categories: ["Plumbing!"] } },
      }),
    )
    expect(nested.map((i) => i.path).sort()).toEqual(["profile.categories[0]", "profile.email"])
    expect(await api.partyCount()).toBe(0)
  })

  it("refuses a body that is not an object with 400", async () => {
    api = makeTestApi()
    for (const json of [[], "provider", 42, null, true]) {
      const res = await api.request("POST", "/api/v1/parties", { json })
      expect(res.status, JSON.stringify(json)).toBe(400)
      expect((await bodyOf(res)).error).toBe("invalid_input")
    }
  })

  it("says so when the JSON is malformed", async () => {
    api = makeTestApi()
    const res = await api.request("POST", "/api/v1/parties", {
      raw: '{"kind": "provider", "phone": ',
      headers: { "Content-Type": "application/json" },
    })
    expect(res.status).toBe(400)
    const body = await bodyOf(res)
    expect(body.error).toBe("malformed_json")
    expect(body.message).toContain("not valid JSON")
  })

  it("refuses a form post with 415", async () => {
    api = makeTestApi()
    const res = await api.request("POST", "/api/v1/parties", {
      raw: `kind=provider&phone=${encodeURIComponent(phone)}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    })
    expect(res.status).toBe(415)
    expect((await bodyOf(res)).error).toBe("unsupported_media_type")
  })

  it("refuses a body over 64 KB with 413 and writes nothing", async () => {
    api = makeTestApi()
    const res = await api.request("POST", "/api/v1/parties", {
      json: { kind: "provider", phone, profile: { bio: "x".repeat(70_000) } },
    })
    expect(res.status).toBe(413)
    expect((await bodyOf(res)).error).toBe("payload_too_large")
    expect(await api.partyCount()).toBe(0)
  })

  it("answers 503 when the database is down, and writes nothing", async () => {
    api = makeTestApi()
    const store = await api.store()
    await api.runtime.runPromise(store.setOffline(true))
    const res = await api.request("POST", "/api/v1/parties", { json: { kind: "provider", phone } })
    expect(res.status).toBe(503)
    expect(res.headers.get("Retry-After")).not.toBeNull()
    expect((await bodyOf(res)).error).toBe("persistence_unavailable")
    await api.runtime.runPromise(store.setOffline(false))
    expect(await api.partyCount()).toBe(0)
  })

  it("leaves nothing half-written when a write fails mid-way", async () => {
    api = makeTestApi()
    const store = await api.store()
    let failures = 0
    for (let writes = 0; writes < 6; writes++) {
      await api.runtime.runPromise(store.failAfterWrites(writes))
      const res = await api.request("POST", "/api/v1/parties", {
        json: { kind: "provider", phone: `+2782123450${writes}` },
      })
      await api.runtime.runPromise(store.failAfterWrites(undefined))
      if (res.status === 201) break // the sign-up needs fewer writes than this: all covered
      expect(res.status).toBe(503)
      expect(await api.partyCount()).toBe(0)
      failures++
    }
    // The sign-up writes the party, then its audit row and outbox messages: failing at
    // any of them must roll the party back.
    expect(failures).toBeGreaterThanOrEqual(2)
  })
})

describe("GET /api/v1/parties/:partyId", () => {
  it("returns the party as signed up", async () => {
    api = makeTestApi()
    const created = await signUp()
    const res = await api.request("GET", `/api/v1/parties/${created.id}`)
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expectShape(PartyResource, body)
    expect(body).toEqual(created)
  })

  it("answers 404 for an unknown id and for something that is not an id", async () => {
    api = makeTestApi()
    const unknown = await api.request("GET", "/api/v1/parties/pty_00000000000000000000")
    expect(unknown.status).toBe(404)
    expect(await bodyOf(unknown)).toMatchObject({
      error: "party_not_found",
      message: "no party with id pty_00000000000000000000",
    })
    const malformed = await api.request("GET", "/api/v1/parties/42")
    expect(malformed.status).toBe(404)
    expect((await bodyOf(malformed)).error).toBe("party_not_found")
  })
})

describe("PATCH /api/v1/parties/:partyId/profile", () => {
  it("updates the profile and returns the party", async () => {
    api = makeTestApi()
    const created = await signUp()
    const res = await api.request("PATCH", `/api/v1/parties/${created.id}/profile`, {
      json: { displayName: "Thandi", categories: ["plumbing", "geysers"] },
    })
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expectShape(PartyResource, body)
    expect(body.profile).toMatchObject({
      displayName: "Thandi",
      categories: ["plumbing", "geysers"],
    })
    expect(body.completeness).toBeGreaterThan(created.completeness)
    const again = await bodyOf(await api.request("GET", `/api/v1/parties/${created.id}`))
    expect(again.profile.categories).toEqual(["plumbing", "geysers"])
  })

  it("reports bad fields relative to the body", async () => {
    api = makeTestApi()
    const created = await signUp()
    const issues = await issuesOf(
      await api.request("PATCH", `/api/v1/parties/${created.id}/profile`, {
        json: { email: "not-an-email", experienceYears: 200, colour: "blue" },
      }),
    )
    expect(issues.map((i) => i.path).sort()).toEqual(["colour", "email", "experienceYears"])
    expect(issues.find((i) => i.path === "email")!.message).toContain("email")
    const unchanged = await bodyOf(await api.request("GET", `/api/v1/parties/${created.id}`))
    expect(unchanged).toEqual(created)
  })

  it("refuses a body that is not an object", async () => {
    api = makeTestApi()
    const created = await signUp()
    const issues = await issuesOf(
      await api.request("PATCH", `/api/v1/parties/${created.id}/profile`, { json: ["bio"] }),
    )
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toBe("")
  })

  it("answers 404 for an unknown party", async () => {
    api = makeTestApi()
    const res = await api.request("PATCH", "/api/v1/parties/pty_00000000000000000000/profile", {
      json: { displayName: "Nobody" },
    })
    expect(res.status).toBe(404)
  })

  it("needs a JSON body", async () => {
    api = makeTestApi()
    const created = await signUp()
    const res = await api.request("PATCH", `/api/v1/parties/${created.id}/profile`, {
      raw: "displayName=Thandi",
      headers: { "Content-Type": "text/plain" },
    })
    expect(res.status).toBe(415)
  })
})

describe("POST /api/v1/parties/:partyId/applications", () => {
  const submit = (partyId: string, options: Parameters<TestApi["request"]>[2] = {}) =>
    api.request("POST", `/api/v1/parties/${partyId}/applications`, options)

  const completeProvider = async () => signUp({ kind: "provider", phone, profile: completeProfile })

  it("submits an application: 201, Location, the application with its party", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    const res = await submit(party.id)
    expect(res.status).toBe(201)
    const body = await bodyOf(res)
    expectShape(ApplicationResource, body)
    expect(res.headers.get("Location")).toBe(`/api/v1/applications/${body.id}`)
    expect(body).toMatchObject({ partyId: party.id, role: "provider", state: "submitted" })
    expect(body.party.id).toBe(party.id)
    expect(isIso(body.submittedAt)).toBe(true)
    const view = await bodyOf(await api.request("GET", `/api/v1/parties/${party.id}`))
    expect(view.latestApplication.id).toBe(body.id)
  })

  it("accepts an empty JSON object as the body", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    expect((await submit(party.id, { json: {} })).status).toBe(201)
  })

  it("refuses fields in the body", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    const issues = await issuesOf(await submit(party.id, { json: { role: "provider" } }))
    expect(issues).toEqual([{ path: "role", message: "is not a known field" }])
  })

  it("refuses an incomplete profile with 422 naming what is missing", async () => {
    api = makeTestApi()
    const party = await signUp()
    const res = await submit(party.id)
    expect(res.status).toBe(422)
    const body = await bodyOf(res)
    expect(body.error).toBe("profile_incomplete")
    expect(body.missing.length).toBeGreaterThan(0)
    expect(body.minimum).toBe(creditsPreset.vetting.minimumCompleteness)
    expect(
      (await bodyOf(await api.request("GET", `/api/v1/parties/${party.id}`))).latestApplication,
    ).toBeNull()
  })

  it("refuses a second open application with 409", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    const first = await bodyOf(await submit(party.id))
    const res = await submit(party.id)
    expect(res.status).toBe(409)
    expect(await bodyOf(res)).toMatchObject({
      error: "application_already_open",
      applicationId: first.id,
    })
  })

  /** Runs the ops side in process: review, then a failed background check. */
  const failBackgroundCheck = (applicationId: string) =>
    api.runtime.runPromise(
      Effect.gen(function* () {
        const by = { applicationId, operator: "ops-anna", reason: "routine vetting" }
        yield* startReview(by)
        yield* requestBackgroundCheck(by)
        return yield* recordBackgroundCheck({ ...by, result: "failed" })
      }),
    )

  it("refuses to re-apply during the lockout with 409 and the ISO end", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    const first = await bodyOf(await submit(party.id))
    const rejected = await failBackgroundCheck(first.id)
    expect(rejected.state).toBe("rejected")

    const res = await submit(party.id)
    expect(res.status).toBe(409)
    const body = await bodyOf(res)
    expect(body.error).toBe("reapply_locked_out")
    expect(body.until).toBe(new Date(rejected.reapplyAfter!).toISOString())
    const view = await bodyOf(await api.request("GET", `/api/v1/parties/${party.id}`))
    expect(view.latestApplication.id).toBe(first.id)
  })

  it("re-applies once the cooldown is over", async () => {
    api = makeTestApi({
      policy: { ...creditsPreset, vetting: { ...creditsPreset.vetting, reapplyCooldownDays: 0 } },
    })
    const party = await completeProvider()
    const first = await bodyOf(await submit(party.id))
    await failBackgroundCheck(first.id)
    const res = await submit(party.id)
    expect(res.status).toBe(201)
    const second = await bodyOf(res)
    expect(second.id).not.toBe(first.id)
    expect(second.state).toBe("submitted")
  })

  it("refuses a customer where the policy does not vet customers with 409", async () => {
    api = makeTestApi({ policy: creditsPreset })
    expect(creditsPreset.vetting.vetCustomers).toBe(false)
    const customer = await signUp({ kind: "customer", phone, profile: completeProfile })
    const res = await submit(customer.id)
    expect(res.status).toBe(409)
    expect((await bodyOf(res)).error).toBe("vetting_not_required")
  })

  it("answers 404 for an unknown party", async () => {
    api = makeTestApi()
    const res = await submit("pty_00000000000000000000")
    expect(res.status).toBe(404)
    expect((await bodyOf(res)).error).toBe("party_not_found")
  })

  it("reads the party through the same use case the route uses", async () => {
    api = makeTestApi()
    const party = await completeProvider()
    await submit(party.id)
    const view = await api.runtime.runPromise(getParty({ partyId: party.id }))
    expect(view.latestApplication?.state).toBe("submitted")
  })
})
