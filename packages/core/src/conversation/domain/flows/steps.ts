import { Result } from "effect"
import { withoutControlCharacters } from "../../../shared/text.ts"
import { actionId, tappedId } from "../commands.ops.ts"
import type { Step, StepContext, StepParse } from "../flow.ts"
import type { InboundContent } from "../inbound.ts"
import { WhatsAppLimits } from "../intent.ops.ts"
import { buttonsReply, listReply, type Reply, textReply } from "../replies.ts"

/**
 * Step builders: the few kinds of question flows ask (free text, one choice of a few),
 * so a flow is a list of data, and each kind reads replies the same way everywhere.
 */

export const stepTemplate = (flow: string, step: string) => `conversation.${flow}.${step}`

export interface Option {
  readonly value: string
  readonly title: string
  readonly description?: string
}

/** A tap on `ans:<step>:<value>` or the typed number, value or title of an option. */
export const pickOption = (
  content: InboundContent,
  stepId: string,
  options: ReadonlyArray<Option>,
): Option | undefined => {
  const id = tappedId(content)
  if (id !== undefined) {
    const prefix = actionId.answer(stepId, "")
    return id.startsWith(prefix)
      ? options.find((o) => o.value === id.slice(prefix.length))
      : undefined
  }
  if (content._tag !== "text") return undefined
  const typed = content.body.trim().toLowerCase()
  const byNumber = /^\d{1,2}$/u.test(typed) ? options[Number(typed) - 1] : undefined
  return byNumber ?? options.find((o) => o.value === typed || o.title.toLowerCase() === typed)
}

/** Up to three options as reply buttons, more as a list (the first ten: WhatsApp's limit). */
export const optionsReply = (
  template: string,
  body: string,
  stepId: string,
  options: ReadonlyArray<Option>,
  button = "Choose",
): Reply =>
  options.length <= WhatsAppLimits.buttons.max
    ? buttonsReply(
        template,
        body,
        options.map((o) => ({ id: actionId.answer(stepId, o.value), title: o.title })),
      )
    : listReply(
        template,
        body,
        button,
        options.map((o) => ({
          id: actionId.answer(stepId, o.value),
          title: o.title,
          ...(o.description === undefined ? {} : { description: o.description }),
        })),
      )

const optionNames = (options: ReadonlyArray<Option>): string =>
  options
    .slice(0, WhatsAppLimits.list.rows)
    .map((o) => o.title)
    .join(", ")

export const choiceStep = (spec: {
  readonly flow: string
  readonly id: string
  readonly question: (context: StepContext) => string
  readonly options: (context: StepContext) => ReadonlyArray<Option>
  readonly button?: string
  readonly when?: (context: StepContext) => boolean
}): Step => ({
  id: spec.id,
  ...(spec.when === undefined ? {} : { when: spec.when }),
  prompt: (context) => [
    optionsReply(
      stepTemplate(spec.flow, spec.id),
      spec.question(context),
      spec.id,
      // Only what fits can be chosen: a list shows ten rows at most.
      spec.options(context).slice(0, WhatsAppLimits.list.rows),
      spec.button,
    ),
  ],
  parse: (content, context) => {
    const options = spec.options(context).slice(0, WhatsAppLimits.list.rows)
    const picked = pickOption(content, spec.id, options)
    return picked === undefined
      ? Result.fail(`Please choose one of: ${optionNames(options)}.`)
      : Result.succeed({ value: picked.value })
  },
})

/** Free text between `min` and `max` characters, trimmed, without control characters. */
export const textStep = (spec: {
  readonly flow: string
  readonly id: string
  readonly question: (context: StepContext) => string
  readonly min: number
  readonly max: number
  readonly tooShort: string
  readonly when?: (context: StepContext) => boolean
  /** A further check of the trimmed text (a slug, a number...). */
  readonly check?: (text: string) => StepParse
}): Step => ({
  id: spec.id,
  ...(spec.when === undefined ? {} : { when: spec.when }),
  prompt: (context) => [textReply(stepTemplate(spec.flow, spec.id), spec.question(context))],
  parse: (content) => {
    if (content._tag !== "text") return Result.fail("Please type your answer as a message.")
    // Invisible control bytes some keyboards send are dropped: the use cases refuse them.
    const text = withoutControlCharacters(content.body).trim()
    if (text.length < spec.min) return Result.fail(spec.tooShort)
    if (text.length > spec.max) return Result.fail(`Please keep it under ${spec.max} characters.`)
    return spec.check === undefined ? Result.succeed({ value: text }) : spec.check(text)
  },
})

const slugPattern = /^[a-z0-9][a-z0-9-]{0,39}$/u

/** "Soweto" or "Cape Town CBD" typed as an area code: lower-case words joined by dashes. */
export const toSlug = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, "-")
    .replace(/^-+|-+$/gu, "")

export const slugCheck =
  (what: string) =>
  (text: string): StepParse => {
    const slug = toSlug(text)
    return slugPattern.test(slug)
      ? Result.succeed({ value: slug })
      : Result.fail(`That does not look like ${what}: use letters and digits, like "soweto".`)
  }

/** A list of slugs typed with commas ("plumbing, electrical"), at most `max`. */
export const slugListCheck =
  (what: string, max: number) =>
  (text: string): StepParse => {
    const slugs = [
      ...new Set(
        text
          .split(/[,;\n]/u)
          .map(toSlug)
          .filter((s) => s.length > 0),
      ),
    ]
    if (slugs.length === 0) return Result.fail(`Please give at least one ${what}.`)
    if (slugs.length > max) return Result.fail(`Please give at most ${max}.`)
    const bad = slugs.find((s) => !slugPattern.test(s))
    return bad === undefined
      ? Result.succeed({ value: slugs })
      : Result.fail(`"${bad}" does not look like ${what}: use letters and digits.`)
  }

/** "skip" and "done" as people type them, or the Skip/Done buttons. */
export const isWord = (content: InboundContent, stepId: string, word: string): boolean => {
  const id = tappedId(content)
  if (id !== undefined) return id === actionId.answer(stepId, word)
  return content._tag === "text" && content.body.trim().toLowerCase() === word
}
