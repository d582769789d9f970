import { Schema } from "effect"
import { Actor } from "../../shared/actor.ts"
import { AuditId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"

/**
 * What an entry is about. Each names a kind of record, and `subjectId` its id; but
 * `marketplace` is the marketplace as a whole (one per database: its policy), whose
 * `subjectId` is `MARKETPLACE_SUBJECT_ID`.
 */
export const AuditSubjectType = Schema.Literals([
  "application",
  "party",
  "request",
  "offer",
  "lead_refund",
  "link",
  "outbox_message",
  "top_up",
  "payment",
  "subscription",
  "consultation",
  "marketplace",
])
export type AuditSubjectType = typeof AuditSubjectType.Type

/** The subject id of entries about the marketplace as a whole (`fundi ops audit --subject marketplace`). */
export const MARKETPLACE_SUBJECT_ID = "marketplace"

/** One recorded action: who did what to which subject, why, and when. */
export const AuditEntry = Schema.Struct({
  id: AuditId,
  actor: Actor,
  /** A dotted verb such as "application.approve" or "party.suspend". */
  action: Schema.NonEmptyString,
  subjectType: AuditSubjectType,
  subjectId: Schema.NonEmptyString,
  reason: Schema.optionalKey(Schema.String),
  /** Small JSON details: the states before and after, the check result… */
  details: Schema.Record(Schema.String, Schema.Unknown),
  at: Instant,
})
export type AuditEntry = typeof AuditEntry.Type
