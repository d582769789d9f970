import { Result } from "effect"
import { actionId } from "../commands.ops.ts"
import type { Flow, Step, StepContext } from "../flow.ts"
import { buttonsReply } from "../replies.ts"
import { isWord, slugListCheck, stepTemplate, textStep } from "./steps.ts"

const flow = "apply"

export const maxEvidence = 10

const tradeHint = (context: StepContext): string => {
  const known = (context.policy.catalog?.categories ?? []).map((c) => c.id)
  return known.length === 0 ? "plumbing, electrical" : known.slice(0, 10).join(", ")
}

const evidenceButtons = (body: string) =>
  buttonsReply(stepTemplate(flow, "documents"), body, [
    { id: actionId.answer("documents", "done"), title: "Done" },
  ])

/** ID, certificates and photos of past work, one file per message; "done" moves on. */
const documentsStep: Step = {
  id: "documents",
  prompt: () => [
    evidenceButtons(
      "Send your ID, any certificates and photos of your work (one per message), then tap Done.",
    ),
  ],
  ack: (context) => {
    const count = (context.data.documents as ReadonlyArray<string> | undefined)?.length ?? 0
    return [evidenceButtons(`Got ${count} file${count === 1 ? "" : "s"}. Send more, or tap Done.`)]
  },
  parse: (content, context) => {
    const sofar = (context.data.documents as ReadonlyArray<string> | undefined) ?? []
    if (isWord(content, "documents", "done") || isWord(content, "documents", "skip")) {
      return Result.succeed({ value: sofar })
    }
    if (content._tag === "media" && (content.kind === "image" || content.kind === "document")) {
      if (content.storedKey === undefined) {
        return Result.fail("I could not save that file. Please send it again.")
      }
      if (sofar.length >= maxEvidence) return Result.fail(`That is ${maxEvidence} files: tap Done.`)
      return Result.succeed({ value: [...sofar, content.storedKey], stay: true })
    }
    return Result.fail("Please send a photo or a document, or tap Done.")
  },
}

const experienceCheck = (text: string) => {
  const years = Number(text.replace(/\s*(years?|yrs?)$/iu, ""))
  return Number.isInteger(years) && years >= 0 && years <= 70
    ? Result.succeed({ value: years })
    : Result.fail("Please type a whole number of years, like 5.")
}

/**
 * A provider's application: trades, areas, experience, availability and evidence; the
 * completion writes the profile and submits the application for review.
 */
export const applyFlow: Flow = {
  id: flow,
  steps: [
    textStep({
      flow,
      id: "categories",
      question: (context) =>
        `Which trades do you offer? Separate them with commas, like: ${tradeHint(context)}.`,
      min: 1,
      max: 500,
      tooShort: "Please name at least one trade.",
      check: slugListCheck("a trade", 20),
    }),
    textStep({
      flow,
      id: "serviceAreas",
      question: () =>
        'Which areas do you work in? Separate them with commas, like "soweto, randburg".',
      min: 1,
      max: 1000,
      tooShort: "Please name at least one area.",
      check: slugListCheck("an area", 50),
    }),
    textStep({
      flow,
      id: "experienceYears",
      question: () => "How many years of experience do you have?",
      min: 1,
      max: 10,
      tooShort: "Please type a number of years.",
      check: experienceCheck,
    }),
    textStep({
      flow,
      id: "availability",
      question: () => 'When do you usually work? Like "weekdays 08:00-17:00".',
      min: 1,
      max: 200,
      tooShort: "Please say when you work.",
    }),
    documentsStep,
  ],
  stepOfField: { profile: "categories" },
}
