import { Clock, Effect, Layer, Option } from "effect"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import {
  ContentTooLarge,
  ObjectNotFound,
  ObjectStore,
  type StoredContentType,
  type StoredObject,
  UnsupportedContent,
} from "../ports/object-store.ts"
import { sha256Hex } from "./sha256.ts"

export const objectsTable = "objects"

interface StoredRow {
  readonly object: StoredObject
  readonly bytes: Uint8Array
}

const extensions: { readonly [T in StoredContentType]: string } = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
}
export const acceptedContentTypes = Object.keys(extensions) as ReadonlyArray<StoredContentType>

const startsWith = (bytes: Uint8Array, magic: ReadonlyArray<number>): boolean =>
  bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte)

const ascii = (text: string): ReadonlyArray<number> => [...text].map((c) => c.charCodeAt(0))

/** Magic numbers: what the bytes are, whatever the upload was called. */
const signatures: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["application/pdf", ascii("%PDF-")],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/gif", ascii("GIF8")],
  ["application/zip", [0x50, 0x4b, 0x03, 0x04]],
]

/** The content type the bytes start with, or "unknown". */
export const detectContentType = (bytes: Uint8Array): string =>
  signatures.find(([, magic]) => startsWith(bytes, magic))?.[0] ?? "unknown"

const isAccepted = (type: string): type is StoredContentType =>
  (acceptedContentTypes as ReadonlyArray<string>).includes(type)

/**
 * The ObjectStore in the shared in-memory store, so a use case that fails after storing a
 * file leaves no file behind here (a real store may keep an orphan: it is harmless, as
 * keys are content addresses that nothing refers to). Keys are made like the local
 * adapter's: `<prefix>/<yyyy>/<mm>/<sha256>.<ext>`, the month from the Clock.
 */
export const layerObjectStoreInMemory: Layer.Layer<ObjectStore, never, InMemoryStore> =
  Layer.effect(
    ObjectStore,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<StoredRow>(objectsTable)
      return ObjectStore.of({
        put: ({ prefix, bytes, maxBytes }) =>
          Effect.gen(function* () {
            // Size first: an oversize upload is refused before it is even looked at.
            if (bytes.byteLength > maxBytes) {
              return yield* new ContentTooLarge({ size: bytes.byteLength, limit: maxBytes })
            }
            const detected = detectContentType(bytes)
            if (!isAccepted(detected)) {
              return yield* new UnsupportedContent({
                detected,
                allowed: [...acceptedContentTypes],
              })
            }
            const sha256 = sha256Hex(bytes)
            const month = new Date(yield* Clock.currentTimeMillis).toISOString().slice(0, 7)
            const key = `${prefix}/${month.replace("-", "/")}/${sha256}.${extensions[detected]}`
            const object: StoredObject = {
              key,
              contentType: detected,
              size: bytes.byteLength,
              sha256,
            }
            yield* store.write
            // A copy: the caller may reuse its buffer.
            rows().set(key, { object, bytes: new Uint8Array(bytes) })
            return object
          }),
        get: (key) =>
          Effect.gen(function* () {
            yield* store.read
            const row = Option.fromUndefinedOr(rows().get(key))
            if (Option.isNone(row)) return yield* new ObjectNotFound({ key })
            return { object: row.value.object, bytes: new Uint8Array(row.value.bytes) }
          }),
      })
    }),
  )
