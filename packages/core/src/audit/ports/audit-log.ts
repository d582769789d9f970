import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { AuditEntry } from "../domain/audit-entry.ts"

export interface AuditFilter {
  readonly subjectId?: string
  /** Matches `describeActor(actor)`: an operator's name, "party:<id>" or "system:<process>". */
  readonly actorName?: string
  readonly action?: string
  readonly limit?: number
}

/** Append-only: entries are never changed or removed. */
export class AuditLog extends Context.Service<
  AuditLog,
  {
    readonly record: (entry: AuditEntry) => Effect.Effect<void, PersistenceUnavailable>
    /** Newest first; entries recorded at the same instant, the last recorded first. */
    readonly list: (
      filter: AuditFilter,
    ) => Effect.Effect<ReadonlyArray<AuditEntry>, PersistenceUnavailable>
  }
>()("@fundi/core/AuditLog") {}
