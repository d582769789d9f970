/**
 * Amounts for people. The ledger counts in bigint minor units (cents, kobo) and credits;
 * they are formatted here with bigint arithmetic only, so no amount ever passes through a
 * float and a balance of 2^60 cents prints to the cent.
 */

/** Digits after the decimal point of each currency the policy allows. */
const minorDigits: Readonly<Record<string, number>> = {
  ZAR: 2,
  NGN: 2,
  KES: 2,
  GHS: 2,
  USD: 2,
}

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/** "ZAR 1,234.50"; negative amounts as "-ZAR 12.00". */
export const formatMoney = (minor: bigint, currency: string): string => {
  const digits = minorDigits[currency] ?? 2
  const sign = minor < 0n ? "-" : ""
  const abs = minor < 0n ? -minor : minor
  const scale = 10n ** BigInt(digits)
  const whole = group((abs / scale).toString())
  const fraction = digits === 0 ? "" : `.${(abs % scale).toString().padStart(digits, "0")}`
  return `${sign}${currency} ${whole}${fraction}`
}

/** "1 credit", "1,200 credits". */
export const formatCredits = (credits: bigint | number): string => {
  const n = BigInt(credits)
  const abs = n < 0n ? -n : n
  return `${n < 0n ? "-" : ""}${group(abs.toString())} ${abs === 1n ? "credit" : "credits"}`
}

/** A ledger amount in its unit: credits as whole numbers, money with its currency. */
export const formatAmount = (amount: bigint, unit: string): string =>
  unit === "CREDIT" ? formatCredits(amount) : formatMoney(amount, unit)

/** A statement change, always signed: "+10 credits", "-ZAR 5.00". */
export const formatChange = (change: bigint, unit: string): string =>
  change > 0n ? `+${formatAmount(change, unit)}` : formatAmount(change, unit)
