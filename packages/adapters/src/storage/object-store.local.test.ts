import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { mkdir } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ObjectStore } from "@fundi/core"
import { Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { layerObjectStoreLocal } from "./object-store.local.ts"
import { sampleGif, sampleJpeg, samplePdf, samplePng, sampleText } from "./testing/sample-files.ts"

const MB = 1024 * 1024
const freshRoot = () => mkdtempSync(join(tmpdir(), "fundi-files-"))
const at = Date.UTC(2026, 2, 14, 9, 30) // 2026-03

/** Runs against a store on `root`, at a fixed time, and returns the exit. */
const run = <A, E>(root: string, effect: Effect.Effect<A, E, ObjectStore>) =>
  Effect.runPromiseExit(
    Effect.gen(function* () {
      yield* TestClock.setTime(at)
      return yield* effect
    }).pipe(Effect.provide(Layer.merge(layerObjectStoreLocal(root), TestClock.layer()))),
  )

const put = (root: string, bytes: Uint8Array, maxBytes = 5 * MB, prefix = "proofs") =>
  run(
    root,
    ObjectStore.use((s) => s.put({ prefix, bytes, maxBytes })),
  )
const get = (root: string, key: string) =>
  run(
    root,
    ObjectStore.use((s) => s.get(key)),
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined) throw new Error(`expected a typed failure, got a defect`)
  return (error as { error: E }).error
}
const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected success, got ${String(exit.cause)}`)
  return exit.value
}

/** Every file under root, relative, temporary files included. */
const filesUnder = (root: string): Array<string> =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(root.length + 1))
    .sort()

describe("the local-directory ObjectStore", () => {
  it.each([
    ["application/pdf", "pdf", samplePdf()],
    ["image/jpeg", "jpg", sampleJpeg()],
    ["image/png", "png", samplePng()],
  ] as const)(
    "stores a %s under <prefix>/<yyyy>/<mm>/<sha256>.%s and reads it back",
    async (type, ext, bytes) => {
      const root = freshRoot()
      const stored = success(await put(root, bytes))
      expect(stored.contentType).toBe(type)
      expect(stored.size).toBe(bytes.byteLength)
      expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(stored.key).toBe(`proofs/2026/03/${stored.sha256}.${ext}`)
      expect(filesUnder(root)).toEqual([stored.key])
      expect(new Uint8Array(readFileSync(join(root, stored.key)))).toEqual(bytes)

      // A later process (a new layer on the same directory) recovers the metadata from the bytes.
      const read = success(await get(root, stored.key))
      expect(read.object).toEqual(stored)
      expect(read.bytes).toEqual(bytes)
    },
  )

  it("keeps a nested prefix and stores the same bytes once", async () => {
    const root = freshRoot()
    const first = success(await put(root, samplePng(7), MB, "proofs/tpu_abc"))
    const again = success(await put(root, samplePng(7), MB, "proofs/tpu_abc"))
    expect(again).toEqual(first)
    expect(first.key.startsWith("proofs/tpu_abc/2026/03/")).toBe(true)
    expect(filesUnder(root)).toEqual([first.key])
  })

  it("refuses a text file whatever it is called, naming what was detected, and writes nothing", async () => {
    const root = freshRoot()
    const error = failure(await put(root, sampleText()))
    expect(error._tag).toBe("UnsupportedContent")
    expect(error).toMatchObject({
      detected: "unknown",
      allowed: ["application/pdf", "image/jpeg", "image/png"],
    })
    expect(error.message).toContain("application/pdf, image/jpeg, image/png")
    expect(filesUnder(root)).toEqual([])
  })

  it("refuses a real image of another type by its detected type", async () => {
    const root = freshRoot()
    const error = failure(await put(root, sampleGif()))
    expect(error).toMatchObject({ _tag: "UnsupportedContent", detected: "image/gif" })
    expect(error.message).toContain("image/gif")
  })

  it("refuses an empty file", async () => {
    expect(failure(await put(freshRoot(), new Uint8Array(0)))._tag).toBe("UnsupportedContent")
  })

  it("refuses a file over the limit before detecting or writing anything", async () => {
    const root = freshRoot()
    const pdf = samplePdf()
    const error = failure(await put(root, pdf, pdf.byteLength - 1))
    expect(error).toMatchObject({
      _tag: "ContentTooLarge",
      size: pdf.byteLength,
      limit: pdf.byteLength - 1,
    })
    expect(filesUnder(root)).toEqual([])
    // Exactly at the limit is fine.
    expect(success(await put(root, pdf, pdf.byteLength)).size).toBe(pdf.byteLength)
  })

  it("checks the size first: an oversize text file is too large, not unsupported", async () => {
    const error = failure(await put(freshRoot(), sampleText("x".repeat(100)), 10))
    expect(error._tag).toBe("ContentTooLarge")
  })

  it("answers ObjectNotFound for a well-formed key with no file", async () => {
    const key = `proofs/2026/03/${"0".repeat(64)}.pdf`
    const error = failure(await get(freshRoot(), key))
    expect(error).toMatchObject({ _tag: "ObjectNotFound", key })
  })

  it("never reads outside its root, whatever the key", async () => {
    const parent = freshRoot()
    const root = join(parent, "files")
    await mkdir(root)
    // A file the store must never hand out, next to its root.
    const secret = `${"a".repeat(64)}.pdf`
    writeFileSync(join(parent, secret), samplePdf("secret"))
    const stored = success(await put(root, samplePdf()))
    const traversals = [
      `../${secret}`,
      `proofs/../../${secret}`,
      `proofs/2026/03/../../../../${secret}`,
      `/etc/passwd`,
      join(parent, secret),
      `proofs\\..\\..\\${secret}`,
      `proofs/2026/03/${stored.sha256}.pdf/../../../../../${secret}`,
      `./${stored.key}`,
      `proofs//2026/03/${stored.sha256}.pdf`,
      `${stored.key}\0`,
      `${stored.key}.json`,
      "",
    ]
    for (const key of traversals) {
      const error = failure(await get(root, key))
      expect(error, key).toMatchObject({ _tag: "ObjectNotFound" })
    }
  })

  it("refuses any key it could not have made (property)", async () => {
    const root = freshRoot()
    const stored = success(await put(root, samplePdf()))
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary" }), async (key) => {
        fc.pre(key !== stored.key)
        const exit = await get(root, key)
        expect(failure(exit)._tag).toBe("ObjectNotFound")
      }),
      { numRuns: 200 },
    )
  })

  it("dies on a prefix that could escape the root: prefixes come from code, not people", async () => {
    for (const prefix of ["../up", "/abs", "a/../b", "", "a//b", "proofs/.hidden"]) {
      const exit = await put(freshRoot(), samplePdf(), MB, prefix)
      expect(Exit.isFailure(exit) && exit.cause.reasons.some((r) => r._tag === "Die"), prefix).toBe(
        true,
      )
    }
  })

  it("reports a damaged file as a storage failure, not as the wrong file", async () => {
    const root = freshRoot()
    const stored = success(await put(root, samplePdf()))
    writeFileSync(join(root, stored.key), samplePdf("tampered"))
    const error = failure(await get(root, stored.key))
    expect(error._tag).toBe("PersistenceUnavailable")
    expect(error.message).toContain("damaged")
  })

  it("reports an unwritable root as unavailable storage, naming the key", async () => {
    const parent = freshRoot()
    const root = join(parent, "not-a-dir")
    writeFileSync(root, "a file where the directory should be")
    const error = failure(await put(root, samplePng()))
    expect(error._tag).toBe("PersistenceUnavailable")
    expect(error.message).toContain("cannot store proofs/2026/03/")
  })

  it("leaves no temporary files behind", async () => {
    const root = freshRoot()
    for (let i = 0; i < 5; i++) success(await put(root, samplePng(i)))
    expect(filesUnder(root).filter((f) => f.includes(".tmp-"))).toEqual([])
    expect(filesUnder(root)).toHaveLength(5)
  })

  it("stores any accepted bytes and returns them unchanged (property)", async () => {
    const root = freshRoot()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: 255 }).map(samplePng),
          fc.string({ maxLength: 40 }).map(sampleJpeg),
          fc.string({ maxLength: 40 }).map(samplePdf),
        ),
        async (bytes) => {
          const stored = success(await put(root, bytes))
          const read = success(await get(root, stored.key))
          expect(read.bytes).toEqual(bytes)
          expect(read.object).toEqual(stored)
        },
      ),
      { numRuns: 50 },
    )
  })
})
