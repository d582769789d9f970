import type { RequestState } from "./service-request.ts"

export type RequestCommandTag =
  | "AskClarification"
  | "Answer"
  | "MarkReady"
  | "StartDispatch"
  | "Assign"
  | "GiveUp"
  | "Cancel"

/**
 * The service-request state machine (DESIGN.md):
 * submitted <-> needs_clarification -> ready -> dispatching -> assigned | unfulfilled | cancelled.
 * Ops review a submitted request: ask the homeowner a question, mark it ready, or cancel it.
 * Ops may mark a request ready while their question waits (the homeowner answered by
 * phone): the question is closed by ops, not answered in the chat.
 * Assigned, unfulfilled and cancelled are final.
 */
export const requestTransitions: {
  readonly [S in RequestState]: { readonly [C in RequestCommandTag]?: RequestState }
} = {
  submitted: { AskClarification: "needs_clarification", MarkReady: "ready", Cancel: "cancelled" },
  needs_clarification: {
    Answer: "submitted",
    AskClarification: "needs_clarification",
    MarkReady: "ready",
    Cancel: "cancelled",
  },
  ready: {
    AskClarification: "needs_clarification",
    StartDispatch: "dispatching",
    Cancel: "cancelled",
  },
  dispatching: { Assign: "assigned", GiveUp: "unfulfilled", Cancel: "cancelled" },
  assigned: {},
  unfulfilled: {},
  cancelled: {},
}
