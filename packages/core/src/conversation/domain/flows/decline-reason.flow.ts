import { Result } from "effect"
import type { Flow, Step } from "../flow.ts"
import { type Option, optionsReply, pickOption, stepTemplate, textStep } from "./steps.ts"

const flow = "decline_reason"
const step = "reason"

/** The most a typed reason may be (the use case's `Reason`). */
export const declineReasonMax = 1000

/** Tapped reasons, in the words kept on the offer; "skip" gives none. */
export const declineReasons: ReadonlyArray<Option> = [
  { value: "too_far", title: "Too far away" },
  { value: "too_busy", title: "Too busy" },
  { value: "skip", title: "Skip" },
]

/** What a tapped reason is kept as (its title, in lower case: "too far away"). */
const reasonWords = (option: Option): string => option.title.toLowerCase()

const typed = textStep({
  flow,
  id: step,
  question: () => "",
  min: 1,
  max: declineReasonMax,
  tooShort: 'Type your reason, or tap "Skip".',
})

const reasonStep: Step = {
  id: step,
  prompt: () => [
    optionsReply(
      stepTemplate(flow, step),
      'Why did you decline? It helps us send you leads that suit you. Tap a reason, type your own, or tap "Skip".',
      step,
      declineReasons,
    ),
  ],
  // A tap (or its number or title typed) picks a reason; anything else typed is the reason.
  parse: (content, context) => {
    const picked = pickOption(content, step, declineReasons)
    if (picked !== undefined) {
      return Result.succeed({ value: picked.value === "skip" ? "" : reasonWords(picked) })
    }
    return content._tag === "text"
      ? typed.parse(content, context)
      : Result.fail('Type your reason, or tap "Skip".')
  },
}

/**
 * After a lead is declined in the chat (the decline has gone through: dispatch has moved
 * on), the provider may say why, as the lead page's form lets them. `offerId` is set when
 * the flow starts; `reason` is "" when they skipped.
 */
export const declineReasonFlow: Flow = { id: flow, steps: [reasonStep] }

/** The reason a completed decline-reason flow holds, or undefined when skipped. */
export const declineReasonOf = (data: Readonly<Record<string, unknown>>): string | undefined =>
  typeof data[step] === "string" && data[step] !== "" ? data[step] : undefined

/**
 * How long the optional question waits for its answer. After that a message is not taken
 * as the reason (the provider has moved on, and "hi" the next day is no reason): the
 * question lapses and the message is handled as if it had not been asked.
 */
export const declineReasonWaitMs = 30 * 60_000

export const declineReasonLapsed = (
  position: { readonly flow: string; readonly startedAt: number },
  now: number,
): boolean => position.flow === flow && now - position.startedAt >= declineReasonWaitMs
