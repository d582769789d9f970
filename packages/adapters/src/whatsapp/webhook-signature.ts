import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * Meta's form of a JSON body for signing: every character outside ASCII written as a
 * \uXXXX escape in lowercase hex, UTF-16 code unit by code unit (an emoji becomes its
 * surrogate pair). On valid JSON this only touches string contents, so the text parses to
 * the same value.
 */
export const escapeNonAscii = (text: string): string =>
  text.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)

const hmacHex = (secret: string, body: Uint8Array | string): string =>
  createHmac("sha256", secret).update(body).digest("hex")

/** The X-Hub-Signature-256 header value for `body`, as Meta (or the simulator) sends it. */
export const signatureHeader = (secret: string, body: Uint8Array | string): string =>
  `sha256=${hmacHex(secret, body)}`

const HEADER = /^sha256=([0-9a-fA-F]{64})$/

const sameDigest = (expectedHex: string, givenHex: string): boolean =>
  timingSafeEqual(Buffer.from(expectedHex, "hex"), Buffer.from(givenHex.toLowerCase(), "hex"))

const hasNonAscii = (bytes: Uint8Array): boolean => bytes.some((b) => b > 0x7f)

/**
 * Whether `header` is a valid X-Hub-Signature-256 of the raw `body` bytes under `secret`.
 * Meta signs the body with non-ASCII escaped (see `escapeNonAscii`) while it may deliver
 * the characters themselves, so a body with non-ASCII bytes also verifies against its
 * escaped form. Digests are compared in constant time; a missing or malformed header fails.
 */
export const verifySignature = (
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): boolean => {
  const given = header === undefined ? null : HEADER.exec(header.trim())
  if (given === null) return false
  const hex = given[1]!
  if (sameDigest(hmacHex(secret, body), hex)) return true
  if (!hasNonAscii(body)) return false
  const escaped = escapeNonAscii(new TextDecoder().decode(body))
  return sameDigest(hmacHex(secret, escaped), hex)
}
