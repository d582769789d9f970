import { Clock, Effect } from "effect"

/**
 * A token bucket: holds up to `capacity` tokens and gains `perMs` tokens each millisecond.
 * Pure, and time is passed in, so it is property-tested and driven by Effect's Clock (a
 * TestClock in tests) instead of timers. See docs/decisions/0010 for why not `limiter`.
 */
export interface TokenBucket {
  readonly capacity: number
  readonly perMs: number
  readonly tokens: number
  readonly at: number
}

export const fullBucket = (capacity: number, perMs: number, at: number): TokenBucket => ({
  capacity,
  perMs,
  tokens: capacity,
  at,
})

const refill = (bucket: TokenBucket, now: number): TokenBucket => {
  // A clock that went backwards adds nothing (and takes nothing away).
  const elapsed = Math.max(0, now - bucket.at)
  return {
    ...bucket,
    tokens: Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.perMs),
    at: Math.max(bucket.at, now),
  }
}

/**
 * Takes one token at `now`: `waitMs` 0 and the bucket without it, or how long until a
 * token is there (and the bucket untouched but refilled, so nothing is taken on credit).
 */
export const takeToken = (
  bucket: TokenBucket,
  now: number,
): { readonly bucket: TokenBucket; readonly waitMs: number } => {
  const current = refill(bucket, now)
  // The epsilon absorbs float rounding, so a wait of exactly `waitMs` is always enough.
  if (current.tokens >= 1 - 1e-9) {
    return { bucket: { ...current, tokens: Math.max(0, current.tokens - 1) }, waitMs: 0 }
  }
  return { bucket: current, waitMs: Math.ceil((1 - current.tokens) / current.perMs) }
}

export interface RateLimitOptions {
  /** Messages per second from the business number (WHATSAPP_MPS; Cloud API default 80). */
  readonly messagesPerSecond: number
  /**
   * Per recipient: about one message every `intervalMs` (WhatsApp's pair rate is one per
   * 6 s, 131056 beyond it), with a short burst of `burst` (a reply and a follow-up menu).
   */
  readonly perRecipient?: { readonly burst: number; readonly intervalMs: number }
}

export const defaultPerRecipient = { burst: 4, intervalMs: 6_000 } as const

/** Recipients whose bucket is full again are forgotten beyond this many (memory bound). */
const maxTrackedRecipients = 10_000

/**
 * The two limits the Cloud API enforces, kept on our side so we rarely hear 130429 or
 * 131056. Per process: with several workers sending from one number, divide the rate.
 */
export const makeRateLimits = (options: RateLimitOptions) => {
  const pair = options.perRecipient ?? defaultPerRecipient
  // Holds one second's worth: a backlog drains at the configured rate, never above it.
  let number: TokenBucket | undefined
  const recipients = new Map<string, TokenBucket>()

  const forget = (now: number) => {
    if (recipients.size < maxTrackedRecipients) return
    for (const [to, bucket] of recipients) {
      if (refill(bucket, now).tokens >= bucket.capacity) recipients.delete(to)
    }
  }

  return {
    /**
     * Takes a send slot for `to` at once, or says how long until there is one. Never
     * waits: a recipient over their pace is retried later by the outbox, so one chatty
     * conversation does not hold up the worker.
     */
    recipient: (to: string): Effect.Effect<number> =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        forget(now)
        const taken = takeToken(
          recipients.get(to) ?? fullBucket(pair.burst, 1 / pair.intervalMs, now),
          now,
        )
        recipients.set(to, taken.bucket)
        return taken.waitMs
      }),

    /** Waits (on the Clock) for a slot in the number's per-second rate: at most ~1 s. */
    number: Effect.gen(function* () {
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        const taken = takeToken(
          number ?? fullBucket(options.messagesPerSecond, options.messagesPerSecond / 1_000, now),
          now,
        )
        number = taken.bucket
        if (taken.waitMs === 0) return
        yield* Effect.sleep(taken.waitMs)
      }
    }),
  }
}

export type RateLimits = ReturnType<typeof makeRateLimits>
