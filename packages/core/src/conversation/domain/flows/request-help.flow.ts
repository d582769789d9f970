import { Result } from "effect"
import type { Urgency } from "../../../policy/policy.ts"
import { availabilityHint, parseAvailability } from "../availability.ops.ts"
import { actionId } from "../commands.ops.ts"
import type { Flow, Step, StepContext } from "../flow.ts"
import { buttonsReply, locationRequestReply, textReply } from "../replies.ts"
import { choiceStep, isWord, slugCheck, stepTemplate, textStep } from "./steps.ts"

const flow = "request_help"

/** Where the request is: an area code typed, or a pin (then the area is asked next). */
export type LocationAnswer =
  | { readonly area: string }
  | {
      readonly point: { readonly lat: number; readonly lng: number }
      readonly street?: string
    }

export const maxChatPhotos = 5

const urgencies: ReadonlyArray<{ value: Urgency; title: string; description: string }> = [
  { value: "emergency", title: "Emergency", description: "Danger or damage right now" },
  { value: "urgent", title: "Today", description: "It cannot wait until tomorrow" },
  { value: "normal", title: "This week", description: "Soon, within a few days" },
  { value: "low", title: "No rush", description: "Whenever suits a provider" },
]

const categories = (context: StepContext) =>
  (context.policy.catalog?.categories ?? []).map((c) => ({ value: c.id, title: c.name }))

/** From the policy's catalogue; a marketplace without one takes a typed trade ("plumbing"). */
const categoryStep: Step = {
  id: "category",
  prompt: (context) =>
    categories(context).length === 0
      ? [
          textReply(
            stepTemplate(flow, "category"),
            'What kind of help do you need? Type a trade, like "plumbing".',
          ),
        ]
      : choiceStep({
          flow,
          id: "category",
          question: () => "What do you need help with?",
          options: categories,
          button: "Categories",
        }).prompt(context),
  parse: (content, context) =>
    categories(context).length === 0
      ? content._tag === "text"
        ? slugCheck("a trade")(content.body)
        : Result.fail('Please type a trade, like "plumbing".')
      : choiceStep({ flow, id: "category", question: () => "", options: categories }).parse(
          content,
          context,
        ),
}

const locationStep: Step = {
  id: "location",
  prompt: () => [
    locationRequestReply(
      stepTemplate(flow, "location"),
      'Where is it? Share a location pin, or type your area, like "soweto".',
    ),
  ],
  parse: (content) => {
    if (content._tag === "location") {
      const street = content.address ?? content.name
      return Result.succeed({
        value: {
          point: { lat: content.latitude, lng: content.longitude },
          ...(street === undefined || street.trim().length === 0
            ? {}
            : { street: street.trim().slice(0, 300) }),
        },
      })
    }
    if (content._tag === "text") {
      const area = slugCheck("an area")(content.body)
      return Result.map(area, (answer) => ({ value: { area: answer.value } }))
    }
    return Result.fail("Please share a location pin or type your area.")
  },
}

const hasPin = (context: StepContext) => {
  const location = context.data.location as LocationAnswer | undefined
  return location !== undefined && "point" in location
}

const photoButtons = (body: string) =>
  buttonsReply(stepTemplate(flow, "photos"), body, [
    { id: actionId.answer("photos", "done"), title: "Done" },
    { id: actionId.answer("photos", "skip"), title: "Skip" },
  ])

/** Any number of photos (up to the cap), one message each; "done" or "skip" moves on. */
const photosStep: Step = {
  id: "photos",
  prompt: () => [
    photoButtons("Send photos of the problem if you can, then tap Done. Or tap Skip."),
  ],
  ack: (context) => {
    const count = (context.data.photos as ReadonlyArray<string> | undefined)?.length ?? 0
    return [photoButtons(`Got ${count} photo${count === 1 ? "" : "s"}. Send another, or tap Done.`)]
  },
  parse: (content, context) => {
    const sofar = (context.data.photos as ReadonlyArray<string> | undefined) ?? []
    if (isWord(content, "photos", "skip") || isWord(content, "photos", "done")) {
      return Result.succeed({ value: sofar })
    }
    if (content._tag === "media" && content.kind === "image") {
      if (content.storedKey === undefined) {
        return Result.fail("I could not save that photo. Please send it again, or tap Skip.")
      }
      if (sofar.length >= maxChatPhotos) {
        return Result.fail(`That is ${maxChatPhotos} photos already: tap Done.`)
      }
      return Result.succeed({ value: [...sofar, content.storedKey], stay: true })
    }
    return Result.fail("Please send a photo, or tap Done or Skip.")
  },
}

const availabilityStep: Step = {
  id: "availability",
  prompt: () => [
    buttonsReply(
      stepTemplate(flow, "availability"),
      `When can a provider come? ${availabilityHint}`,
      [{ id: actionId.answer("availability", "now"), title: "Now" }],
    ),
  ],
  parse: (content, context) => {
    if (isWord(content, "availability", "now")) return Result.succeed({ value: "now" })
    if (content._tag !== "text") return Result.fail(availabilityHint)
    return Result.map(
      parseAvailability(content.body, context.now, context.policy.timeZone),
      (value) => ({
        value,
      }),
    )
  },
}

/**
 * A homeowner asks for help: what, where, photos, how urgent, how (when virtual
 * consultations are offered) and when. The completion submits the request.
 */
export const requestHelpFlow: Flow = {
  id: flow,
  steps: [
    categoryStep,
    textStep({
      flow,
      id: "description",
      question: () => "Describe the problem in a few words: what happened, and where in the house?",
      min: 10,
      max: 2000,
      tooShort: "Please tell us a bit more: at least 10 characters.",
    }),
    locationStep,
    textStep({
      flow,
      id: "area",
      when: hasPin,
      question: () => 'Thanks. Which area is that? Type it, like "soweto".',
      min: 1,
      max: 60,
      tooShort: 'Please type your area, like "soweto".',
      check: slugCheck("an area"),
    }),
    photosStep,
    choiceStep({
      flow,
      id: "urgency",
      question: () => "How urgent is it?",
      options: () => urgencies,
      button: "Urgency",
    }),
    choiceStep({
      flow,
      id: "mode",
      when: (context) => context.policy.catalog?.virtualConsultation !== undefined,
      question: (context) =>
        `Would a video call help (${context.policy.catalog?.virtualConsultation?.minutes ?? 30} minutes), or do you need someone in person?`,
      options: () => [
        { value: "virtual", title: "Video call" },
        { value: "in_person", title: "In person" },
      ],
    }),
    availabilityStep,
  ],
  stepOfField: { location: "location", photos: "photos", customerId: "category" },
}
