import { afterEach, describe, expect, it } from "vitest"
import { bodyOf, makeTestApi, type TestApi } from "../test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

describe("GET /api/v1/applications/:applicationId", () => {
  it("returns the application with its party", async () => {
    api = makeTestApi()
    const party = await bodyOf(
      await api.request("POST", "/api/v1/parties", {
        json: {
          kind: "provider",
          phone: "+27821234567",
          profile: {
            displayName: "Sipho Electrical",
            email: "sipho@example.com",
            categories: ["electrical"],
            serviceAreas: ["durban"],
            experienceYears: 12,
            bio: "Trips, wiring and compliance certificates.",
            documents: ["id/sipho.pdf"],
            availability: "any day",
          },
        },
      }),
    )
    const submitted = await api.request("POST", `/api/v1/parties/${party.id}/applications`)
    expect(submitted.status).toBe(201)
    const created = await bodyOf(submitted)

    const res = await api.request("GET", `/api/v1/applications/${created.id}`)
    expect(res.status).toBe(200)
    const body = await bodyOf(res)
    expect(body).toEqual(created)
    expect(body.party).toMatchObject({ id: party.id, phone: "+27821234567", kind: "provider" })
    expect(body.backgroundCheck).toBeNull()
    expect(body.rejectionReason).toBeNull()
  })

  it("answers 404 for an unknown id and for something that is not an id", async () => {
    api = makeTestApi()
    for (const id of ["app_00000000000000000000", "pty_00000000000000000000", "x"]) {
      const res = await api.request("GET", `/api/v1/applications/${id}`)
      expect(res.status, id).toBe(404)
      const body = await bodyOf(res)
      expect(body.error).toBe("application_not_found")
      expect(body.message).toBe(`no application with id ${id}`)
    }
  })
})
