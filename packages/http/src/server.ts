import type { IncomingMessage, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
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
