import { Hono } from "hono"
import { describe, expect, it } from "vitest"
import { isJsonMediaType, type JsonBodyEnv, jsonBody } from "./json-body.ts"

const echo = (options: Parameters<typeof jsonBody>[0] = {}) => {
  const app = new Hono<JsonBodyEnv>()
  app.post("/echo", jsonBody(options), (c) => c.json({ received: c.var.jsonBody ?? "nothing" }))
  return app
}

const post = (app: Hono<JsonBodyEnv>, body: RequestInit["body"], headers: Record<string, string>) =>
  app.request("/echo", {
    method: "POST",
    ...(body === undefined || body === null ? {} : { body }),
    headers,
  })

const errorOf = async (res: Response) => (await res.json()) as { error: string; message: string }

describe("jsonBody", () => {
  const app = echo({ maxBytes: 1024 })
  const json = { "Content-Type": "application/json" }

  it("hands the parsed body to the route", async () => {
    const res = await post(app, JSON.stringify({ a: [1, "two"] }), json)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: { a: [1, "two"] } })
  })

  it("accepts a charset parameter and +json types", async () => {
    expect(
      (await post(app, "{}", { "Content-Type": "application/json; charset=utf-8" })).status,
    ).toBe(200)
    expect((await post(app, "{}", { "Content-Type": "application/merge-patch+json" })).status).toBe(
      200,
    )
  })

  it("refuses other media types with 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
      const res = await post(app, "a=1", { "Content-Type": type })
      expect(res.status).toBe(415)
      expect((await errorOf(res)).error).toBe("unsupported_media_type")
    }
  })

  it("refuses a body without a Content-Type with 415", async () => {
    const res = await post(app, "{}", {})
    expect(res.status).toBe(415)
    expect((await errorOf(res)).message).toContain("application/json")
  })

  it("refuses a body over the limit with 413, declared or not", async () => {
    const big = JSON.stringify({ bio: "x".repeat(2000) })
    const declared = await post(app, big, json)
    expect(declared.status).toBe(413)
    expect((await errorOf(declared)).error).toBe("payload_too_large")

    // A streamed body has no Content-Length: the limit is enforced while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(200)))
        controller.close()
      },
    })
    const streamed = await app.request("/echo", {
      method: "POST",
      body: stream,
      headers: json,
      duplex: "half",
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })

  it("accepts a body exactly at the limit", async () => {
    const body = `{"a":"${"x".repeat(1024 - 8)}"}`
    expect(new TextEncoder().encode(body).byteLength).toBe(1024)
    expect((await post(app, body, json)).status).toBe(200)
  })

  it("says so when the JSON is malformed", async () => {
    for (const body of ["{", "{'a':1}", '{"a":}', "undefined", "[1,]"]) {
      const res = await post(app, body, json)
      expect(res.status).toBe(400)
      const error = await errorOf(res)
      expect(error.error).toBe("malformed_json")
      expect(error.message).toContain("not valid JSON")
    }
  })

  it("says so when the body is empty", async () => {
    const res = await post(app, "", json)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain("empty")
  })

  it("refuses bytes that are not UTF-8", async () => {
    const res = await post(app, new Uint8Array([0x7b, 0xff, 0x7d]), json)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).error).toBe("malformed_json")
  })

  describe("optional", () => {
    const optional = echo({ optional: true })

    it("accepts no body at all, with or without a Content-Type", async () => {
      expect(await (await post(optional, undefined, {})).json()).toEqual({ received: "nothing" })
      expect(await (await post(optional, undefined, json)).json()).toEqual({ received: "nothing" })
    })

    it("still requires JSON when a body is sent", async () => {
      expect((await post(optional, "{}", {})).status).toBe(415)
      expect((await post(optional, "{}", { "Content-Type": "text/plain" })).status).toBe(415)
      expect((await post(optional, "{", json)).status).toBe(400)
      expect(await (await post(optional, '{"x":1}', json)).json()).toEqual({ received: { x: 1 } })
    })
  })
})

describe("isJsonMediaType", () => {
  it("recognises JSON media types only", () => {
    expect(isJsonMediaType("application/json")).toBe(true)
    expect(isJsonMediaType("Application/JSON; charset=UTF-8")).toBe(true)
    expect(isJsonMediaType("application/problem+json")).toBe(true)
    expect(isJsonMediaType("application/jsonx")).toBe(false)
    expect(isJsonMediaType("text/json+html")).toBe(false)
    expect(isJsonMediaType("")).toBe(false)
  })
})
