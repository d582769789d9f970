import { MediaSource, ObjectStore } from "@fundi/core"
import {
  layerInMemoryStore,
  layerObjectStoreInMemory,
  sampleJpeg,
  samplePdf,
} from "@fundi/core/testing"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { layerMediaSourceSimulator, simulatorMediaPrefix } from "./media-source.simulator.ts"

const run = <A, E>(effect: Effect.Effect<A, E, MediaSource | ObjectStore>) => {
  const store = layerObjectStoreInMemory.pipe(Layer.provide(Layer.fresh(layerInMemoryStore)))
  return Effect.runPromise(
    effect.pipe(
      Effect.provide(Layer.provideMerge(layerMediaSourceSimulator, store)),
    ) as Effect.Effect<A, never>,
  )
}

describe("the simulator's MediaSource", () => {
  it("hands back a file the simulator stored, bytes and type as stored", async () => {
    const { got, bytes } = await run(
      Effect.gen(function* () {
        const bytes = sampleJpeg([1, 2, 3])
        const object = yield* (yield* ObjectStore).put({
          prefix: simulatorMediaPrefix,
          bytes,
          maxBytes: 1_000_000,
        })
        return { got: yield* (yield* MediaSource).fetch(object.key), bytes }
      }),
    )
    expect(got.mimeType).toBe("image/jpeg")
    expect([...got.bytes]).toEqual([...bytes])
  })

  it("refuses any id outside its prefix, even a stored file's key", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            "whatsapp-simulator",
            "whatsapp-simulatorx/a.pdf",
            "proofs/2026/11/a.pdf",
          ),
        ),
        async (mediaId) => {
          fc.pre(!mediaId.startsWith(`${simulatorMediaPrefix}/`))
          const error = await run(
            Effect.gen(function* () {
              // A real file under another prefix: the id names it exactly, and still no.
              const proof = yield* (yield* ObjectStore).put({
                prefix: "proofs",
                bytes: samplePdf(mediaId),
                maxBytes: 1_000_000,
              })
              const source = yield* MediaSource
              return yield* Effect.forEach([mediaId, proof.key], (id) =>
                Effect.flip(source.fetch(id)),
              )
            }),
          )
          expect(error.map((e) => e._tag)).toEqual(["MediaUnavailable", "MediaUnavailable"])
        },
      ),
      { numRuns: 50 },
    )
  })

  it("answers an unknown key under its prefix as unavailable, not as a defect", async () => {
    const error = await run(
      Effect.flip(
        Effect.flatMap(MediaSource, (m) => m.fetch(`${simulatorMediaPrefix}/2026/11/nothing.jpg`)),
      ),
    )
    expect(error._tag).toBe("MediaUnavailable")
  })
})
