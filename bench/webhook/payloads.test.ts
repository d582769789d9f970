import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { normalizeWebhook } from "../../packages/adapters/src/whatsapp/webhook-normalizer.ts"
import { verifySignature } from "../../packages/adapters/src/whatsapp/webhook-signature.ts"
import { type Instant, inboxKey } from "../../packages/core/src/index.ts"
import { percentile } from "../ledger/stats.ts"
import { encodeBody, makeDelivery, makeRandom, signature } from "./payloads.ts"

const at = 1_800_000_000_000

describe("bench:webhook deliveries", () => {
  it("normalize to exactly the keys they claim, 1 to 10 updates, nothing skipped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.nat(1_000_000), (seed, seq) => {
        const delivery = makeDelivery("run1", seq, makeRandom(seed), at)
        expect(delivery.keys.length).toBeGreaterThanOrEqual(1)
        expect(delivery.keys.length).toBeLessThanOrEqual(10)
        const normalized = normalizeWebhook(JSON.parse(encodeBody(delivery.body)), at as Instant)
        expect(normalized.ignored).toBeUndefined()
        expect(normalized.skipped).toEqual([])
        expect(normalized.updates.map(inboxKey).sort()).toEqual([...delivery.keys].sort())
        expect(new Set(delivery.keys).size).toBe(delivery.keys.length)
      }),
    )
  })

  it("never repeat an id across the deliveries of a run", () => {
    const random = makeRandom(7)
    const keys = Array.from({ length: 500 }, (_, seq) => makeDelivery("run1", seq, random, at).keys)
    const all = keys.flat()
    expect(new Set(all).size).toBe(all.length)
  })

  it("mix every kind in over a few hundred deliveries", () => {
    const random = makeRandom(11)
    const kinds = new Set(
      Array.from({ length: 300 }, (_, seq) => makeDelivery("run1", seq, random, at).kinds).flat(),
    )
    expect([...kinds].sort()).toEqual(
      [
        "button_reply",
        "delivered",
        "failed",
        "image",
        "list_reply",
        "location",
        "read",
        "sent",
        "text",
      ].sort(),
    )
  })

  it("are ASCII on the wire, with accents and emoji escaped, and signed so the webhook verifies", () => {
    const random = makeRandom(3)
    for (let seq = 0; seq < 50; seq++) {
      const delivery = makeDelivery("run1", seq, random, at)
      const body = encodeBody(delivery.body)
      expect(/^[\x20-\x7e]*$/.test(body)).toBe(true)
      expect(JSON.parse(body)).toEqual(delivery.body)
      expect(
        verifySignature("secret", new TextEncoder().encode(body), signature("secret", body)),
      ).toBe(true)
      expect(
        verifySignature("other", new TextEncoder().encode(body), signature("secret", body)),
      ).toBe(false)
    }
  })
})

describe("percentile", () => {
  it("is the nearest-rank value: an element, with at least p% of the values at or below it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b)
          const q = percentile(sorted, p)
          expect(sorted).toContain(q)
          const atOrBelow = sorted.filter((v) => v <= q).length
          const below = sorted.filter((v) => v < q).length
          expect(atOrBelow / sorted.length).toBeGreaterThanOrEqual(p / 100)
          expect(below / sorted.length).toBeLessThan(p / 100)
        },
      ),
    )
  })

  it("is NaN for no values", () => {
    expect(percentile([], 99)).toBeNaN()
  })
})
