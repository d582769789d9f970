import { Option } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { DeliveryState } from "../../conversation/domain/inbound.ts"
import { advanceDelivery, isPermanentWhatsAppError } from "./delivery-status.ops.ts"

const arbState = fc.constantFrom<DeliveryState>("sent", "delivered", "read", "failed")

/** The state after applying `reports` in order, starting from nothing recorded. */
const replay = (reports: ReadonlyArray<DeliveryState>): DeliveryState | undefined =>
  reports.reduce<DeliveryState | undefined>(
    (current, incoming) => Option.getOrElse(advanceDelivery(current, incoming), () => current),
    undefined,
  )

describe("advanceDelivery", () => {
  it("ends in the same state whatever order and however often the statuses arrive", () => {
    fc.assert(
      fc.property(
        fc.array(arbState, { minLength: 1, maxLength: 12 }).chain((reports) =>
          fc.tuple(
            fc.constant(reports),
            fc.shuffledSubarray([...reports, ...reports], {
              minLength: reports.length * 2,
            }),
          ),
        ),
        ([reports, reordered]) => {
          expect(replay(reordered)).toBe(replay(reports))
        },
      ),
    )
  })

  it("a replay of the current state is a no-op", () => {
    fc.assert(
      fc.property(fc.array(arbState, { minLength: 1, maxLength: 8 }), (reports) => {
        const current = replay(reports)
        expect(Option.isNone(advanceDelivery(current, current!))).toBe(true)
      }),
    )
  })

  it("never moves back: once delivered or read, sent does not return", () => {
    fc.assert(
      fc.property(fc.array(arbState, { maxLength: 8 }), arbState, (before, after) => {
        const current = replay([...before, "delivered"])
        const next = Option.getOrElse(advanceDelivery(current, after), () => current)
        expect(["delivered", "read"]).toContain(next)
      }),
    )
  })

  it("a skipped delivered is fine: read straight after sent is read", () => {
    expect(replay(["sent", "read"])).toBe("read")
    expect(replay(["read", "delivered", "sent"])).toBe("read")
  })

  it("a failure replaces sent, and proof of delivery replaces a failure, not the reverse", () => {
    fc.assert(
      fc.property(fc.constantFrom<DeliveryState>("delivered", "read"), (proof) => {
        expect(replay(["sent", "failed"])).toBe("failed")
        expect(replay(["failed", "sent"])).toBe("failed")
        expect(replay(["failed", proof])).toBe(proof)
        expect(replay([proof, "failed"])).toBe(proof)
      }),
    )
  })
})

describe("isPermanentWhatsAppError", () => {
  it("never retries undeliverable, opted out, closed window, experiment, bad token", () => {
    for (const code of [131026, 131050, 131047, 130472, 131049, 131051, 130403, 100, 190]) {
      expect(isPermanentWhatsAppError(code)).toBe(true)
    }
  })

  it("retries throttling and server trouble", () => {
    for (const code of [4, 613, 80007, 130429, 131048, 131056, 131000, 131016, 133004]) {
      expect(isPermanentWhatsAppError(code)).toBe(false)
    }
  })

  it("treats every template error (132000-132016) as permanent and unknown codes as transient", () => {
    fc.assert(
      fc.property(fc.integer({ min: 132_000, max: 132_016 }), (code) => {
        expect(isPermanentWhatsAppError(code)).toBe(true)
      }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 200_000, max: 10_000_000 }), (code) => {
        expect(isPermanentWhatsAppError(code)).toBe(false)
      }),
    )
  })
})
