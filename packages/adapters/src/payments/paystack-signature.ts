import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * The `x-paystack-signature` header value for `body`: the hex HMAC-SHA512 of the raw bytes
 * under the account's secret key (Paystack signs webhooks with the same key the API takes).
 */
export const signPaystack = (body: string | Uint8Array, secret: string): string =>
  createHmac("sha512", secret).update(body).digest("hex")

const HEADER = /^[0-9a-fA-F]{128}$/

/**
 * Whether `header` is Paystack's signature of exactly these bytes. Checked before the body
 * is parsed, over the bytes as received (re-serialized JSON would not match). Compared in
 * constant time; hex case does not matter; a missing or garbled header is false, never a throw.
 */
export const verifyPaystackSignature = (
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
): boolean => {
  const given = header?.trim()
  if (given === undefined || !HEADER.test(given)) return false
  return timingSafeEqual(
    Buffer.from(signPaystack(rawBody, secret), "hex"),
    Buffer.from(given.toLowerCase(), "hex"),
  )
}
