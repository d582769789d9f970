import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { MediaSource } from "@fundi/core"
import { Effect, Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { layerMediaSourceGraph } from "./media-source.graph.ts"

interface Seen {
  readonly method: string
  readonly path: string
  readonly authorization: string | undefined
}

/** A tiny Graph API on loopback: /v23.0/{id} -> {url}, /files/{id} -> bytes. */
const startGraph = async (
  handler: (
    req: IncomingMessage,
    base: string,
  ) => { status: number; type: string; body: string | Uint8Array },
) => {
  const seen: Array<Seen> = []
  let base = ""
  const server: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
    })
    const answer = handler(req, base)
    res.writeHead(answer.status, { "Content-Type": answer.type })
    res.end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  servers.push(server)
  return { base, seen }
}

const servers: Array<Server> = []
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  )
})

const TOKEN = "graph-test-token"
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])

const fetchMedia = (graphUrl: string, mediaId: string) =>
  Effect.runPromise(
    Effect.flatMap(MediaSource, (source) => source.fetch(mediaId)).pipe(
      Effect.provide(layerMediaSourceGraph({ graphUrl, accessToken: Redacted.make(TOKEN) })),
      Effect.result,
    ),
  )

describe("MediaSource on the Graph API", () => {
  it("asks /{media-id} for the url, then downloads it, both with the bearer token", async () => {
    const { base, seen } = await startGraph((req, b) =>
      req.url === "/v23.0/1003383421387256"
        ? {
            status: 200,
            type: "application/json",
            body: JSON.stringify({
              messaging_product: "whatsapp",
              url: `${b}/files/1003383421387256?hash=x`,
              mime_type: "image/png",
              sha256: "abc",
              file_size: PNG.length,
              id: "1003383421387256",
            }),
          }
        : { status: 200, type: "image/png", body: PNG },
    )
    const result = await fetchMedia(`${base}/v23.0`, "1003383421387256")
    expect(result._tag).toBe("Success")
    if (result._tag === "Success") {
      expect(result.success.mimeType).toBe("image/png")
      expect([...result.success.bytes]).toEqual([...PNG])
    }
    expect(seen).toEqual([
      { method: "GET", path: "/v23.0/1003383421387256", authorization: `Bearer ${TOKEN}` },
      { method: "GET", path: "/files/1003383421387256?hash=x", authorization: `Bearer ${TOKEN}` },
    ])
  })

  it("is MediaUnavailable, with Meta's answer, for an expired id, a missing url or a failed download", async () => {
    const { base } = await startGraph((req, b) => {
      if (req.url === "/v23.0/404") {
        return { status: 404, type: "application/json", body: '{"error":{"code":100}}' }
      }
      if (req.url === "/v23.0/nourl") return { status: 200, type: "application/json", body: "{}" }
      if (req.url === "/v23.0/brokenfile") {
        return {
          status: 200,
          type: "application/json",
          body: JSON.stringify({ url: `${b}/files/x` }),
        }
      }
      return { status: 500, type: "text/plain", body: "boom" }
    })
    for (const [id, detail] of [
      ["404", /HTTP 404.*code/],
      ["nourl", /no media url/],
      ["brokenfile", /HTTP 500 boom/],
      ["../etc", /not a media id/],
    ] as const) {
      const result = await fetchMedia(`${base}/v23.0`, id)
      expect(result._tag, id).toBe("Failure")
      if (result._tag === "Failure") {
        expect(result.failure._tag).toBe("MediaUnavailable")
        expect(result.failure.detail, id).toMatch(detail)
      }
    }
  })

  it("is MediaUnavailable when nothing listens", async () => {
    const result = await fetchMedia("http://127.0.0.1:1/v23.0", "123")
    expect(result._tag).toBe("Failure")
  })
})
