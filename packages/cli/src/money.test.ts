import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { formatAmount, formatChange, formatCredits, formatMoney } from "./money.ts"

describe("money for people", () => {
  it("shows minor units with the currency and two decimals", () => {
    expect(formatMoney(0n, "ZAR")).toBe("ZAR 0.00")
    expect(formatMoney(5n, "ZAR")).toBe("ZAR 0.05")
    expect(formatMoney(123450n, "ZAR")).toBe("ZAR 1,234.50")
    expect(formatMoney(-1200n, "NGN")).toBe("-NGN 12.00")
    expect(formatMoney(100_000_000_00n, "USD")).toBe("USD 100,000,000.00")
  })

  it("is exact far past what a float can hold", () => {
    expect(formatMoney(2n ** 63n - 1n, "ZAR")).toBe("ZAR 92,233,720,368,547,758.07")
  })

  it("reads back as the same number of minor units, for any amount (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (minor) => {
        const text = formatMoney(minor, "KES")
        const m = /^(-?)KES ([\d,]+)\.(\d\d)$/.exec(text)
        expect(m, text).not.toBeNull()
        const back = BigInt(m![2]!.replaceAll(",", "") + m![3]!) * (m![1] === "-" ? -1n : 1n)
        expect(back).toBe(minor)
      }),
    )
  })

  it("counts credits as whole numbers", () => {
    expect(formatCredits(1)).toBe("1 credit")
    expect(formatCredits(0n)).toBe("0 credits")
    expect(formatCredits(1200n)).toBe("1,200 credits")
    expect(formatCredits(-1n)).toBe("-1 credit")
  })

  it("formats a ledger amount by its unit, and changes with their sign", () => {
    expect(formatAmount(50n, "CREDIT")).toBe("50 credits")
    expect(formatAmount(50n, "ZAR")).toBe("ZAR 0.50")
    expect(formatChange(10n, "CREDIT")).toBe("+10 credits")
    expect(formatChange(-250n, "ZAR")).toBe("-ZAR 2.50")
  })
})
