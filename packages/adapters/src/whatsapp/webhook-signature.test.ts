import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { escapeNonAscii, signatureHeader, verifySignature } from "./webhook-signature.ts"

const SECRET = "test-app-secret-0123456789abcdef"
const bytes = (text: string) => new TextEncoder().encode(text)

describe("escapeNonAscii", () => {
  it("any JSON value survives: the escaped text parses back to it, and is pure ASCII", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const v of [value, text, { name: text, nested: [value] }]) {
          const escaped = escapeNonAscii(JSON.stringify(v))
          expect(JSON.parse(escaped)).toEqual(JSON.parse(JSON.stringify(v)))
          expect([...escaped].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true)
        }
      }),
      { numRuns: 300 },
    )
  })

  it("writes lowercase hex, and an emoji as its surrogate pair", () => {
    expect(escapeNonAscii('{"n":"José 👍"}')).toBe('{"n":"Jos\\u00e9 \\ud83d\\udc4d"}')
  })
})

describe("verifySignature", () => {
  const body = '{"object":"whatsapp_business_account","entry":[{"n":"Zoë 🙂"}]}'

  it("accepts a signature over the raw bytes or over Meta's escaped form", () => {
    expect(verifySignature(SECRET, bytes(body), signatureHeader(SECRET, bytes(body)))).toBe(true)
    expect(
      verifySignature(SECRET, bytes(body), signatureHeader(SECRET, escapeNonAscii(body))),
    ).toBe(true)
    // Upper-case hex is the same digest.
    const upper = `sha256=${signatureHeader(SECRET, body).slice(7).toUpperCase()}`
    expect(verifySignature(SECRET, bytes(body), upper)).toBe(true)
  })

  it("refuses a missing, malformed, wrong-key or other-body signature", () => {
    const good = signatureHeader(SECRET, body)
    for (const header of [
      undefined,
      "",
      "sha256=",
      good.slice(0, -1),
      good.replace("sha256=", "sha1="),
      `${good}00`,
      signatureHeader("another-secret", body),
      signatureHeader(SECRET, `${body} `),
    ]) {
      expect(verifySignature(SECRET, bytes(body), header), String(header)).toBe(false)
    }
  })

  it("any change to a signed body is refused", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (text, at, flip) => {
          const raw = bytes(text)
          const header = signatureHeader(SECRET, raw)
          expect(verifySignature(SECRET, raw, header)).toBe(true)
          const changed = Uint8Array.from(raw)
          changed[at % raw.length]! ^= flip
          // Unless the change happens to be an escape of the same text (it cannot: one byte).
          expect(verifySignature(SECRET, changed, header)).toBe(false)
        },
      ),
      { numRuns: 200 },
    )
  })
})
