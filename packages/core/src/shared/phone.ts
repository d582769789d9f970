import { Schema, SchemaGetter } from "effect"

/** A phone number in E.164 form: "+" then 8 to 15 digits, no spaces. */
export const Phone = Schema.String.check(
  Schema.isPattern(/^\+[1-9][0-9]{7,14}$/u, {
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
  Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/u, { message: "must be an email address" }),
).pipe(Schema.brand("Email"))
export type Email = typeof Email.Type

/**
 * A phone number as people type it ("+27 82 123 4567", "0027821234567"), decoded to E.164.
 * Entrances (API, CLI, WhatsApp) accept this; the stored form is always `Phone`.
 */
export const PhoneInput = Schema.String.pipe(
  Schema.decodeTo(Phone, {
    decode: SchemaGetter.transform(normalizePhone),
    encode: SchemaGetter.transform((phone: string) => phone),
  }),
)
