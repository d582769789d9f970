import { Context, type Effect, Schema } from "effect"

/** The channel would not hand over a media file (expired id, network, auth). */
export class MediaUnavailable extends Schema.TaggedError<MediaUnavailable>()("MediaUnavailable", {
  mediaId: Schema.String,
  detail: Schema.String,
}) {
  override get message() {
    return `media ${this.mediaId} could not be fetched: ${this.detail}`
  }
}

/**
 * Where the bytes of an inbound photo or document come from (WhatsApp's Graph API). An
 * optional service: with no channel credentials there is nothing to fetch from.
 */
export class MediaSource extends Context.Service<
  MediaSource,
  {
    readonly fetch: (
      mediaId: string,
    ) => Effect.Effect<{ readonly bytes: Uint8Array; readonly mimeType: string }, MediaUnavailable>
  }
>()("@fundi/core/MediaSource") {}
