import { Result } from "effect"
import { withoutControlCharacters } from "../../shared/text.ts"
import type { InboundContent } from "./inbound.ts"

/** A homeowner's request that waits for their answer to ops' question. */
export interface WaitingQuestion {
  readonly id: string
  readonly category: string
  readonly question: string
}

/** The longest answer answerClarification takes. */
export const maxAnswerLength = 2000

/**
 * What a homeowner's message answers, when they have questions waiting:
 * - `Answer`: the one request it answers;
 * - `Which`: several could be meant, ask which (in the order given);
 * - `AnsweredAlready`: they replied to a question of ours that waits no more (answered, or
 *   replaced by a newer one); `still` are the questions that do wait;
 * - `Nothing`: no question waits, the message is not an answer.
 */
export type ClarificationTarget<W extends WaitingQuestion> =
  | { readonly _tag: "Answer"; readonly request: W }
  | { readonly _tag: "Which"; readonly among: ReadonlyArray<W> }
  | { readonly _tag: "AnsweredAlready"; readonly still: ReadonlyArray<W> }
  | { readonly _tag: "Nothing" }

/**
 * Picks the request a message answers. `repliedTo` is set when the message replies in
 * context to one of our clarification messages: `asks` says whether that message asked a
 * waiting request's question, and it decides; without a context, one waiting request is
 * the one, several are asked about.
 */
export const clarificationTarget = <W extends WaitingQuestion>(
  waiting: ReadonlyArray<W>,
  repliedTo: ((request: W) => boolean) | undefined,
): ClarificationTarget<W> => {
  if (repliedTo !== undefined) {
    const named = waiting.filter(repliedTo)
    const [only, ...others] = named
    if (only === undefined) return { _tag: "AnsweredAlready", still: waiting }
    return others.length === 0 ? { _tag: "Answer", request: only } : { _tag: "Which", among: named }
  }
  const [only, ...others] = waiting
  if (only === undefined) return { _tag: "Nothing" }
  return others.length === 0 ? { _tag: "Answer", request: only } : { _tag: "Which", among: waiting }
}

/**
 * The answer a message gives, as answerClarification takes it (trimmed, no control bytes,
 * 1 to 2000 characters), or what to tell the homeowner instead: an answer is words, so a
 * photo, a voice note or a pin is asked to be typed (a photo's caption is its answer).
 */
export const answerText = (content: InboundContent): Result.Result<string, string> => {
  const typed =
    content._tag === "text" ? content.body : content._tag === "media" ? content.caption : undefined
  if (typed === undefined) {
    return Result.fail(
      "Please type your answer as a message: I can only pass on written answers to our team.",
    )
  }
  const text = withoutControlCharacters(typed).trim()
  if (text.length === 0) return Result.fail("Your answer was empty: please type it as a message.")
  if (text.length > maxAnswerLength) {
    return Result.fail(
      `Your answer is too long: please keep it under ${maxAnswerLength} characters.`,
    )
  }
  return Result.succeed(text)
}
