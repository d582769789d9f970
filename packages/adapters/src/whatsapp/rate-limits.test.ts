import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fullBucket, type TokenBucket, takeToken } from "./rate-limits.ts"

/** A rate as WHATSAPP_MPS or the pair pace would give: capacity and tokens per ms. */
const arbLimit = fc.oneof(
  fc.integer({ min: 1, max: 1_000 }).map((mps) => ({ capacity: mps, perMs: mps / 1_000 })),
  fc
    .record({
      burst: fc.integer({ min: 1, max: 10 }),
      intervalMs: fc.integer({ min: 1, max: 60_000 }),
    })
    .map(({ burst, intervalMs }) => ({ capacity: burst, perMs: 1 / intervalMs })),
)

/** Attempts at non-decreasing times, as a clock gives them. */
const arbGaps = fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 })

describe("takeToken", () => {
  it("never lets more through than the burst plus the rate times the elapsed time", () => {
    fc.assert(
      fc.property(arbLimit, arbGaps, ({ capacity, perMs }, gaps) => {
        let bucket: TokenBucket = fullBucket(capacity, perMs, 0)
        let now = 0
        let taken = 0
        for (const gap of gaps) {
          now += gap
          const result = takeToken(bucket, now)
          bucket = result.bucket
          if (result.waitMs === 0) taken++
          expect(taken).toBeLessThanOrEqual(capacity + now * perMs + 1e-9)
          expect(bucket.tokens).toBeGreaterThanOrEqual(0)
          expect(bucket.tokens).toBeLessThanOrEqual(capacity)
        }
      }),
    )
  })

  it("a refused take says how long to wait, and a take then succeeds (not a moment sooner)", () => {
    fc.assert(
      fc.property(arbLimit, arbGaps, ({ capacity, perMs }, gaps) => {
        let bucket: TokenBucket = fullBucket(capacity, perMs, 0)
        let now = 0
        for (const gap of gaps) {
          now += gap
          const result = takeToken(bucket, now)
          bucket = result.bucket
          if (result.waitMs > 0) {
            expect(takeToken(bucket, now + result.waitMs).waitMs).toBe(0)
            if (result.waitMs > 1)
              expect(takeToken(bucket, now + result.waitMs - 2).waitMs).toBeGreaterThan(0)
          }
        }
      }),
    )
  })

  it("lets a full burst through at once, then refuses", () => {
    fc.assert(
      fc.property(arbLimit, fc.nat(1_000_000), ({ capacity, perMs }, now) => {
        let bucket = fullBucket(capacity, perMs, now)
        for (let i = 0; i < capacity; i++) {
          const result = takeToken(bucket, now)
          expect(result.waitMs).toBe(0)
          bucket = result.bucket
        }
        expect(takeToken(bucket, now).waitMs).toBeGreaterThan(0)
      }),
    )
  })

  it("a clock that goes backwards gives no tokens", () => {
    fc.assert(
      fc.property(arbLimit, fc.integer({ min: 1, max: 100_000 }), ({ capacity, perMs }, back) => {
        let bucket = fullBucket(capacity, perMs, 1_000_000)
        for (let i = 0; i < capacity; i++) bucket = takeToken(bucket, 1_000_000).bucket
        expect(takeToken(bucket, 1_000_000 - back).waitMs).toBeGreaterThan(0)
      }),
    )
  })
})
