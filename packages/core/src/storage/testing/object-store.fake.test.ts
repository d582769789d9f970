import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { inFailingTransaction } from "../../shared/testing/contract-kit.ts"
import {
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import type { Transactions } from "../../shared/transactions.ts"
import { ObjectStore } from "../ports/object-store.ts"
import { detectContentType, layerObjectStoreInMemory } from "./object-store.fake.ts"
import { asciiBytes, sampleJpeg, samplePdf, samplePng } from "./sample-files.ts"
import { sha256Hex } from "./sha256.ts"

const ascii = asciiBytes

describe("sha256Hex", () => {
  it("gives the FIPS 180-4 digests, across block boundaries", () => {
    const a = (n: number) => ascii("a".repeat(n))
    const vectors: ReadonlyArray<readonly [Uint8Array, string]> = [
      [new Uint8Array(0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
      [ascii("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
      [
        ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      ],
      [a(55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"],
      [a(56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"],
      [a(63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"],
      [a(64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"],
      [a(65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"],
      [a(119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"],
      [a(1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"],
    ]
    for (const [bytes, digest] of vectors) expect(sha256Hex(bytes)).toBe(digest)
  })
})

const pdf = samplePdf
const jpeg = sampleJpeg
const png = samplePng

describe("detectContentType", () => {
  it("reads the magic number, never anything else", () => {
    expect(detectContentType(pdf())).toBe("application/pdf")
    expect(detectContentType(jpeg())).toBe("image/jpeg")
    expect(detectContentType(png())).toBe("image/png")
    expect(detectContentType(ascii("GIF89a..."))).toBe("image/gif")
    expect(detectContentType(ascii("hello.pdf"))).toBe("unknown")
    expect(detectContentType(new Uint8Array(0))).toBe("unknown")
    // A PNG signature cut short is not a PNG.
    expect(detectContentType(png().slice(0, 7))).toBe("unknown")
  })
})

const at = Date.UTC(2026, 2, 14, 9, 30)
const layer = () =>
  Layer.mergeAll(layerObjectStoreInMemory, layerTransactionsInMemory).pipe(
    Layer.provideMerge(Layer.fresh(layerInMemoryStore)),
  )
const run = <A, E>(effect: Effect.Effect<A, E, ObjectStore | Transactions>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      yield* TestClock.setTime(at)
      return yield* effect
    }).pipe(Effect.provide(layer()), Effect.provide(TestClock.layer())),
  )

const arbAccepted = fc.oneof(
  fc
    .string({ maxLength: 50 })
    .map((body) => ({ bytes: pdf(body), type: "application/pdf", ext: "pdf" })),
  fc
    .array(fc.nat(255), { maxLength: 50 })
    .map((tail) => ({ bytes: jpeg(tail), type: "image/jpeg", ext: "jpg" })),
  fc
    .array(fc.nat(255), { maxLength: 50 })
    .map((tail) => ({ bytes: png(tail), type: "image/png", ext: "png" })),
)

describe("the in-memory ObjectStore", () => {
  it("stores accepted files under <prefix>/<yyyy>/<mm>/<sha256>.<ext> and gives them back", async () => {
    await fc.assert(
      fc.asyncProperty(arbAccepted, async ({ bytes, type, ext }) => {
        await run(
          Effect.gen(function* () {
            const store = yield* ObjectStore
            const stored = yield* store.put({
              prefix: "proofs/tpu_x",
              bytes,
              maxBytes: bytes.length,
            })
            const sha256 = sha256Hex(bytes)
            expect(stored).toEqual({
              key: `proofs/tpu_x/2026/03/${sha256}.${ext}`,
              contentType: type,
              size: bytes.length,
              sha256,
            })
            const read = yield* store.get(stored.key)
            expect(read).toEqual({ object: stored, bytes })
          }),
        )
      }),
    )
  })

  it("refuses a file one byte over the limit, and a type it does not accept, storing nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbAccepted,
        fc.constantFrom(ascii("GIF89a"), ascii("plain text"), new Uint8Array(0)),
        async ({ bytes }, unknown) => {
          await run(
            Effect.gen(function* () {
              const store = yield* ObjectStore
              const tooLarge = yield* Effect.flip(
                store.put({ prefix: "proofs", bytes, maxBytes: bytes.length - 1 }),
              )
              expect(tooLarge).toMatchObject({
                _tag: "ContentTooLarge",
                size: bytes.length,
                limit: bytes.length - 1,
              })
              const refused = yield* Effect.flip(
                store.put({ prefix: "proofs", bytes: unknown, maxBytes: 1_000 }),
              )
              expect(refused).toMatchObject({
                _tag: "UnsupportedContent",
                allowed: ["application/pdf", "image/jpeg", "image/png"],
              })
              const key = `proofs/2026/03/${sha256Hex(bytes)}.pdf`
              expect((yield* Effect.flip(store.get(key)))._tag).toBe("ObjectNotFound")
            }),
          )
        },
      ),
      { numRuns: 20 },
    )
  })

  it("keeps no file put in a transaction that fails, and a copy of the caller's bytes", async () => {
    await run(
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const bytes = pdf("kept")
        const kept = yield* store.put({ prefix: "proofs", bytes, maxBytes: 1_000 })
        bytes[0] = 0
        expect((yield* store.get(kept.key)).bytes).toEqual(pdf("kept"))
        let lost = ""
        yield* inFailingTransaction(
          Effect.map(store.put({ prefix: "proofs", bytes: png([1]), maxBytes: 1_000 }), (o) => {
            lost = o.key
          }),
        )
        expect((yield* Effect.flip(store.get(lost)))._tag).toBe("ObjectNotFound")
      }),
    )
  })
})
