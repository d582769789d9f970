import { Effect, Layer } from "effect"
import { describeActor } from "../../shared/actor.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import type { AuditEntry } from "../domain/audit-entry.ts"
import { AuditLog } from "../ports/audit-log.ts"

export const auditTable = "audit_log"

export const layerAuditLogInMemory: Layer.Layer<AuditLog, never, InMemoryStore> = Layer.effect(
  AuditLog,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    // Maps keep insertion order, which breaks ties between entries recorded at the same instant.
    const rows = () => store.table<AuditEntry>(auditTable)
    return AuditLog.of({
      record: (entry) =>
        Effect.andThen(
          store.write,
          Effect.sync(() => {
            rows().set(entry.id, entry)
          }),
        ),
      list: (filter) =>
        Effect.andThen(
          store.read,
          Effect.sync(() => {
            const newestFirst = [...rows().values()]
              .map((entry, seq) => ({ entry, seq }))
              .sort((a, b) => b.entry.at - a.entry.at || b.seq - a.seq)
              .map(({ entry }) => entry)
              .filter(
                (e) =>
                  (filter.subjectId === undefined || e.subjectId === filter.subjectId) &&
                  (filter.action === undefined || e.action === filter.action) &&
                  (filter.actorName === undefined || describeActor(e.actor) === filter.actorName),
              )
            return filter.limit === undefined ? newestFirst : newestFirst.slice(0, filter.limit)
          }),
        ),
    })
  }),
)
