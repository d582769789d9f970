import { Schema } from "effect"

/** A phone number in E.164 form: "+" then 8 to 15 digits, no spaces. */
export const Phone = Schema.String.check(
  Schema.isPattern(/^\+[1-9][0-9]{7,14}$/, {
    message: "must be an E.164 phone number such as +27821234567",
  }),
).pipe(Schema.brand("Phone"))
export type Phone = typeof Phone.Type

/** Accepts common spellings ("+27 82 123 4567", "0027821234567") and returns E.164 text. */
export const normalizePhone = (raw: string): string => {
  const compact = raw.replace(/[\s().-]/g, "")
  return compact.startsWith("00") ? `+${compact.slice(2)}` : compact
}

export const Email = Schema.String.check(
  Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: "must be an email address" }),
).pipe(Schema.brand("Email"))
export type Email = typeof Email.Type
