import { Cause } from "effect"
import { bodyLimit } from "hono/body-limit"
import type { RouteDeps } from "../run-effect.ts"

/** The JSON error body every webhook answers with. */
export const problem = (code: string, message: string) => ({ error: { code, message } })

/** Refuses a body over `maxBytes` with 413 before it is read whole. */
export const webhookBodyLimit = (maxBytes: number, what: string) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json(problem("payload_too_large", `${what} are at most ${maxBytes} bytes`), 413),
  })

/**
 * 503 for a delivery that was not kept (the database failed): the sender retries it later.
 * The cause goes to the error log under an id the answer names, never to the sender.
 */
export const webhookUnavailable = (
  deps: RouteDeps,
  path: string,
  what: string,
  cause: Cause.Cause<unknown>,
): Response => {
  const errorId = crypto.randomUUID()
  deps.logError({ errorId, method: "POST", path, detail: Cause.pretty(cause) })
  return new Response(
    JSON.stringify(
      problem("unavailable", `${what} could not be recorded (error ${errorId}); retry`),
    ),
    { status: 503, headers: { "content-type": "application/json", "retry-after": "5" } },
  )
}
