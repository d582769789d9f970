import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import type { Instant } from "../../shared/time.ts"
import { arbitraryInboundContent } from "../testing/conversation.arbitraries.ts"
import { actionId } from "./commands.ops.ts"
import { advanceFlow, reaskField, startFlow } from "./flow.ops.ts"
import type { Flow } from "./flow.ts"
import { flows, requestHelpFlow } from "./flows/index.ts"
import type { InboundContent } from "./inbound.ts"
import { checkIntent } from "./intent.ops.ts"
import type { FlowPosition } from "./session.ts"

const NOW = Date.UTC(2026, 2, 2, 6) as Instant

/** Presets, and catalogues with many, long, odd category names. */
const arbitraryPolicy: fc.Arbitrary<MarketplacePolicy> = fc.oneof(
  fc.constantFrom(creditsPreset, subscriptionPreset),
  fc
    .array(
      fc.record({
        id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,39}$/u),
        name: fc.string({ minLength: 1, maxLength: 80, unit: "grapheme" }),
      }),
      { maxLength: 25 },
    )
    .map((categories) => ({ ...creditsPreset, catalog: { categories } })),
)

const arbitraryFlow = fc.constantFrom(...Object.values(flows))

/** What a which-flow lists: none, a few, or more than a list holds, with any text. */
const arbitraryChoices = fc.array(
  fc.record({
    value: fc.stringMatching(/^[a-z]{3}_[a-z0-9]{1,30}$/u),
    title: fc.string({ maxLength: 80 }),
    line: fc.string({ maxLength: 300 }),
  }),
  { maxLength: 12 },
)

const arbitraryPosition = (flow: Flow): fc.Arbitrary<FlowPosition> =>
  fc
    .tuple(fc.constantFrom(...flow.steps.map((s) => s.id)), arbitraryChoices)
    .map(([step, choices]) => ({
      flow: flow.id,
      step,
      data: { kind: "customer", offerId: "ofr_1", location: { area: "soweto" }, choices },
      startedAt: NOW,
    }))

const allWithinLimits = (
  intents: ReadonlyArray<{ readonly intent: Parameters<typeof checkIntent>[0] }>,
) => intents.every((r) => checkIntent(r.intent)._tag === "Success")

describe("flows", () => {
  it("every question any flow asks, after any message, is within WhatsApp's limits", () => {
    fc.assert(
      fc.property(
        arbitraryPolicy,
        arbitraryFlow.chain((flow) => fc.tuple(fc.constant(flow), arbitraryPosition(flow))),
        arbitraryInboundContent,
        (policy, [flow, position], content) => {
          const started = startFlow(flow, position.data, policy, NOW)
          if (started._tag === "Asking") expect(allWithinLimits(started.replies)).toBe(true)
          const outcome = advanceFlow(flow, position, content, policy, NOW)
          if (outcome._tag === "Asking") {
            expect(allWithinLimits(outcome.replies)).toBe(true)
            expect(outcome.replies.length).toBeGreaterThan(0)
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it("a refused answer keeps the step and what was collected, and says why first", () => {
    fc.assert(
      fc.property(
        arbitraryFlow.chain((flow) => fc.tuple(fc.constant(flow), arbitraryPosition(flow))),
        arbitraryInboundContent,
        ([flow, position], content) => {
          const step = flow.steps.find((s) => s.id === position.step)!
          const context = { policy: creditsPreset, now: NOW, data: position.data }
          const parsed = step.parse(content, context)
          const outcome = advanceFlow(flow, position, content, creditsPreset, NOW)
          if (parsed._tag === "Failure") {
            expect(outcome._tag).toBe("Asking")
            if (outcome._tag !== "Asking") return
            expect(outcome.position).toEqual(position)
            expect(outcome.replies[0]?.template).toBe("conversation.reprompt")
          } else if (outcome._tag === "Asking") {
            expect(outcome.position.data[step.id]).toEqual(parsed.success.value)
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it("asks the step of a refused field again, keeping the answers", () => {
    const data = { category: "plumbing", description: "short" }
    const outcome = reaskField(
      requestHelpFlow,
      data,
      "description",
      "too short",
      creditsPreset,
      NOW,
      NOW,
    )
    expect(outcome._tag === "Asking" && outcome.position.step).toBe("description")
    expect(outcome._tag === "Asking" && outcome.position.data).toEqual(data)
  })

  it("walks the request flow to completion, skipping the steps that do not apply", () => {
    const answers: ReadonlyArray<InboundContent> = [
      { _tag: "list_reply", id: actionId.answer("category", "plumbing"), title: "Plumbing" },
      { _tag: "text", body: "The geyser leaks through the ceiling" },
      { _tag: "text", body: "Soweto" },
      { _tag: "button_reply", id: actionId.answer("photos", "skip"), title: "Skip" },
      { _tag: "text", body: "emergency" },
      { _tag: "text", body: "now" },
    ]
    let outcome = startFlow(requestHelpFlow, {}, creditsPreset, NOW)
    const asked: Array<string> = []
    for (const content of answers) {
      if (outcome._tag !== "Asking") break
      asked.push(outcome.position.step)
      outcome = advanceFlow(requestHelpFlow, outcome.position, content, creditsPreset, NOW)
    }
    // No pin, so no area question; no video calls in the credits preset, so no mode question.
    expect(asked).toEqual([
      "category",
      "description",
      "location",
      "photos",
      "urgency",
      "availability",
    ])
    expect(outcome).toEqual({
      _tag: "Completed",
      data: {
        category: "plumbing",
        description: "The geyser leaks through the ceiling",
        location: { area: "soweto" },
        photos: [],
        urgency: "emergency",
        availability: "now",
      },
    })
  })
})
