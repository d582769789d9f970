import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { creditsPreset } from "../../../policy/presets.ts"
import type { Instant } from "../../../shared/time.ts"
import type { StepContext } from "../flow.ts"
import { textStep } from "./steps.ts"

const context: StepContext = { policy: creditsPreset, now: 0 as Instant, data: {} }

describe("textStep", () => {
  const step = textStep({
    flow: "request",
    id: "description",
    question: () => "What is wrong?",
    min: 10,
    max: 100,
    tooShort: "Tell us a little more.",
  })

  it("takes the text without the invisible control bytes a keyboard may send, trimmed", () => {
    const parsed = step.parse(
      {
        _tag: "text",
        body: " Geyser\u0007 leaking\u001b through the ceiling\u0000 ",
      },
      context,
    )
    expect(parsed).toEqual(Result.succeed({ value: "Geyser leaking through the ceiling" }))
  })

  it("counts what is left: control bytes do not make a short answer long enough", () => {
    const parsed = step.parse({ _tag: "text", body: `Leak${"\u0007".repeat(20)}` }, context)
    expect(parsed).toEqual(Result.fail("Tell us a little more."))
  })
})
