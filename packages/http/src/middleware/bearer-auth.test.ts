import { Hono } from "hono"
import { describe, expect, it } from "vitest"
import { bearerAuth, tokenMatches } from "./bearer-auth.ts"

const appWith = (key: string | undefined) => {
  const app = new Hono()
  app.use("*", bearerAuth(key))
  app.get("/secret", (c) => c.json({ ok: true }))
  return app
}

const get = (app: Hono, authorization?: string) =>
  app.request(
    "/secret",
    authorization === undefined ? {} : { headers: { Authorization: authorization } },
  )

describe("bearerAuth", () => {
  const app = appWith("s3cret-key")

  it("lets the right key through", async () => {
    const res = await get(app, "Bearer s3cret-key")
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
  })

  it("accepts the scheme in any case", async () => {
    expect((await get(app, "bearer s3cret-key")).status).toBe(200)
  })

  it("refuses a missing header with 401, a challenge and a JSON reason", async () => {
    const res = await get(app)
    expect(res.status).toBe(401)
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="fundi"')
    const body = (await res.json()) as { error: string; message: string }
    expect(body.error).toBe("unauthorized")
    expect(body.message).toContain("Authorization: Bearer")
  })

  it("refuses a wrong key", async () => {
    const res = await get(app, "Bearer s3cret-kez")
    expect(res.status).toBe(401)
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"')
    expect(((await res.json()) as { error: string }).error).toBe("unauthorized")
  })

  it("refuses a prefix or extension of the key", async () => {
    expect((await get(app, "Bearer s3cret")).status).toBe(401)
    expect((await get(app, "Bearer s3cret-key-and-more")).status).toBe(401)
  })

  it("refuses other schemes and malformed headers", async () => {
    expect((await get(app, "Basic czNjcmV0LWtleQ==")).status).toBe(401)
    expect((await get(app, "s3cret-key")).status).toBe(401)
    expect((await get(app, "Bearer")).status).toBe(401)
    expect((await get(app, "Bearer a b")).status).toBe(401)
  })

  it("answers 503 when no key is configured, whatever is sent", async () => {
    for (const key of [undefined, "", "   "]) {
      const closed = appWith(key)
      for (const header of [undefined, "Bearer ", "Bearer anything", `Bearer ${key}`]) {
        const res = await get(closed, header)
        expect(res.status).toBe(503)
        const body = (await res.json()) as { error: string; message: string }
        expect(body.error).toBe("api_key_not_configured")
        expect(body.message).toContain("FUNDI_API_KEY is not set")
      }
    }
  })
})

describe("tokenMatches", () => {
  it("is true only for the same text", () => {
    expect(tokenMatches("abc", "abc")).toBe(true)
    expect(tokenMatches("abc", "abd")).toBe(false)
    expect(tokenMatches("", "abc")).toBe(false)
    expect(tokenMatches("ab", "abc")).toBe(false)
  })
})
