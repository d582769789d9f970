import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { Text, withArticle, withoutControlCharacters } from "./text.ts"

const decode = Schema.decodeUnknownResult(Text(1, 50))

const controls = [
  ...Array.from({ length: 0x20 }, (_, i) => i).filter((c) => ![0x09, 0x0a, 0x0d].includes(c)),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
].map((c) => String.fromCodePoint(c))

describe("Text: what a person typed", () => {
  it("takes any text with something but spaces in it, line breaks and tabs included", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 10 }),
        fc.constantFrom("a", "é", "☃", "١"),
        fc.constantFrom("", " ", "\n", "\t", "\r\n"),
        (around, visible, space) => {
          const printable = Array.from(around)
            .filter((ch) => !controls.includes(ch))
            .join("")
          const text = `${space}${printable}${visible}${space}`
          fc.pre(text.length <= 50)
          expect(Result.isSuccess(decode(text))).toBe(true)
        },
      ),
    )
  })

  it("refuses text of spaces only, and text with any control character in it", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ \t\r\n]{1,20}$/), (blank) => {
        expect(Result.isFailure(decode(blank))).toBe(true)
      }),
    )
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...controls),
        fc.string({ maxLength: 20 }),
        (before, control, after) => {
          const result = decode(`${before}x${control}${after}`)
          expect(Result.isFailure(result)).toBe(true)
        },
      ),
    )
  })
})

describe("withoutControlCharacters", () => {
  it("drops exactly the control characters Text refuses, keeps everything else in order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: "grapheme", maxLength: 8 }), fc.constantFrom(...controls)),
          { maxLength: 8 },
        ),
        (parts) => {
          const typed = parts.join("")
          const kept = withoutControlCharacters(typed)
          expect(kept).toBe(
            Array.from(typed)
              .filter((ch) => !controls.includes(ch))
              .join(""),
          )
          fc.pre(/\S/u.test(kept) && kept.length <= 50)
          expect(Result.isSuccess(decode(kept))).toBe(true)
        },
      ),
    )
  })
})

describe("withArticle", () => {
  it("picks a or an by the sound at the word's start", () => {
    expect(
      [
        "electrical",
        "urgent",
        "plumbing",
        "emergency",
        "uniform",
        "hour",
        "roofing",
        "appliance",
      ].map(withArticle),
    ).toEqual([
      "an electrical",
      "an urgent",
      "a plumbing",
      "an emergency",
      "a uniform",
      "an hour",
      "a roofing",
      "an appliance",
    ])
  })
})
