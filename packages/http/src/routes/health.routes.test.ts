import { Health } from "@fundi/core"
import { layerInMemory } from "@fundi/core/testing"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { bodyOf, makeTestApi, type TestApi } from "../test-support.ts"

let api: TestApi
afterEach(() => api.dispose())

describe("GET /healthz", () => {
  it("answers 200 ok when the database answers, without a key", async () => {
    api = makeTestApi()
    const res = await api.request("GET", "/healthz", { token: null })
    expect(res.status).toBe(200)
    expect(await bodyOf(res)).toEqual({ status: "ok" })
    expect(res.headers.get("Cache-Control")).toBe("no-store")
  })

  it("answers 200 even when the API has no key configured", async () => {
    api = makeTestApi({ apiKey: undefined })
    expect((await api.request("GET", "/healthz", { token: null })).status).toBe(200)
  })

  it("answers 503 with the reason when the database is down", async () => {
    api = makeTestApi()
    await api.runtime.runPromise((await api.store()).setOffline(true))
    const res = await api.request("GET", "/healthz", { token: null })
    expect(res.status).toBe(503)
    const body = await bodyOf(res)
    expect(body.status).toBe("unavailable")
    expect(body.reason).toContain("the database is unavailable")
  })

  it("answers 503 without internals when the check itself breaks, and logs it", async () => {
    const broken = Layer.succeed(
      Health,
      Health.of({ checkDatabase: Effect.die(new Error("pool exploded")) }),
    )
    api = makeTestApi({ layer: Layer.merge(layerInMemory(), broken) })
    const res = await api.request("GET", "/healthz", { token: null })
    expect(res.status).toBe(503)
    const body = await bodyOf(res)
    expect(body.reason).not.toContain("pool exploded")
    expect(api.logged).toHaveLength(1)
    expect(body.reason).toContain(api.logged[0]!.errorId)
    expect(api.logged[0]!.detail).toContain("pool exploded")
  })
})
