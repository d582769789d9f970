import { MediaSource, MediaUnavailable, ObjectStore } from "@fundi/core"
import { Effect, Layer } from "effect"

/** Where the simulator page's uploads are kept (POST /dev/whatsapp/media). */
export const simulatorMediaPrefix = "whatsapp-simulator"

/**
 * Without Meta there is no Graph API to fetch inbound media from: the simulator page
 * uploads the file first and sends the stored key as the WhatsApp media id, so a photo
 * from the simulator goes through processDueInbox like a real one. Only keys under the
 * simulator's prefix are handed out: a crafted media id must not read a proof of payment
 * or a provider's documents.
 */
export const layerMediaSourceSimulator: Layer.Layer<MediaSource, never, ObjectStore> = Layer.effect(
  MediaSource,
  Effect.gen(function* () {
    const store = yield* ObjectStore
    return MediaSource.of({
      fetch: (mediaId) =>
        mediaId.startsWith(`${simulatorMediaPrefix}/`)
          ? store.get(mediaId).pipe(
              Effect.map(({ object, bytes }) => ({ bytes, mimeType: object.contentType })),
              Effect.mapError((e) => new MediaUnavailable({ mediaId, detail: e.message })),
            )
          : Effect.fail(
              new MediaUnavailable({ mediaId, detail: "not a file the simulator uploaded" }),
            ),
    })
  }),
)
