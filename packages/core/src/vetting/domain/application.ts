import { Schema } from "effect"
import { ApplicationId, PartyId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"
import { PartyKind } from "./party.ts"

export const ApplicationState = Schema.Literals([
  "draft",
  "submitted",
  "in_review",
  "background_check",
  "approved",
  "rejected",
])
export type ApplicationState = typeof ApplicationState.Type

export const BackgroundCheckResult = Schema.Literals(["passed", "failed"])
export type BackgroundCheckResult = typeof BackgroundCheckResult.Type

export const BackgroundCheckRecord = Schema.Struct({
  /** The checking service's reference (or "manual-…" when ops record it by hand). */
  reference: Schema.String,
  requestedAt: Instant,
  result: Schema.optionalKey(BackgroundCheckResult),
  recordedAt: Schema.optionalKey(Instant),
})
export type BackgroundCheckRecord = typeof BackgroundCheckRecord.Type

export const Application = Schema.Struct({
  id: ApplicationId,
  partyId: PartyId,
  role: PartyKind,
  state: ApplicationState,
  /** Profile completeness (0-100) when submitted: orders the review queue. */
  completeness: Schema.Number,
  createdAt: Instant,
  submittedAt: Schema.optionalKey(Instant),
  backgroundCheck: Schema.optionalKey(BackgroundCheckRecord),
  decidedAt: Schema.optionalKey(Instant),
  decidedBy: Schema.optionalKey(Schema.String),
  rejectionReason: Schema.optionalKey(Schema.String),
  /** Set on rejection: before this instant the party may not apply again. */
  reapplyAfter: Schema.optionalKey(Instant),
  updatedAt: Instant,
})
export type Application = typeof Application.Type
