import { Schema } from "effect"
import { Actor } from "../../shared/actor.ts"
import { AuditId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"

/** One recorded action: who did what to which subject, why, and when. */
export const AuditEntry = Schema.Struct({
  id: AuditId,
  actor: Actor,
  /** A dotted verb such as "application.approve" or "party.suspend". */
  action: Schema.NonEmptyString,
  subjectType: Schema.NonEmptyString,
  subjectId: Schema.NonEmptyString,
  reason: Schema.optionalKey(Schema.String),
  /** Small JSON details: the states before and after, the check result… */
  details: Schema.Record(Schema.String, Schema.Unknown),
  at: Instant,
})
export type AuditEntry = typeof AuditEntry.Type
