import { readFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { signPaystack, verifyPaystackSignature } from "./paystack-signature.ts"

const SECRET = "sk_test_fundi_fixture_secret_0123456789"
const fixture = readFileSync(
  join(import.meta.dirname, "fixtures/paystack/event_charge_success.json"),
)

/** A different hex digit at `at`: the same digest in another case is not a change. */
const changeHex = (hex: string, at: number, by: number): string => {
  const i = at % hex.length
  const digit = (Number.parseInt(hex[i]!, 16) + 1 + (by % 15)) % 16
  return hex.slice(0, i) + digit.toString(16) + hex.slice(i + 1)
}

describe("Paystack webhook signatures", () => {
  it("signs the fixture's bytes as they are with HMAC-SHA512 in hex (checked against openssl)", () => {
    // openssl dgst -sha512 -hmac "$SECRET" event_charge_success.json
    const expected =
      "3d0fd6d61d59b98d598eb4afe292da8d853b4820c4a4f55e0b6fad99f506d42c7c505552309401cc3b8e219d186272dbdd0ece46273852204ce4d638c56c01aa"
    expect(signPaystack(fixture, SECRET)).toBe(expected)
    expect(verifyPaystackSignature(fixture, expected, SECRET)).toBe(true)
    expect(verifyPaystackSignature(fixture, expected.toUpperCase(), SECRET)).toBe(true)
    // The same event re-serialized (whitespace gone) is other bytes: refused.
    const reserialized = JSON.stringify(JSON.parse(fixture.toString("utf8")))
    expect(verifyPaystackSignature(reserialized, expected, SECRET)).toBe(false)
  })

  it("is false for an absent or garbled header, never a throw", () => {
    const good = signPaystack(fixture, SECRET)
    for (const header of [
      undefined,
      null,
      "",
      "   ",
      good.slice(0, -1),
      `${good}0`,
      `sha512=${good}`,
      `${good.slice(0, -1)}g`,
      "zz".repeat(64),
      signPaystack(fixture, "another-secret"),
    ]) {
      expect(verifyPaystackSignature(fixture, header, SECRET), String(header)).toBe(false)
    }
  })

  it("verifies what it signs; a change of one byte of body, header or secret fails", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, secret, at, flip) => {
          const header = signPaystack(body, secret)
          expect(verifyPaystackSignature(body, header, secret)).toBe(true)
          const changedBody = Uint8Array.from(body)
          changedBody[at % body.length]! ^= flip
          expect(verifyPaystackSignature(changedBody, header, secret)).toBe(false)

          expect(verifyPaystackSignature(body, changeHex(header, at, flip), secret)).toBe(false)

          // ASCII secrets, XOR within 7 bits: a different key of the same length.
          const i = at % secret.length
          const changedSecret =
            secret.slice(0, i) +
            String.fromCharCode(secret.charCodeAt(i) ^ ((flip % 127) + 1)) +
            secret.slice(i + 1)
          expect(verifyPaystackSignature(body, header, changedSecret)).toBe(false)
        },
      ),
      { numRuns: 300 },
    )
  })
})
