import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Instant } from "../../shared/time.ts"
import type { Flow, FlowData, Step, StepContext } from "./flow.ts"
import type { InboundContent } from "./inbound.ts"
import { type Reply, textReply } from "./replies.ts"
import type { FlowPosition } from "./session.ts"

/**
 * Where a flow went after one message: it asks a question (the next step, or the same one
 * again with the reason), or every step is answered and the completion action runs.
 */
export type FlowOutcome =
  | {
      readonly _tag: "Asking"
      readonly position: FlowPosition
      readonly replies: ReadonlyArray<Reply>
    }
  | { readonly _tag: "Completed"; readonly data: FlowData }

const contextOf = (policy: MarketplacePolicy, now: Instant, data: FlowData): StepContext => ({
  policy,
  now,
  data,
})

/** The first step from `from` on that applies to the answers so far. */
const nextStep = (flow: Flow, from: number, context: StepContext): Step | undefined =>
  flow.steps.slice(from).find((step) => step.when === undefined || step.when(context))

const ask = (
  flow: Flow,
  step: Step,
  data: FlowData,
  startedAt: Instant,
  replies: ReadonlyArray<Reply>,
): FlowOutcome => ({
  _tag: "Asking",
  position: { flow: flow.id, step: step.id, data: { ...data }, startedAt },
  replies,
})

const moveOn = (
  flow: Flow,
  from: number,
  data: FlowData,
  startedAt: Instant,
  context: StepContext,
  before: ReadonlyArray<Reply> = [],
): FlowOutcome => {
  const step = nextStep(flow, from, context)
  return step === undefined
    ? { _tag: "Completed", data }
    : ask(flow, step, data, startedAt, [...before, ...step.prompt(context)])
}

/** Opens a flow with what is known already (an offer id, a role) and asks its first question. */
export const startFlow = (
  flow: Flow,
  data: FlowData,
  policy: MarketplacePolicy,
  now: Instant,
): FlowOutcome => moveOn(flow, 0, data, now, contextOf(policy, now, data))

export const reasonTemplate = "conversation.reprompt"

/**
 * Applies one inbound message to the open step. A position whose step no longer exists
 * (the flow changed since) starts the flow again with what it had, rather than failing.
 */
export const advanceFlow = (
  flow: Flow,
  position: FlowPosition,
  content: InboundContent,
  policy: MarketplacePolicy,
  now: Instant,
): FlowOutcome => {
  const index = flow.steps.findIndex((s) => s.id === position.step)
  const step = flow.steps[index]
  if (step === undefined)
    return moveOn(flow, 0, position.data, position.startedAt, contextOf(policy, now, position.data))
  const before = contextOf(policy, now, position.data)
  const parsed = step.parse(content, before)
  if (parsed._tag === "Failure") {
    return ask(flow, step, position.data, position.startedAt, [
      textReply(reasonTemplate, parsed.failure),
      ...step.prompt(before),
    ])
  }
  const data = { ...position.data, [step.id]: parsed.success.value }
  const after = contextOf(policy, now, data)
  if (parsed.success.stay === true) {
    return ask(flow, step, data, position.startedAt, step.ack?.(after) ?? step.prompt(after))
  }
  return moveOn(flow, index + 1, data, position.startedAt, after)
}

/**
 * Asks again the step that collected a field a use case refused (its InvalidInput path),
 * keeping every answer; falls back to the first step when no step owns the field.
 */
export const reaskField = (
  flow: Flow,
  data: FlowData,
  field: string,
  reason: string,
  policy: MarketplacePolicy,
  now: Instant,
  startedAt: Instant,
): FlowOutcome => {
  const head = field.split(/[.[]/u)[0] ?? field
  const stepId = flow.stepOfField?.[head] ?? head
  const found = flow.steps.find((s) => s.id === stepId) ?? flow.steps[0]
  const context = contextOf(policy, now, data)
  if (found === undefined) return { _tag: "Completed", data }
  return ask(flow, found, data, startedAt, [
    textReply(reasonTemplate, reason),
    ...found.prompt(context),
  ])
}

/**
 * The open step's question again, as it stands with the answers so far: a flow that was
 * set aside for one message (an answer to ops' question) picks up where it was.
 */
export const promptAgain = (
  flow: Flow,
  position: FlowPosition,
  policy: MarketplacePolicy,
  now: Instant,
): ReadonlyArray<Reply> => {
  const step = flow.steps.find((s) => s.id === position.step)
  return step === undefined ? [] : step.prompt(contextOf(policy, now, position.data))
}
