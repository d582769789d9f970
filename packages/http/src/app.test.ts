import { afterEach, describe, expect, it } from "vitest"
import { API_KEY, bodyOf, makeTestApi, type TestApi } from "./test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

// Any authenticated route will do: a malformed id is answered without touching storage.
const probe = "/api/v1/applications/not-an-id"

describe("the API key", () => {
  it("is required: no Authorization header is 401 with a challenge", async () => {
    api = makeTestApi()
    const res = await api.request("GET", probe, { token: null })
    expect(res.status).toBe(401)
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /)
    expect(await bodyOf(res)).toMatchObject({ error: "unauthorized" })
  })

  it("must match: a wrong key is 401", async () => {
    api = makeTestApi()
    const res = await api.request("GET", probe, { token: `${API_KEY}x` })
    expect(res.status).toBe(401)
    expect((await bodyOf(res)).message).toContain("not a valid API key")
  })

  it("lets the right key reach the route", async () => {
    api = makeTestApi()
    const res = await api.request("GET", probe)
    expect(res.status).toBe(404)
    expect((await bodyOf(res)).error).toBe("application_not_found")
  })

  it("is checked before the body: an unauthenticated sign-up writes nothing", async () => {
    api = makeTestApi()
    const res = await api.request("POST", "/api/v1/parties", {
      token: null,
      json: { kind: "provider", phone: "+27821234567" },
    })
    expect(res.status).toBe(401)
    expect(await api.partyCount()).toBe(0)
  })

  it("when not configured, closes the API with 503 instead of opening it", async () => {
    api = makeTestApi({ apiKey: undefined })
    for (const token of [null, "", API_KEY]) {
      const res = await api.request("POST", "/api/v1/parties", {
        token,
        json: { kind: "provider", phone: "+27821234567" },
      })
      expect(res.status).toBe(503)
      const body = await bodyOf(res)
      expect(body.error).toBe("api_key_not_configured")
      expect(body.message).toContain("FUNDI_API_KEY is not set")
    }
    expect(await api.partyCount()).toBe(0)
  })
})

describe("the OpenAPI document", () => {
  it("is public and lists every path", async () => {
    api = makeTestApi({ apiKey: undefined })
    const res = await api.request("GET", "/api/v1/openapi.json", { token: null })
    expect(res.status).toBe(200)
    const doc = await bodyOf(res)
    expect(doc.openapi).toBe("3.1.0")
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/api/v1/parties",
        "/api/v1/parties/{partyId}",
        "/api/v1/parties/{partyId}/profile",
        "/api/v1/parties/{partyId}/applications",
        "/api/v1/applications/{applicationId}",
      ]),
    )
  })
})

describe("unknown routes", () => {
  it("answer JSON 404 outside the API", async () => {
    api = makeTestApi()
    const res = await api.request("GET", "/nope", { token: null })
    expect(res.status).toBe(404)
    expect(await bodyOf(res)).toEqual({ error: "not_found", message: "no route for GET /nope" })
  })

  it("answer JSON 404 inside the API once authenticated", async () => {
    api = makeTestApi()
    const res = await api.request("DELETE", "/api/v1/parties")
    expect(res.status).toBe(404)
    expect((await bodyOf(res)).error).toBe("not_found")
  })

  it("do not reveal the API's shape without a key", async () => {
    api = makeTestApi()
    expect((await api.request("GET", "/api/v1/secrets", { token: null })).status).toBe(401)
  })
})

describe("API responses", () => {
  it("are not cacheable", async () => {
    api = makeTestApi()
    const res = await api.request("GET", probe)
    expect(res.headers.get("Cache-Control")).toBe("no-store")
  })
})
