import { Schema } from "effect"
import { Instant } from "../../shared/time.ts"

/**
 * A signed webhook delivery, or part of one, that could not be used: not JSON, not a
 * WhatsApp change, or a message without the fields every message has. Kept for ops (the
 * channel is answered as it expects and will not send it again in a usable form), once
 * per fingerprint: Meta's retries of the same bytes count up instead of piling up.
 */
export const RejectedDelivery = Schema.Struct({
  /** Hex SHA-256 of what was rejected (the body, or the body and the part's place in it). */
  fingerprint: Schema.NonEmptyString,
  channel: Schema.Literal("whatsapp"),
  reason: Schema.NonEmptyString,
  /** The start of what was rejected, for a person to read. */
  excerpt: Schema.String,
  /** Size in bytes of the delivery it came in. */
  size: Schema.Number,
  firstAt: Instant,
  lastAt: Instant,
  /** How many times it arrived. */
  count: Schema.Number,
})
export type RejectedDelivery = typeof RejectedDelivery.Type

/** The longest excerpt kept of a rejected delivery. */
export const REJECTED_EXCERPT_MAX = 2_000
