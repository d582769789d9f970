import { Schema } from "effect"

/**
 * C0 and C1 control characters but tab, line feed and carriage return: typed text never
 * holds them, and printed in a terminal (the ops CLI) they are commands, not text.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu

/**
 * `text` without the control characters `Text` refuses: for text taken as typed from a
 * channel (a WhatsApp message), where asking again for a stray invisible byte would only
 * puzzle the person.
 */
export const withoutControlCharacters = (text: string): string =>
  text.replace(controlCharacters, "")

/**
 * Free text a person typed (a reason, a question, a description): from `min` to `max`
 * characters, not only spaces (a reason of spaces would be sent to someone as if it said
 * something), and no control characters (line breaks and tabs are text).
 */
export const Text = (min: number, max: number) => {
  const checked = Schema.String.check(
    Schema.isMaxLength(max),
    Schema.isPattern(/\S/u, { message: "must not be blank" }),
    Schema.makeFilter((s: string) =>
      controlCharacter.test(s) ? "must not contain control characters" : undefined,
    ),
  )
  // Empty text is blank: one message for it, not two.
  return min > 1 ? checked.check(Schema.isMinLength(min)) : checked
}

/**
 * The word with its indefinite article, by how it sounds at its start: "an electrical",
 * "an urgent", "a plumbing", "a uniform" (a "you" sound), "an hour" (a silent h).
 */
export const withArticle = (word: string): string => {
  const w = word.trim().toLowerCase()
  const youSound = /^(u[bcfhjkl-z][aeiou]|uni|use|usu|ute|eu|ewe|one)/u.test(w)
  const silentH = /^(hour|honest|honou?r|heir)/u.test(w)
  const vowel = /^[aeiou]/u.test(w)
  return `${(vowel && !youSound) || silentH ? "an" : "a"} ${word}`
}
