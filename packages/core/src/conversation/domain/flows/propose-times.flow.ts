import { Result } from "effect"
import { parseWindow, windowExample } from "../availability.ops.ts"
import type { Flow, Step } from "../flow.ts"
import { textReply } from "../replies.ts"
import { stepTemplate } from "./steps.ts"

const flow = "propose_times"

const ordinal = ["first", "second", "third"] as const

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
    if (parsed.success.start <= context.now) {
      return Result.fail("That time has already started: give one in the future.")
    }
    return Result.succeed({ value: parsed.success })
  },
})

/**
 * A provider proposes exactly three other times for a lead (`offerId` set when the flow
 * starts); the rules (distinct, not overlapping) are proposeTimes' to check.
 */
export const proposeTimesFlow: Flow = {
  id: flow,
  steps: [slotStep(0), slotStep(1), slotStep(2)],
  stepOfField: { slots: "slot1" },
}
