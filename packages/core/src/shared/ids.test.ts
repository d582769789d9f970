import { Effect, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeInput } from "./decode.ts"
import * as ids from "./ids.ts"

/** Every id kind ids.ts exports: `XId` with its generator `newXId`, the prefix from a fresh id. */
const kinds = Object.entries(ids)
  .filter(([name, value]) => /^[A-Z]\w*Id$/.test(name) && Schema.isSchema(value))
  .map(([name, schema]) => {
    const generate = (ids as Record<string, unknown>)[`new${name}`] as Effect.Effect<string>
    return {
      name,
      schema: schema as Schema.Decoder<unknown>,
      prefix: Effect.runSync(generate).split("_")[0]!,
    }
  })

const arbIdOf = (prefix: string) =>
  fc
    .array(fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz"), {
      minLength: 20,
      maxLength: 20,
    })
    .map((body) => `${prefix}_${body.join("")}`)

/** What decoding `text` as the kind says, or undefined when it is a valid id. */
const refusal = (schema: Schema.Decoder<unknown>, text: string): string | undefined => {
  const exit = Effect.runSyncExit(decodeInput(schema)(text))
  if (exit._tag === "Success") return undefined
  const error = exit.cause.reasons[0]
  const issues = error?._tag === "Fail" ? error.error.issues : []
  expect(issues).toHaveLength(1)
  return issues[0]!.message
}

describe("ids", () => {
  it("every id kind has a generator, and its ids decode", () => {
    expect(kinds.map((k) => k.name)).toContain("RequestId")
    for (const kind of kinds) {
      expect(kind.prefix).toMatch(/^[a-z]{3}$/)
      fc.assert(
        fc.property(arbIdOf(kind.prefix), (id) => {
          expect(refusal(kind.schema, id)).toBeUndefined()
        }),
        { numRuns: 20 },
      )
    }
  })

  it("a malformed id is told what an id of its kind looks like: the prefix, then 20 characters", () => {
    const arbKind = fc.constantFrom(...kinds)
    // Typos of a real id (a character short or long, upper case, a letter Crockford leaves
    // out), ids of the other kinds, and anything at all.
    const arbBad = (prefix: string) =>
      fc.oneof(
        arbIdOf(prefix).map((id) => id.slice(0, -1)),
        arbIdOf(prefix).map((id) => `${id}x`),
        arbIdOf(prefix).map((id) => `${id.slice(0, -1)}A`),
        arbIdOf(prefix).map((id) => `${id.slice(0, -1)}l`),
        fc
          .constantFrom(...kinds.filter((k) => k.prefix !== prefix))
          .chain((k) => arbIdOf(k.prefix)),
        fc.string(),
      )
    fc.assert(
      fc.property(
        arbKind.chain((kind) => fc.tuple(fc.constant(kind), arbBad(kind.prefix))),
        ([kind, text]) => {
          const message = refusal(kind.schema, text)
          expect(message).toBeDefined()
          expect(message).toContain(`"${kind.prefix}_" then 20 letters and digits`)
          expect(message).toMatch(/^must be an? [a-z -]+ id: /)
        },
      ),
    )
  })

  it("reads as a sentence", () => {
    expect(refusal(ids.RequestId, "pty_0123456789abcdefghjk")).toBe(
      'must be a request id: "req_" then 20 letters and digits (lower case, no i, l, o or u)',
    )
    expect(refusal(ids.AuditId, "x")).toMatch(/^must be an audit entry id: "aud_"/)
  })
})
