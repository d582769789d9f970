import { Result } from "effect"
import type { ProposedTimesInvalid } from "../../../dispatch/domain/dispatch.errors.ts"
import {
  proposeDaysAhead,
  proposedSlotMinutes,
  validateNextProposedTime,
} from "../../../dispatch/domain/offer.ops.ts"
import type { TimeWindow } from "../../../dispatch/domain/service-request.ts"
import { parseWindow, windowExample } from "../availability.ops.ts"
import type { Flow, Step } from "../flow.ts"
import { textReply } from "../replies.ts"
import { stepTemplate } from "./steps.ts"

const flow = "propose_times"

const ordinal = ["first", "second", "third"] as const

/** Why the time just typed cannot be proposed, in words; the earlier times stand. */
export const slotRefusal = (error: ProposedTimesInvalid): string => {
  switch (error._tag) {
    case "SlotEndsBeforeStart":
      return "The end of the time must come after its start."
    case "SlotNotInFuture":
      return "That time has already started: give one in the future."
    case "SlotLengthOutOfBounds":
      return `Each time must last at least ${proposedSlotMinutes.min} minutes and at most ${proposedSlotMinutes.max / 60} hours.`
    case "SlotTooFarAhead":
      return `Each time must end within the next ${proposeDaysAhead} days.`
    case "DuplicateSlots":
      return `That is the same as your ${ordinal[error.first]} time: give a different one.`
    case "OverlappingSlots":
      return `That overlaps your ${ordinal[error.first]} time: give one that does not.`
    case "WrongNumberOfSlots":
      return "Propose exactly three times."
  }
}

/** The times already typed in this flow, in order (read defensively: stored as JSON). */
const earlierSlots = (data: Readonly<Record<string, unknown>>, index: number) =>
  [data.slot1, data.slot2]
    .slice(0, index)
    .filter(
      (w): w is TimeWindow =>
        typeof w === "object" &&
        w !== null &&
        typeof (w as TimeWindow).start === "number" &&
        typeof (w as TimeWindow).end === "number",
    )

/** One of the three times, typed like "tomorrow 9-12", starting in the future. */
const slotStep = (index: 0 | 1 | 2): Step => ({
  id: `slot${index + 1}`,
  prompt: () => [
    textReply(
      stepTemplate(flow, `slot${index + 1}`),
      `Type the ${ordinal[index]} time you can come, like "${windowExample}".`,
    ),
  ],
  parse: (content, context) => {
    if (content._tag !== "text") return Result.fail(`Please type a time, like "${windowExample}".`)
    const parsed = parseWindow(content.body, context.now, context.policy.timeZone)
    if (parsed._tag === "Failure") return Result.fail(parsed.failure)
    // The rule for proposed times, against the times typed before this one: a duplicate or
    // an overlap is refused here, and only this time is asked again.
    const checked = validateNextProposedTime(
      parsed.success,
      earlierSlots(context.data, index),
      context.now,
    )
    if (checked._tag === "Failure") return Result.fail(slotRefusal(checked.failure))
    return Result.succeed({ value: checked.success })
  },
})

/**
 * A provider proposes exactly three other times for a lead (`offerId` set when the flow
 * starts). Each time is checked as it is typed against the ones before it (the same rule
 * proposeTimes applies to the three), so a mistake costs one answer, not all three.
 */
export const proposeTimesFlow: Flow = {
  id: flow,
  steps: [slotStep(0), slotStep(1), slotStep(2)],
  stepOfField: { slots: "slot1" },
}
