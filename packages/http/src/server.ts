import type { IncomingMessage, ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { serve } from "@hono/node-server"
import { Hono } from "hono"
import { type MakeAppOptions, makeApp } from "./app.ts"

export interface ServerOptions {
  /** 0 picks a free port; the chosen one is in `url`. */
  readonly port: number
  /** Defaults to all interfaces. Use 127.0.0.1 to stay local. */
  readonly hostname?: string
  /** How long `close` waits for requests in flight before cutting connections. */
  readonly drainTimeoutMs?: number
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string
  readonly port: number
  /** Stops accepting, lets requests in flight finish, then resolves. Idempotent. */
  readonly close: () => Promise<void>
}

const urlHost = (address: string): string => {
  const host = address === "0.0.0.0" || address === "::" ? "localhost" : address
  return host.includes(":") ? `[${host}]` : host
}

/**
 * What Node answers before the app sees a request it cannot parse (headers over its 16 KB
 * limit, e.g. a pasted link with a huge token, or broken HTTP): a short plain-text reason
 * instead of Node's empty 431 or 400, then the connection is closed.
 */
export const malformedRequestAnswer = (code: string | undefined): string => {
  const [status, reason, text] =
    code === "HPE_HEADER_OVERFLOW"
      ? [
          431,
          "Request Header Fields Too Large",
          "This address or its headers are too long. Check the link you opened.",
        ]
      : code === "HPE_URI_TOO_LONG"
        ? [414, "URI Too Long", "This address is too long. Check the link you opened."]
        : [400, "Bad Request", "This request could not be read."]
  const body = `${text}\n`
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

const answerMalformed = (error: Error & { code?: string }, socket: Socket) => {
  // A reset or timed-out socket cannot take an answer; anything else gets one.
  if (error.code !== "ECONNRESET" && socket.writable && !socket.writableEnded) {
    socket.end(malformedRequestAnswer(error.code))
  } else {
    socket.destroy()
  }
}

/** Serves an app (or builds one from `makeApp` options) on Node; resolves once listening. */
export const startServer = (
  appOrOptions: Hono | MakeAppOptions,
  options: ServerOptions,
): Promise<RunningServer> => {
  const app = appOrOptions instanceof Hono ? appOrOptions : makeApp(appOrOptions)
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      port: options.port,
      ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
    })
    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.on("clientError", answerMalformed)
    // Responses not yet started when close() begins are sent with Connection: close, so
    // their keep-alive sockets end with them instead of idling until the keep-alive timeout.
    const inFlight = new Set<ServerResponse>()
    let draining = false
    server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
      if (draining) response.setHeader("Connection", "close")
      inFlight.add(response)
      response.once("close", () => inFlight.delete(response))
    })
    server.once("listening", () => {
      server.off("error", onError)
      const address = server.address() as AddressInfo
      let closing: Promise<void> | undefined
      const close = () => {
        closing ??= new Promise<void>((done, fail) => {
          draining = true
          for (const response of inFlight) {
            if (!response.headersSent) response.setHeader("Connection", "close")
          }
          // A request still running after the timeout is cut, so shutdown cannot hang.
          const timer = setTimeout(() => {
            if ("closeAllConnections" in server) server.closeAllConnections()
          }, drainTimeoutMs)
          timer.unref()
          server.close((error) => {
            clearTimeout(timer)
            if (error) fail(error)
            else done()
          })
          // Idle keep-alive sockets would otherwise hold close() open until they time out.
          if ("closeIdleConnections" in server) server.closeIdleConnections()
        })
        return closing
      }
      resolve({
        url: `http://${urlHost(address.address)}:${address.port}`,
        port: address.port,
        close,
      })
    })
  })
}
