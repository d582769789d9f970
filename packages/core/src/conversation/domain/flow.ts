import type { Result } from "effect"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { Instant } from "../../shared/time.ts"
import type { InboundContent } from "./inbound.ts"
import type { Reply } from "./replies.ts"

/** What a flow has collected: plain JSON, as the session keeps it. */
export type FlowData = Readonly<Record<string, unknown>>

/** What a step sees: the policy (categories, time zone...), the time, and the answers so far. */
export interface StepContext {
  readonly policy: MarketplacePolicy
  readonly now: Instant
  readonly data: FlowData
}

/**
 * A step's verdict on one inbound message: an answer to keep (and move on, or `stay` on
 * the step to collect more, like photos), or a reason to ask again.
 */
export type StepAnswer = { readonly value: unknown; readonly stay?: boolean }
export type StepParse = Result.Result<StepAnswer, string>

/**
 * One question of a flow. The engine asks it with `prompt`, reads the reply with `parse`
 * and stores the value under the step's `id`, so a new step is a new entry in a flow's
 * list, never a new branch in the engine.
 */
export interface Step {
  readonly id: string
  readonly prompt: (context: StepContext) => ReadonlyArray<Reply>
  readonly parse: (content: InboundContent, context: StepContext) => StepParse
  /** Asked only when this holds for the answers so far (e.g. the area after a pin). */
  readonly when?: (context: StepContext) => boolean
  /** Said after an answer that stays on the step (another photo? tap Done). */
  readonly ack?: (context: StepContext) => ReadonlyArray<Reply>
}

/** A conversation that collects answers step by step; a completion action uses them. */
export interface Flow {
  readonly id: string
  readonly steps: ReadonlyArray<Step>
  /**
   * Which step asked for an input field, so a use case's InvalidInput on that field
   * re-asks the right question ("description" -> the description step).
   */
  readonly stepOfField?: Readonly<Record<string, string>>
}
