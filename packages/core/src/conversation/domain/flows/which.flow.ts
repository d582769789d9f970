import { Result } from "effect"
import type { Flow, FlowData, StepContext } from "../flow.ts"
import { textReply } from "../replies.ts"
import { choiceStep, stepTemplate } from "./steps.ts"

/** One thing a "which one do you mean?" question offers: its id, a short title, a line. */
export interface Choice {
  readonly value: string
  /** A button or row title (shortened to fit). */
  readonly title: string
  /** The line the question lists it by, numbered. */
  readonly line: string
}

/** The choices a which-flow was started with; read defensively (stored as plain JSON). */
export const choicesOf = (data: FlowData): ReadonlyArray<Choice> =>
  Array.isArray(data.choices)
    ? (data.choices as ReadonlyArray<unknown>).filter(
        (c): c is Choice =>
          typeof c === "object" &&
          c !== null &&
          typeof (c as Choice).value === "string" &&
          typeof (c as Choice).title === "string" &&
          typeof (c as Choice).line === "string",
      )
    : []

const step = "which"

/**
 * A flow that asks which of several things the person means (the `choices` it starts with)
 * and keeps what they said before asking (the answer, the slot) for its completion.
 */
const whichFlow = (id: string, question: string): Flow => {
  const choice = choiceStep({
    flow: id,
    id: step,
    question: (context: StepContext) =>
      [question, ...choicesOf(context.data).map((c, i) => `${i + 1}. ${c.line}`)].join("\n"),
    options: (context: StepContext) =>
      choicesOf(context.data).map((c) => ({ value: c.value, title: c.title })),
  })
  const nothingLeft = 'There is nothing left to choose from. Type "menu" to carry on.'
  return {
    id,
    steps: [
      {
        ...choice,
        // Never started without choices; a stored session that lost them still gets words.
        prompt: (context) =>
          choicesOf(context.data).length === 0
            ? [textReply(stepTemplate(id, step), nothingLeft)]
            : choice.prompt(context),
        parse: (content, context) =>
          choicesOf(context.data).length === 0
            ? Result.fail(nothingLeft)
            : choice.parse(content, context),
      },
    ],
  }
}

/** Several requests wait for an answer: which one is this answer for? (`answer`, `choices`) */
export const clarifyFlow = whichFlow("clarify", "Which request is your answer for?")

/**
 * Several providers proposed times: whose does the typed 1/2/3/none mean? (`slot`,
 * `choices`) The choices are numbered sets of times, never names: nobody is assigned yet.
 */
export const pickOfferFlow = whichFlow("pick_offer", "Which set of times do you mean?")

/** The value a which-flow's answer holds: the chosen choice's `value`. */
export const whichAnswer = (data: FlowData): string | undefined =>
  typeof data[step] === "string" ? (data[step] as string) : undefined
