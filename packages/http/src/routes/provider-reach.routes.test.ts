import { afterEach, describe, expect, it } from "vitest"
import { approvedProvider, bodyOf, makeTestApi, type TestApi } from "../test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

const reach = {
  base: { point: { lat: -26.2041, lng: 28.0473 }, radiusKm: 12 },
  availability: {
    _tag: "windows",
    windows: [{ start: 1_790_000_000_000, end: 1_790_003_600_000 }],
  },
  maxOpenAssignments: 2,
  operator: "thandi",
  reason: "provider phoned in their hours",
}

describe("PUT /api/v1/parties/:partyId/reach", () => {
  it("stores the reach and answers with it; a second PUT replaces it", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821110001")
    const res = await api.request("PUT", `/api/v1/parties/${partyId}/reach`, { json: reach })
    expect(res.status).toBe(200)
    const { operator: _o, reason: _r, ...stored } = reach
    expect(await bodyOf(res)).toEqual({ providerId: partyId, ...stored })

    const always = { ...reach, availability: { _tag: "always" } }
    const again = await api.request("PUT", `/api/v1/parties/${partyId}/reach`, { json: always })
    expect(again.status).toBe(200)
    expect(await bodyOf(again)).toMatchObject({ availability: { _tag: "always" } })
  })

  it("400 names each bad field, including a providerId in the body; 404 for unknown ids", async () => {
    api = makeTestApi()
    const partyId = await approvedProvider(api, "+27821110001")
    const bad = await api.request("PUT", `/api/v1/parties/${partyId}/reach`, {
      json: {
        ...reach,
        providerId: partyId,
        maxOpenAssignments: 0,
        base: { ...reach.base, radiusKm: -1 },
      },
    })
    expect(bad.status).toBe(400)
    const paths = ((await bodyOf(bad)).issues as Array<{ path: string }>).map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(["providerId", "maxOpenAssignments", "base.radiusKm"]),
    )

    for (const id of ["pty_00000000000000000000", "not-an-id"]) {
      const missing = await api.request("PUT", `/api/v1/parties/${id}/reach`, { json: reach })
      expect(missing.status).toBe(404)
    }
  })

  it("is in the OpenAPI document", async () => {
    api = makeTestApi()
    const doc = await bodyOf(await api.request("GET", "/api/v1/openapi.json"))
    expect(
      (doc.paths as Record<string, { put?: { operationId: string } }>)[
        "/api/v1/parties/{partyId}/reach"
      ]?.put?.operationId,
    ).toBe("setProviderReach")
  })
})
