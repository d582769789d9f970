import { createHash, randomUUID } from "node:crypto"
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises"
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path"
import {
  ContentTooLarge,
  ObjectNotFound,
  ObjectStore,
  PersistenceUnavailable,
  type StoredContentType,
  type StoredObject,
  UnsupportedContent,
} from "@fundi/core"
import { Clock, Effect, Layer } from "effect"
import { fileTypeFromBuffer } from "file-type"

/** Where files go when no directory is given (the configuration's FUNDI_FILES_DIR default too). */
const DEFAULT_ROOT = "./.fundi/files"

/** What Fundi accepts, with the extension each is stored under. */
const extensions: { readonly [T in StoredContentType]: string } = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
}
const accepted = Object.keys(extensions) as ReadonlyArray<StoredContentType>
const isAccepted = (mime: string): mime is StoredContentType =>
  (accepted as ReadonlyArray<string>).includes(mime)

/**
 * A prefix is chosen by the core ("proofs", "photos/req_…"), never by a user, but it still
 * becomes part of a path: only plain segments, so no prefix can climb out of the root.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/
const isSafePrefix = (prefix: string): boolean =>
  prefix.length > 0 && prefix.length <= 200 && prefix.split("/").every((s) => SEGMENT.test(s))

/** `<prefix>/<yyyy>/<mm>/<sha256>.<ext>`: the only keys `put` makes, so the only ones `get` reads. */
const KEY = /^((?:[A-Za-z0-9_][A-Za-z0-9_-]*\/)+)(\d{4})\/(\d{2})\/([0-9a-f]{64})\.(pdf|jpg|png)$/

/**
 * The type as the bytes say, whatever the upload was called or claimed to be. `file-type`
 * reads magic numbers and structure; text and unknown formats come back undefined.
 */
const detect = (bytes: Uint8Array): Effect.Effect<string> =>
  Effect.promise(() => fileTypeFromBuffer(bytes)).pipe(
    Effect.map((found) => found?.mime ?? "unknown"),
    // A parser bug on hostile bytes must refuse the file, not crash the request.
    Effect.catchDefect(() => Effect.succeed("unknown")),
  )

const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

const unavailable = (what: string) => (e: unknown) =>
  new PersistenceUnavailable({
    detail: `${what}: ${e instanceof Error ? e.message : String(e)}`,
  })

const isMissing = (e: unknown): boolean =>
  typeof e === "object" && e !== null && (e as { code?: unknown }).code === "ENOENT"

/**
 * Writes the bytes under a temporary name in the target directory, flushes them, then
 * renames: a reader (or a crash) sees either no file or the whole file, never half of one.
 */
const writeAtomically = async (path: string, bytes: Uint8Array): Promise<void> => {
  await mkdir(dirname(path), { recursive: true })
  const temporary = join(dirname(path), `.tmp-${randomUUID()}`)
  try {
    const handle = await open(temporary, "wx", 0o640)
    try {
      await handle.writeFile(bytes)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, path)
  } catch (e) {
    await rm(temporary, { force: true }).catch(() => undefined)
    throw e
  }
}

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path)
    return true
  } catch (e) {
    if (isMissing(e)) return false
    throw e
  }
}

/**
 * The ObjectStore on a local directory: the embedded default. Files are content-addressed
 * (the same upload twice is one file), so `put` never overwrites different bytes.
 */
export const makeObjectStoreLocal = (rootDir: string): typeof ObjectStore.Service => {
  const root = resolve(rootDir)

  /** The file of a key, or undefined when the key could not have been made by `put`. */
  const pathOf = (key: string): string | undefined => {
    if (!KEY.test(key)) return undefined
    const path = resolve(root, key)
    // Belt and braces: the pattern already refuses "..", absolute paths and backslashes.
    const inside = relative(root, path)
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined
    return path.startsWith(root + sep) ? path : undefined
  }

  const put: (typeof ObjectStore.Service)["put"] = ({ prefix, bytes, maxBytes }) =>
    Effect.gen(function* () {
      if (!isSafePrefix(prefix)) {
        return yield* Effect.die(
          new Error(`object store: unsafe key prefix ${JSON.stringify(prefix)}`),
        )
      }
      // Checked before detection and before any write: an oversize upload costs nothing more.
      if (bytes.byteLength > maxBytes) {
        return yield* new ContentTooLarge({ size: bytes.byteLength, limit: maxBytes })
      }
      const detected = yield* detect(bytes)
      if (!isAccepted(detected)) {
        return yield* new UnsupportedContent({ detected, allowed: [...accepted] })
      }
      const sha256 = sha256Hex(bytes)
      const now = new Date(yield* Clock.currentTimeMillis)
      const yyyy = String(now.getUTCFullYear()).padStart(4, "0")
      const mm = String(now.getUTCMonth() + 1).padStart(2, "0")
      const key = `${prefix}/${yyyy}/${mm}/${sha256}.${extensions[detected]}`
      const path = pathOf(key)
      if (path === undefined) {
        return yield* Effect.die(new Error(`object store: made an invalid key ${key}`))
      }
      yield* Effect.tryPromise({
        try: async () => {
          // Same key, same bytes: an identical upload need not be written again.
          if (!(await exists(path))) await writeAtomically(path, bytes)
        },
        catch: unavailable(`cannot store ${key} under ${root}`),
      })
      const stored: StoredObject = { key, contentType: detected, size: bytes.byteLength, sha256 }
      return stored
    })

  const get: (typeof ObjectStore.Service)["get"] = (key) =>
    Effect.gen(function* () {
      const path = pathOf(key)
      // A key `put` could not have made names no object: answered without touching the disk.
      if (path === undefined) return yield* new ObjectNotFound({ key })
      const read = yield* Effect.tryPromise({
        try: async () => {
          try {
            return new Uint8Array(await readFile(path))
          } catch (e) {
            if (isMissing(e)) return undefined
            throw e
          }
        },
        catch: unavailable(`cannot read ${key} under ${root}`),
      })
      if (read === undefined) return yield* new ObjectNotFound({ key })
      // The metadata is recovered from the bytes themselves, so there is no sidecar to lose;
      // the key's hash doubles as an integrity check.
      const sha256 = sha256Hex(read)
      const detected = yield* detect(read)
      if (!key.includes(sha256) || !isAccepted(detected)) {
        return yield* new PersistenceUnavailable({
          detail: `stored file ${key} is damaged: its bytes no longer match its key`,
        })
      }
      const object: StoredObject = { key, contentType: detected, size: read.byteLength, sha256 }
      return { object, bytes: read }
    })

  return ObjectStore.of({ put, get })
}

/** The ObjectStore on `rootDir` (relative paths resolve against the working directory now). */
export const layerObjectStoreLocal = (rootDir: string = DEFAULT_ROOT): Layer.Layer<ObjectStore> =>
  Layer.sync(ObjectStore, () => makeObjectStoreLocal(rootDir))
