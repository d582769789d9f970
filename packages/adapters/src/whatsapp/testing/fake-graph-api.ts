import { createServer, type IncomingHttpHeaders } from "node:http"
import type { AddressInfo } from "node:net"

/** One request the fake received, as sent: the tests assert the exact shapes. */
export interface GraphRequest {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: unknown
}

/** A scripted answer: an HTTP status, an optional Graph error and headers. */
export interface GraphAnswer {
  readonly status: number
  readonly error?: {
    readonly code: number
    readonly message: string
    readonly details?: string
  }
  readonly headers?: Readonly<Record<string, string>>
  /** A body that is not JSON (a proxy's error page). */
  readonly rawBody?: string
}

/** Canned answers in the shapes Meta documents for the errors the sender must handle. */
export const graphErrors = {
  tooManyRequests: (retryAfterSeconds: number): GraphAnswer => ({
    status: 429,
    error: { code: 130429, message: "Rate limit hit" },
    headers: { "retry-after": String(retryAfterSeconds) },
  }),
  serverError: (): GraphAnswer => ({ status: 500, rawBody: "<html>Internal Server Error</html>" }),
  rateLimit: (): GraphAnswer => ({
    status: 400,
    error: { code: 130429, message: "Rate limit hit", details: "Cloud API message throughput" },
  }),
  pairRateLimit: (): GraphAnswer => ({
    status: 400,
    error: {
      code: 131056,
      message: "(Business Account, Consumer Account) pair rate limit hit",
      details: "Too many messages sent from the sender phone number to the same recipient",
    },
  }),
  undeliverable: (): GraphAnswer => ({
    status: 400,
    error: { code: 131026, message: "Message Undeliverable" },
  }),
  reEngagement: (): GraphAnswer => ({
    status: 400,
    error: {
      code: 131047,
      message: "Re-engagement message",
      details: "More than 24 hours have passed since the recipient last replied",
    },
  }),
  badToken: (): GraphAnswer => ({
    status: 401,
    error: { code: 190, message: "Invalid OAuth access token" },
  }),
} as const

export interface FakeGraphApi {
  /** e.g. http://127.0.0.1:41234/v23.0: what WHATSAPP_GRAPH_URL is set to. */
  readonly graphUrl: string
  readonly requests: ReadonlyArray<GraphRequest>
  /** The next requests get these answers, in order; after them, success. */
  readonly script: (...answers: ReadonlyArray<GraphAnswer>) => void
  /** Forgets the requests and any answers still scripted (between tests). */
  readonly reset: () => void
  readonly close: () => Promise<void>
}

/**
 * A Graph API on loopback: records every request and answers a send like Meta does,
 * `{messaging_product, contacts: [{input, wa_id}], messages: [{id: "wamid.<n>"}]}`, or
 * with the scripted errors. A real HTTP server, so the sender's fetch, headers and
 * status handling are exercised as in production.
 */
export const startFakeGraphApi = async (version = "v23.0"): Promise<FakeGraphApi> => {
  const requests: Array<GraphRequest> = []
  const scripted: Array<GraphAnswer> = []
  let sent = 0

  const server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      let body: unknown = text
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        // Kept as text: a test will see the sender sent something that is not JSON.
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body })
      const answer = scripted.shift()
      if (answer !== undefined) {
        res.writeHead(answer.status, {
          "content-type": answer.rawBody === undefined ? "application/json" : "text/html",
          ...answer.headers,
        })
        res.end(
          answer.rawBody ??
            JSON.stringify({
              error: {
                message: answer.error?.message ?? "error",
                type: "OAuthException",
                code: answer.error?.code,
                ...(answer.error?.details === undefined
                  ? {}
                  : {
                      error_data: { messaging_product: "whatsapp", details: answer.error.details },
                    }),
                fbtrace_id: "AbCdEfGh",
              },
            }),
        )
        return
      }
      sent++
      const to = (body as { to?: string } | undefined)?.to ?? ""
      res.writeHead(200, { "content-type": "application/json" })
      res.end(
        JSON.stringify({
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: to }],
          messages: [{ id: `wamid.${sent}` }],
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    graphUrl: `http://127.0.0.1:${port}/${version}`,
    requests,
    script: (...answers) => {
      scripted.push(...answers)
    },
    reset: () => {
      requests.length = 0
      scripted.length = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error === undefined ? resolve() : reject(error)))
      }),
  }
}
