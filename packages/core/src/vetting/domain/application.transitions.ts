import type { ApplicationState } from "./application.ts"

/** What can be done to an application. Guards beyond the table live in application.ops.ts. */
export type ApplicationCommand =
  | {
      readonly _tag: "Submit"
      readonly completeness: number
      /** The profile fields still missing, to tell the applicant what to add. */
      readonly missing?: ReadonlyArray<string>
    }
  | { readonly _tag: "StartReview"; readonly by: string }
  | { readonly _tag: "RequestBackgroundCheck"; readonly by: string; readonly reference: string }
  | {
      readonly _tag: "RecordBackgroundCheck"
      readonly by: string
      readonly result: "passed" | "failed"
      readonly reason: string
      /** The checking service's reference from its report, when it differs from the request's. */
      readonly reference?: string
    }
  | { readonly _tag: "Approve"; readonly by: string; readonly reason: string }
  | { readonly _tag: "Reject"; readonly by: string; readonly reason: string }

export type ApplicationCommandTag = ApplicationCommand["_tag"]

/**
 * The application state machine (DESIGN.md): for each state, each command it accepts and
 * the states that command may lead to. Anything not listed is refused.
 *
 *   draft -> submitted -> in_review -> background_check -> approved | rejected
 *
 * - A failed background check rejects (with the re-application lockout); a passed one
 *   stays in background_check until an operator approves.
 * - Approve from in_review is allowed only when the policy does not require a check.
 * - Approved and rejected are final: a rejected party re-applies with a new application.
 */
export const applicationTransitions: {
  readonly [S in ApplicationState]: {
    readonly [C in ApplicationCommandTag]?: ReadonlyArray<ApplicationState>
  }
} = {
  draft: { Submit: ["submitted"] },
  submitted: { StartReview: ["in_review"], Reject: ["rejected"] },
  in_review: {
    RequestBackgroundCheck: ["background_check"],
    Approve: ["approved"],
    Reject: ["rejected"],
  },
  background_check: {
    RecordBackgroundCheck: ["background_check", "rejected"],
    Approve: ["approved"],
    Reject: ["rejected"],
  },
  approved: {},
  rejected: {},
}

/** Applications in these states are still being decided: a party has at most one. */
export const openApplicationStates: ReadonlyArray<ApplicationState> = [
  "draft",
  "submitted",
  "in_review",
  "background_check",
]
