import { Option, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { MessageId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import {
  defaultRetryPolicy,
  nextAttemptAt,
  operatorRetryAllowed,
  type RetryPolicy,
  retryDelayMs,
} from "./delivery.ops.ts"
import { OutboxStatus } from "./outbox-message.ts"

const policyArb: fc.Arbitrary<RetryPolicy> = fc
  .record({
    baseDelayMs: fc.integer({ min: 1, max: 120_000 }),
    extra: fc.integer({ min: 0, max: 36_000_000 }),
    maxAttempts: fc.integer({ min: 1, max: 30 }),
  })
  .map(({ baseDelayMs, extra, maxAttempts }) => ({
    baseDelayMs,
    maxDelayMs: baseDelayMs + extra,
    maxAttempts,
  }))

const instantArb = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((n) => n as Instant)
const attemptsArb = fc.integer({ min: 1, max: 2_000 })

describe("retryDelayMs", () => {
  it("follows the documented default schedule: 30 s doubling, capped at 1 h", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000,
    ])
  })

  it("never decreases as attempts grow", () => {
    fc.assert(
      fc.property(policyArb, attemptsArb, attemptsArb, (policy, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(retryDelayMs(lo, policy)).toBeLessThanOrEqual(retryDelayMs(hi, policy))
      }),
    )
  })

  it("never exceeds the cap and never drops below the base delay", () => {
    fc.assert(
      fc.property(policyArb, attemptsArb, (policy, attempts) => {
        const delay = retryDelayMs(attempts, policy)
        expect(delay).toBeLessThanOrEqual(policy.maxDelayMs)
        expect(delay).toBeGreaterThanOrEqual(policy.baseDelayMs)
        expect(Number.isSafeInteger(delay)).toBe(true)
      }),
    )
  })

  it("doubles after each failure until it reaches the cap (exponential, not linear)", () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 60 }), (policy, attempts) => {
        const next = retryDelayMs(attempts + 1, policy)
        expect(next).toBe(Math.min(policy.maxDelayMs, 2 * retryDelayMs(attempts, policy)))
      }),
    )
  })
})

describe("nextAttemptAt", () => {
  it("never retries a permanent failure", () => {
    fc.assert(
      fc.property(policyArb, attemptsArb, instantArb, (policy, attempts, now) => {
        expect(Option.isNone(nextAttemptAt({ attempts, now, permanent: true }, policy))).toBe(true)
      }),
    )
  })

  it("retries a transient failure after exactly the backoff delay while attempts remain", () => {
    fc.assert(
      fc.property(policyArb, attemptsArb, instantArb, (policy, attempts, now) => {
        const next = nextAttemptAt({ attempts, now, permanent: false }, policy)
        if (attempts >= policy.maxAttempts) expect(Option.isNone(next)).toBe(true)
        else expect(next).toEqual(Option.some(now + retryDelayMs(attempts, policy)))
      }),
    )
  })

  it("lets a message that always fails transiently make exactly maxAttempts attempts", () => {
    fc.assert(
      fc.property(policyArb, instantArb, (policy, start) => {
        let now = start
        let attempts = 0
        let previousDelay = 0
        for (;;) {
          attempts++ // the outbox counts the attempt when it claims the message
          const next = nextAttemptAt({ attempts, now, permanent: false }, policy)
          if (Option.isNone(next)) break
          const delay = next.value - now
          expect(delay).toBeGreaterThanOrEqual(previousDelay)
          expect(delay).toBeLessThanOrEqual(policy.maxDelayMs)
          previousDelay = delay
          now = next.value
          expect(attempts).toBeLessThan(policy.maxAttempts)
        }
        expect(attempts).toBe(policy.maxAttempts)
      }),
    )
  })

  it("gives up on the default policy after 8 attempts, about an hour after the first", () => {
    let now = 0 as Instant
    const schedule: number[] = []
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt({ attempts, now, permanent: false })
      if (Option.isNone(next)) {
        expect(attempts).toBe(defaultRetryPolicy.maxAttempts)
        break
      }
      schedule.push(next.value - now)
      now = next.value
    }
    expect(schedule).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000])
  })
})

describe("operatorRetryAllowed", () => {
  it("allows failed and pending messages only, so a sent message is never queued again", () => {
    fc.assert(
      fc.property(fc.constantFrom(...OutboxStatus.literals), (status) => {
        const id = "msg_00000000000000000000" as MessageId
        const result = operatorRetryAllowed({ id, status })
        expect(Result.isSuccess(result)).toBe(status === "failed" || status === "pending")
        if (Result.isFailure(result)) {
          expect(result.failure).toMatchObject({
            _tag: "OutboxMessageNotRetryable",
            messageId: id,
            status,
          })
        }
      }),
    )
  })
})
