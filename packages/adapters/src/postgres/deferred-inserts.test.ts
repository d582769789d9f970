import { it } from "@effect/vitest"
import {
  AuditLog,
  ConversationStore,
  Outbox,
  PersistenceUnavailable,
  Transactions,
} from "@fundi/core"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import { writeTogether } from "./executor.ts"
import { aMessage, anAuditEntry, at } from "./fixtures.ts"
import { layerKnex } from "./layer.ts"
import { isolatedDatabase, layerPostgresTest } from "./testing.ts"

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

  // The outbox's trigger (migration 0021) returns NULL for WhatsApp to an opted-out number:
  // the row is skipped alone, under `on conflict do nothing`, and as part of a WITH.
  it.effect(
    "leave out WhatsApp to a number opted out earlier in the transaction, however sent",
    () =>
      Effect.gen(function* () {
        const db = yield* isolatedDatabase("pglite://memory")
        yield* Effect.gen(function* () {
          const outbox = yield* Outbox
          const sessions = yield* ConversationStore
          const tx = yield* Transactions
          const [stopped, started] = ["+27820000001", "+27820000002"]
          const session = (phone: string, optedOut: boolean) =>
            sessions.save({
              phone,
              channel: "whatsapp",
              optedOut,
              updatedAt: at("2026-01-04T08:00:00.000Z"),
            })
          yield* session(stopped, false)
          yield* session(started, true)
          const message = (n: number, to: string, overrides: Parameters<typeof aMessage>[1] = {}) =>
            aMessage(n, { to, dedupeKey: `evt_${n}:whatsapp:lead.offered`, ...overrides })
          const kept: Array<string> = []
          const send = (
            messages: ReadonlyArray<ReturnType<typeof aMessage>>,
            keptHere: ReadonlyArray<number>,
          ) => {
            kept.push(...keptHere.map((i) => messages[i]!.id))
            return outbox.enqueue(messages)
          }
          // Held, then written at commit in one WITH with the audit entry.
          yield* tx.run(
            Effect.gen(function* () {
              yield* session(stopped, true)
              yield* session(started, false)
              yield* send(
                [
                  message(1, stopped),
                  message(2, started),
                  message(3, stopped, { channel: "sms", dedupeKey: "evt_3:sms:lead.offered" }),
                  message(4, stopped, { template: "conversation.stopped" }),
                ],
                [1, 2, 3],
              )
              yield* (yield* AuditLog).record(anAuditEntry(1))
            }),
          )
          // Held, then written with another statement of the use case (writeTogether).
          yield* tx.run(
            Effect.gen(function* () {
              yield* send([message(5, stopped), message(6, started)], [1])
              yield* writeTogether(db.knex, "settings.insert", (k) => [
                k("marketplace_settings").insert({ name: "probe", value: JSON.stringify(1) }),
              ])
            }),
          )
          // Outside a transaction: at once, alone.
          yield* send([message(7, stopped), message(8, started)], [1])
          expect((yield* outbox.list({})).map((m) => m.id).toSorted()).toEqual(kept.toSorted())
          expect((yield* (yield* AuditLog).list({})).length).toBe(1)
        }).pipe(Effect.provide(layerKnex(db.knex)))
      }),
  )

  it.effect("outside a transaction are written at once", () =>
    Effect.gen(function* () {
      const log = yield* AuditLog
      yield* log.record(anAuditEntry(1))
      expect(yield* log.list({})).toEqual([anAuditEntry(1)])
    }).pipe(Effect.provide(layer())),
  )
})
