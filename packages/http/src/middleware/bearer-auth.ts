import { createHash, timingSafeEqual } from "node:crypto"
import type { MiddlewareHandler } from "hono"
import { httpError, sendError } from "../error-response.ts"

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest()

/**
 * Compares a presented token with the key in constant time. Both sides are hashed first so
 * the comparison length is fixed and does not reveal the key's length either.
 */
export const tokenMatches = (presented: string, key: string): boolean =>
  timingSafeEqual(digest(presented), digest(key))

const challenge = (error?: "invalid_token"): Record<string, string> => ({
  "WWW-Authenticate": error ? `Bearer realm="fundi", error="${error}"` : `Bearer realm="fundi"`,
})

/**
 * Requires `Authorization: Bearer <apiKey>`. Without a configured key the API refuses every
 * request (503) instead of running open: forgetting FUNDI_API_KEY must never expose it.
 */
export const bearerAuth = (apiKey: string | undefined): MiddlewareHandler => {
  const key = apiKey?.trim() ? apiKey : undefined
  return async (c, next) => {
    if (key === undefined) {
      return sendError(
        c,
        httpError(
          503,
          "api_key_not_configured",
          "FUNDI_API_KEY is not set: the JSON API is disabled until the server is given a key",
        ),
      )
    }
    const header = c.req.header("Authorization")
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)[ ]*$/i.exec(header)
    if (!match) {
      return sendError(c, {
        ...httpError(
          401,
          "unauthorized",
          header === undefined
            ? "missing credentials: send Authorization: Bearer <FUNDI_API_KEY>"
            : "malformed Authorization header: expected Bearer <FUNDI_API_KEY>",
        ),
        headers: challenge(),
      })
    }
    if (!tokenMatches(match[1]!, key)) {
      return sendError(c, {
        ...httpError(401, "unauthorized", "the bearer token is not a valid API key"),
        headers: challenge("invalid_token"),
      })
    }
    await next()
  }
}
