import { createHash } from "node:crypto"
import type { RecordPaymentEventInput } from "@fundi/core"
import { Result } from "effect"

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The inbox key of an event: its name and its object's id, the same on every redelivery.
 * Without an id the bytes themselves identify it (Paystack resends the same body).
 */
export const paystackEventKey = (event: string, data: unknown, body: Uint8Array): string => {
  const id = isRecord(data) ? data.id : undefined
  if ((typeof id === "number" && Number.isFinite(id)) || (typeof id === "string" && id !== "")) {
    return `${event}:${id}`
  }
  return `${event}:sha256:${createHash("sha256").update(body).digest("hex")}`
}

/** A signed body that is not an event Paystack could have sent, and why. */
export type PaystackEventUnreadable = "not JSON" | "no event"

/**
 * A signed Paystack webhook body as the payment inbox keeps it: its event name, its key,
 * the transaction reference when it names one, and the whole payload. Only the shape
 * Paystack documents is read (`{event, data: {id, reference, ...}}`); the rest is kept.
 */
export const readPaystackEvent = (
  body: Uint8Array,
): Result.Result<RecordPaymentEventInput, PaystackEventUnreadable> => {
  let payload: unknown
  try {
    payload = JSON.parse(new TextDecoder().decode(body))
  } catch {
    return Result.fail("not JSON")
  }
  if (!isRecord(payload) || typeof payload.event !== "string" || payload.event === "") {
    return Result.fail("no event")
  }
  const { event, data } = payload
  const reference =
    isRecord(data) && typeof data.reference === "string" && data.reference !== ""
      ? data.reference
      : undefined
  return Result.succeed({
    key: paystackEventKey(event, data, body),
    gateway: "paystack",
    event,
    ...(reference === undefined ? {} : { reference }),
    payload,
  })
}
