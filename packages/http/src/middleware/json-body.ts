import type { MiddlewareHandler } from "hono"
import { type ErrorResponse, httpError, sendError } from "../error-response.ts"

/** Request bodies larger than this are refused with 413 before they are parsed. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024

export interface JsonBodyEnv {
  readonly Variables: {
    /** The parsed body; `undefined` only when the body is optional and none was sent. */
    readonly jsonBody: unknown
  }
}

export interface JsonBodyOptions {
  readonly maxBytes?: number
  /** When true a request without a body is accepted (jsonBody is then `undefined`). */
  readonly optional?: boolean
}

/** application/json, or a structured JSON type such as application/merge-patch+json. */
export const isJsonMediaType = (contentType: string): boolean => {
  const essence = contentType.split(";")[0]!.trim().toLowerCase()
  return essence === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(essence)
}

const unsupported = (got: string | undefined): ErrorResponse =>
  httpError(
    415,
    "unsupported_media_type",
    got === undefined
      ? "the request has no Content-Type: send a JSON body with Content-Type: application/json"
      : `Content-Type ${got} is not supported: send a JSON body with Content-Type: application/json`,
  )

const tooLarge = (maxBytes: number): ErrorResponse =>
  httpError(413, "payload_too_large", `the request body is larger than ${maxBytes} bytes`, {
    maxBytes,
  })

export type Read =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly readBytes: number }

/** Reads at most `maxBytes`, stopping (and cancelling the upload) as soon as there are more. */
export const readLimited = async (
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Read> => {
  if (body === null) return { ok: true, bytes: new Uint8Array(0) } satisfies Read
  const reader = body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return { ok: false, readBytes: size } satisfies Read
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes } satisfies Read
}

/**
 * Accepts only JSON bodies (415), no bigger than `maxBytes` (413), that parse (400
 * `malformed_json`), and hands the parsed value to the route as `c.var.jsonBody`. The
 * route's Schema then judges its shape.
 */
export const jsonBody = (options: JsonBodyOptions = {}): MiddlewareHandler<JsonBodyEnv> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BODY_BYTES
  const optional = options.optional ?? false
  return async (c, next) => {
    const contentType = c.req.header("Content-Type")
    if (contentType !== undefined && !isJsonMediaType(contentType)) {
      return sendError(c, unsupported(contentType))
    }
    if (contentType === undefined && !optional) return sendError(c, unsupported(undefined))

    // Refuse a declared oversize body without reading a byte of it.
    const declared = Number(c.req.header("Content-Length") ?? Number.NaN)
    if (Number.isFinite(declared) && declared > maxBytes) return sendError(c, tooLarge(maxBytes))
    const read = await readLimited(c.req.raw.body, maxBytes)
    if (!read.ok) return sendError(c, tooLarge(maxBytes))

    let text: string
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes)
    } catch {
      return sendError(c, httpError(400, "malformed_json", "the request body is not UTF-8 text"))
    }
    if (text.trim() === "") {
      if (optional) {
        c.set("jsonBody", undefined)
        return next()
      }
      return sendError(
        c,
        httpError(400, "malformed_json", "the request body is empty: send a JSON object"),
      )
    }
    // A body without a Content-Type is only tolerated when it is empty.
    if (contentType === undefined) return sendError(c, unsupported(undefined))

    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (e) {
      const detail = e instanceof SyntaxError ? `: ${e.message}` : ""
      return sendError(
        c,
        httpError(400, "malformed_json", `the request body is not valid JSON${detail}`),
      )
    }
    c.set("jsonBody", parsed)
    return next()
  }
}
