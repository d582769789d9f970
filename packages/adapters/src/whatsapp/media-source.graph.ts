import { MediaSource, MediaUnavailable } from "@fundi/core"
import { Effect, Layer, Redacted } from "effect"

export interface MediaSourceGraphOptions {
  /** e.g. https://graph.facebook.com/v23.0 (no trailing slash). */
  readonly graphUrl: string
  readonly accessToken: Redacted.Redacted<string>
  /** Cut a download off after this long (default 30 s): the worker holds a lease meanwhile. */
  readonly timeoutMs?: number
  /** Refuse bodies larger than this before reading them all (default 100 MB, Meta's cap). */
  readonly maxBytes?: number
}

/**
 * Inbound media through the Graph API: GET /{media-id} answers with a short-lived URL, and
 * that URL, fetched with the same bearer token, gives the bytes.
 */
export const makeMediaSourceGraph = (options: MediaSourceGraphOptions): MediaSource["Service"] => {
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxBytes = options.maxBytes ?? 100 * 1024 * 1024
  const authorization = () => `Bearer ${Redacted.value(options.accessToken)}`

  const get = (mediaId: string, url: string) =>
    Effect.tryPromise({
      try: (signal) =>
        fetch(url, {
          headers: { Authorization: authorization() },
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        }),
      catch: (e) =>
        new MediaUnavailable({ mediaId, detail: e instanceof Error ? e.message : String(e) }),
    }).pipe(
      Effect.flatMap((response) =>
        response.ok
          ? Effect.succeed(response)
          : Effect.promise(() => response.text().catch(() => "")).pipe(
              Effect.flatMap((text) =>
                Effect.fail(
                  new MediaUnavailable({
                    mediaId,
                    detail: `HTTP ${response.status} ${text.slice(0, 200)}`.trim(),
                  }),
                ),
              ),
            ),
      ),
    )

  const body = <A>(mediaId: string, read: () => Promise<A>) =>
    Effect.tryPromise({
      try: read,
      catch: (e) =>
        new MediaUnavailable({ mediaId, detail: e instanceof Error ? e.message : String(e) }),
    })

  return MediaSource.of({
    fetch: (mediaId) =>
      Effect.gen(function* () {
        if (!/^[A-Za-z0-9_.-]+$/.test(mediaId)) {
          return yield* new MediaUnavailable({ mediaId, detail: "not a media id" })
        }
        const meta = yield* get(mediaId, `${options.graphUrl}/${mediaId}`)
        const json = yield* body(mediaId, () => meta.json() as Promise<unknown>)
        const url = (json as { url?: unknown } | null)?.url
        if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
          return yield* new MediaUnavailable({ mediaId, detail: "the Graph API gave no media url" })
        }
        const file = yield* get(mediaId, url)
        const length = Number(file.headers.get("content-length") ?? "0")
        if (length > maxBytes) {
          yield* body(mediaId, () => file.body?.cancel() ?? Promise.resolve())
          return yield* new MediaUnavailable({
            mediaId,
            detail: `${length} bytes is over the ${maxBytes} byte limit`,
          })
        }
        const bytes = new Uint8Array(yield* body(mediaId, () => file.arrayBuffer()))
        const mimeType =
          (json as { mime_type?: unknown }).mime_type ?? file.headers.get("content-type") ?? ""
        return { bytes, mimeType: typeof mimeType === "string" ? mimeType : "" }
      }),
  })
}

export const layerMediaSourceGraph = (options: MediaSourceGraphOptions): Layer.Layer<MediaSource> =>
  Layer.succeed(MediaSource, makeMediaSourceGraph(options))
