import { Hono } from "hono"
import { afterEach, describe, expect, it } from "vitest"
import { type RunningServer, startServer } from "./server.ts"
import { API_KEY, makeTestApi, type TestApi } from "./test-support.ts"

const deferred = <A = void>() => {
  let resolve!: (a: A) => void
  const promise = new Promise<A>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

const started: Array<RunningServer> = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()))
})

const start = async (app: Hono, port = 0) => {
  const server = await startServer(app, { port, hostname: "127.0.0.1" })
  started.push(server)
  return server
}

describe("startServer", () => {
  it("listens on a random port when given 0 and serves the app", async () => {
    const app = new Hono()
    app.get("/ping", (c) => c.json({ pong: true }))
    const server = await start(app)
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    const res = await fetch(`${server.url}/ping`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ pong: true })
  })

  it("answers a request whose headers are over Node's limit with a readable 431, not an empty one", async () => {
    const app = new Hono()
    app.get("/l/:token", (c) => c.text("page"))
    const server = await start(app)
    const res = await fetch(`${server.url}/l/${"t".repeat(20_000)}`)
    expect(res.status).toBe(431)
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    expect(await res.text()).toMatch(/too long\. Check the link you opened/)
    // The server still serves the next request.
    expect((await fetch(`${server.url}/l/short`)).status).toBe(200)
  })

  it("answers broken HTTP with a readable 400", async () => {
    const server = await start(new Hono())
    const { connect } = await import("node:net")
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, "127.0.0.1", () =>
        socket.write("NOT HTTP AT ALL\r\n\r\n"),
      )
      let text = ""
      socket.on("data", (chunk) => {
        text += chunk.toString()
      })
      socket.on("end", () => resolve(text))
      socket.on("error", reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(answer).toMatch(/could not be read/)
  })

  it("rejects when the port is taken", async () => {
    const first = await start(new Hono())
    await expect(
      startServer(new Hono(), { port: first.port, hostname: "127.0.0.1" }),
    ).rejects.toThrow(/EADDRINUSE/)
  })

  it("lets a request in flight finish before close resolves, then refuses new ones", async () => {
    const reached = deferred()
    const release = deferred()
    const app = new Hono()
    app.get("/slow", async (c) => {
      reached.resolve()
      await release.promise
      return c.json({ done: true })
    })
    const server = await startServer(app, { port: 0, hostname: "127.0.0.1" })
    const inFlight = fetch(`${server.url}/slow`)
    await reached.promise

    let closed = false
    const closing = server.close().then(() => {
      closed = true
    })
    // close() must wait for the request; it cannot have resolved yet.
    await Promise.resolve()
    expect(closed).toBe(false)

    release.resolve()
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: true })
    await closing
    expect(closed).toBe(true)
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow()
    // Closing twice is harmless.
    await server.close()
  })
})

describe("startServer with makeApp options", () => {
  let api: TestApi
  afterEach(() => api.dispose())

  it("serves the JSON API over real HTTP", async () => {
    api = makeTestApi()
    const server = await startServer(
      { runtime: api.runtime, apiKey: API_KEY, logError: (e) => api.logged.push(e) },
      { port: 0, hostname: "127.0.0.1" },
    )
    started.push(server)
    const auth = { Authorization: `Bearer ${API_KEY}` }

    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(200)

    const unauthorized = await fetch(`${server.url}/api/v1/parties`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "customer", phone: "+27831234567" }),
    })
    expect(unauthorized.status).toBe(401)

    const created = await fetch(`${server.url}/api/v1/parties`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "customer", phone: "+27831234567" }),
    })
    expect(created.status).toBe(201)
    const location = created.headers.get("Location")!
    const party = (await created.json()) as { id: string }
    expect(location).toBe(`/api/v1/parties/${party.id}`)

    const fetched = await fetch(`${server.url}${location}`, { headers: auth })
    expect(fetched.status).toBe(200)
    expect(((await fetched.json()) as { id: string }).id).toBe(party.id)

    const tooLarge = await fetch(`${server.url}/api/v1/parties`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ kind: "customer", phone: "+27831234568", pad: "x".repeat(100_000) }),
    })
    expect(tooLarge.status).toBe(413)
    expect(api.logged).toEqual([])
  })
})
