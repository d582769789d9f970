import { it } from "@effect/vitest"
import { AuditLog, Outbox, PersistenceUnavailable, Transactions } from "@fundi/core"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import { aMessage, anAuditEntry, at } from "./fixtures.ts"
import { layerPostgresTest } from "./testing.ts"

// Inside a transaction, audit entries and outbox messages are held back and written at
// commit in one statement each (executor.ts `deferInsert`): what a caller can observe
// must be what it was when each was written at the call.
describe("inserts held back until commit (PGlite)", () => {
  const layer = () => layerPostgresTest("pglite://memory")

  it.effect("are listed inside the transaction, and kept in the order written after it", () =>
    Effect.gen(function* () {
      const log = yield* AuditLog
      const outbox = yield* Outbox
      const entries = [1, 2, 3].map((n) =>
        anAuditEntry(n, { at: at(`2026-01-04T08:00:0${n}.000Z`) }),
      )
      const messages = [1, 2, 3].map((n) => aMessage(n))
      yield* (yield* Transactions).run(
        Effect.gen(function* () {
          yield* log.record(entries[0]!)
          yield* outbox.enqueue(messages.slice(0, 2))
          yield* log.record(entries[1]!)
          expect(yield* log.list({})).toEqual([entries[1], entries[0]])
          yield* log.record(entries[2]!)
          yield* outbox.enqueue(messages.slice(2))
          // A dedupe key seen earlier in the transaction is skipped, as it was before.
          yield* outbox.enqueue([aMessage(9, { dedupeKey: messages[0]!.dedupeKey })])
        }),
      )
      expect(yield* log.list({})).toEqual(entries.toReversed())
      expect((yield* outbox.list({})).map((m) => m.id).toSorted()).toEqual(
        messages.map((m) => m.id).toSorted(),
      )
    }).pipe(Effect.provide(layer())),
  )

  it.effect("that fail at commit fail the transaction, and nothing in it is kept", () =>
    Effect.gen(function* () {
      const log = yield* AuditLog
      const outbox = yield* Outbox
      const exit = yield* Effect.exit(
        (yield* Transactions).run(
          Effect.gen(function* () {
            yield* outbox.enqueue([aMessage(1)])
            yield* log.record(anAuditEntry(1))
            // The same id twice: refused by the primary key, at commit.
            yield* log.record(anAuditEntry(1))
          }),
        ),
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const error = exit.cause.reasons.find((r) => r._tag === "Fail")
        expect(error?._tag === "Fail" ? error.error : undefined).toBeInstanceOf(
          PersistenceUnavailable,
        )
      }
      expect(yield* log.list({})).toEqual([])
      expect(yield* outbox.list({})).toEqual([])
    }).pipe(Effect.provide(layer())),
  )

  it.effect("outside a transaction are written at once", () =>
    Effect.gen(function* () {
      const log = yield* AuditLog
      yield* log.record(anAuditEntry(1))
      expect(yield* log.list({})).toEqual([anAuditEntry(1)])
    }).pipe(Effect.provide(layer())),
  )
})
