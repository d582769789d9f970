import { Context, type Effect, Schema } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"

/** The kinds of file Fundi accepts, detected from the bytes, never from a name. */
export const StoredContentType = Schema.Literals(["application/pdf", "image/jpeg", "image/png"])
export type StoredContentType = typeof StoredContentType.Type

export interface StoredObject {
  /** Opaque key, e.g. "proofs/2026/11/tpu_…-3f9a.pdf". */
  readonly key: string
  readonly contentType: StoredContentType
  readonly size: number
  /** Hex SHA-256 of the bytes: the same upload twice is recognisable. */
  readonly sha256: string
}

export class UnsupportedContent extends Schema.TaggedError<UnsupportedContent>()(
  "UnsupportedContent",
  {
    detected: Schema.String,
    allowed: Schema.Array(Schema.String),
  },
) {
  override get message() {
    return `files of type ${this.detected} are not accepted; send ${this.allowed.join(", ")}`
  }
}

export class ContentTooLarge extends Schema.TaggedError<ContentTooLarge>()("ContentTooLarge", {
  size: Schema.Number,
  limit: Schema.Number,
}) {
  override get message() {
    return `the file is ${this.size} bytes; at most ${this.limit} are accepted`
  }
}

export class ObjectNotFound extends Schema.TaggedError<ObjectNotFound>()("ObjectNotFound", {
  key: Schema.String,
}) {
  override get message() {
    return `no stored file ${this.key}`
  }
}

/**
 * Files: photos, proofs of payment, documents. `put` detects the type from the bytes and
 * refuses unknown types and files over the limit before anything is written.
 */
export class ObjectStore extends Context.Service<
  ObjectStore,
  {
    readonly put: (options: {
      readonly prefix: string
      readonly bytes: Uint8Array
      readonly maxBytes: number
    }) => Effect.Effect<StoredObject, UnsupportedContent | ContentTooLarge | PersistenceUnavailable>
    readonly get: (
      key: string,
    ) => Effect.Effect<
      { readonly object: StoredObject; readonly bytes: Uint8Array },
      ObjectNotFound | PersistenceUnavailable
    >
  }
>()("@fundi/core/ObjectStore") {}
