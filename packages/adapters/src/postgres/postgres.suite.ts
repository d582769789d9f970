import { describe, expect, it } from "@effect/vitest"
import {
  ApplicationRepository,
  ApplicationState,
  AuditLog,
  Channel,
  Cohort,
  ContactBook,
  Health,
  NotificationChannel,
  Outbox,
  OutboxStatus,
  PartyKind,
  PartyRepository,
  PartyStatus,
  PersistenceUnavailable,
  Transactions,
} from "@fundi/core"
import { Cause, Deferred, Effect, Exit, Fiber, Option } from "effect"
import type { Knex } from "knex"
import { executorFor } from "./executor.ts"
import { aMessage, anApplication, anAuditEntry, aParty, at, partyId } from "./fixtures.ts"
import { layerKnex, type PostgresServices } from "./layer.ts"
import { migrateLatest, migrationStatus, migrations } from "./migrations.ts"
import { isolatedDatabase } from "./testing.ts"

/**
 * Behaviour of the Postgres adapters beyond the ports' contract suites: transactions
 * ending every way an effect can end, driver errors, the outbox's claiming, the schema's
 * constraints. Run on PGlite (`*.test.ts`) and on a server (`*.integration.test.ts`);
 * every test gets a fresh schema.
 */
export const postgresAdapterSuite = (name: string, url: string): void => {
  /** Runs `body` with every adapter on a fresh, migrated schema; gives it the Knex too. */
  const withDatabase = <A, E>(body: (knex: Knex) => Effect.Effect<A, E, PostgresServices>) =>
    Effect.gen(function* () {
      const db = yield* isolatedDatabase(url)
      return yield* Effect.provide(body(db.knex), layerKnex(db.knex))
    })

  const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
    Exit.isFailure(exit) ? Option.getOrUndefined(Cause.findErrorOption(exit.cause)) : undefined

  describe(`Postgres adapters: ${name}`, () => {
    describe("migrations", () => {
      it.effect("a second migrateLatest applies nothing and reports everything applied", () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url)
          // isolatedDatabase has migrated once already.
          const again = yield* Effect.promise(() => migrateLatest(db.knex))
          expect(again).toEqual([])
          const status = yield* Effect.promise(() => migrationStatus(db.knex))
          expect(status).toEqual({ applied: migrations.map((m) => m.name), pending: [] })
        }),
      )

      it.effect("CHECK constraints accept exactly the domain's literals", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const cases: ReadonlyArray<{
              readonly table: string
              readonly column: string
              readonly literals: ReadonlyArray<string>
              readonly row: (n: number, value: string) => Record<string, unknown>
            }> = [
              { table: "parties", column: "kind", literals: PartyKind.literals, row: partyRow },
              { table: "parties", column: "cohort", literals: Cohort.literals, row: partyRow },
              { table: "parties", column: "channel", literals: Channel.literals, row: partyRow },
              { table: "parties", column: "status", literals: PartyStatus.literals, row: partyRow },
              {
                table: "applications",
                column: "state",
                literals: ApplicationState.literals,
                // Each row has its own party, so the one-open-application index allows all.
                row: (n, _) => applicationRow(n),
              },
              {
                table: "applications",
                column: "role",
                literals: PartyKind.literals,
                row: (n, _) => applicationRow(n),
              },
              {
                table: "outbox",
                column: "channel",
                literals: NotificationChannel.literals,
                row: (n, _) => outboxRow(n),
              },
              {
                table: "outbox",
                column: "status",
                literals: OutboxStatus.literals,
                row: (n, _) => outboxRow(n),
              },
            ]
            let n = 0
            for (const { table, column, literals, row } of cases) {
              for (const literal of literals) {
                n++
                yield* Effect.promise(() =>
                  knex(table).insert({ ...row(n, literal), [column]: literal }),
                )
              }
              n++
              const refused = yield* Effect.promise(() =>
                knex(table)
                  .insert({ ...row(n, "x"), [column]: "not-a-literal" })
                  .then(
                    () => undefined,
                    (error: { code?: string }) => error.code,
                  ),
              )
              expect(refused, `${table}.${column} must refuse an unknown value`).toBe("23514")
            }
          }),
        ),
      )

      it.effect("the audit log refuses updates and deletes", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const log = yield* AuditLog
            yield* log.record(anAuditEntry(1))
            const attempt = (q: () => PromiseLike<unknown>) =>
              Effect.promise(() =>
                Promise.resolve(q()).then(
                  () => "allowed",
                  (error: Error) => error.message,
                ),
              )
            expect(yield* attempt(() => knex("audit_log").update({ reason: "rewritten" }))).toMatch(
              /append-only: UPDATE/,
            )
            expect(yield* attempt(() => knex("audit_log").delete())).toMatch(/append-only: DELETE/)
            expect(yield* log.list({})).toEqual([anAuditEntry(1)])
          }),
        ),
      )

      it.effect("a party has at most one open application", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const repo = yield* ApplicationRepository
            yield* repo.insert(anApplication(1, { state: "rejected" }))
            yield* repo.insert(anApplication(2, { partyId: partyId(1), state: "draft" }))
            const second = yield* Effect.exit(
              repo.insert(anApplication(3, { partyId: partyId(1), state: "in_review" })),
            )
            expect(failureOf(second)?.detail).toMatch(/applications\.insert: .*SQLSTATE 23505/)
          }),
        ),
      )
    })

    describe("Transactions", () => {
      it.effect("commits what the effect wrote when it succeeds", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const value = yield* tx.run(Effect.as(parties.insert(aParty(1)), "done"))
            expect(value).toBe("done")
            expect(yield* parties.findById(partyId(1))).toEqual(Option.some(aParty(1)))
          }),
        ),
      )

      it.effect("rolls back on a typed failure and returns that failure", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const exit = yield* Effect.exit(
              tx.run(Effect.andThen(parties.insert(aParty(1)), Effect.fail("nope" as const))),
            )
            expect(failureOf(exit)).toBe("nope")
            expect(yield* parties.findById(partyId(1))).toEqual(Option.none())
          }),
        ),
      )

      it.effect("rolls back on a defect", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const exit = yield* Effect.exit(
              tx.run(Effect.andThen(parties.insert(aParty(1)), Effect.die("boom"))),
            )
            expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
            expect(yield* parties.findById(partyId(1))).toEqual(Option.none())
          }),
        ),
      )

      it.effect("rolls back when interrupted", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const written = yield* Deferred.make<void>()
            const fiber = yield* Effect.forkChild(
              tx.run(
                parties
                  .insert(aParty(1))
                  .pipe(
                    Effect.andThen(Deferred.succeed(written, undefined)),
                    Effect.andThen(Effect.never),
                  ),
              ),
            )
            yield* Deferred.await(written)
            yield* Fiber.interrupt(fiber)
            expect(yield* parties.findById(partyId(1))).toEqual(Option.none())
          }),
        ),
      )

      it.effect("refuses to report success when a statement inside failed and was caught", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            const parties = yield* PartyRepository
            const exit = yield* Effect.exit(
              tx.run(
                Effect.gen(function* () {
                  yield* parties.insert(aParty(1))
                  // Same phone: Postgres fails the statement and aborts the transaction.
                  yield* parties
                    .insert(aParty(2, { phone: aParty(1).phone }))
                    .pipe(Effect.catch(() => Effect.void))
                }),
              ),
            )
            expect(failureOf(exit)).toBeInstanceOf(PersistenceUnavailable)
            expect(failureOf(exit)?.detail).toMatch(
              /^transaction\.commit: rolled back because a statement in it failed \(parties\.insert: /,
            )
            expect(yield* parties.findById(partyId(1))).toEqual(Option.none())
          }),
        ),
      )

      it.effect("runs every repository of the effect on the transaction", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const tx = yield* Transactions
            yield* tx.run(
              Effect.gen(function* () {
                const inside = yield* executorFor(knex)
                expect(inside).not.toBe(knex)
                expect(inside.isTransaction).toBe(true)
                yield* tx.run(
                  Effect.map(executorFor(knex), (nested) => expect(nested).toBe(inside)),
                )
              }),
            )
            expect(yield* executorFor(knex)).toBe(knex)
          }),
        ),
      )
    })

    describe("errors and decoding", () => {
      it.effect("a driver error is PersistenceUnavailable naming the operation and SQLSTATE", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const parties = yield* PartyRepository
            yield* parties.insert(aParty(1))
            const exit = yield* Effect.exit(parties.insert(aParty(2, { phone: aParty(1).phone })))
            const error = failureOf(exit)
            expect(error).toBeInstanceOf(PersistenceUnavailable)
            expect(error?.detail).toMatch(/^parties\.insert: duplicate key value .*SQLSTATE 23505/)
            // The SQL text knex prepends is left out of the message.
            expect(error?.detail).not.toMatch(/insert into/)
          }),
        ),
      )

      it.effect("a row that no longer decodes is reported, not returned", () =>
        withDatabase((knex) =>
          Effect.gen(function* () {
            const parties = yield* PartyRepository
            yield* parties.insert(aParty(1))
            yield* Effect.promise(() =>
              knex("parties").update({ profile: JSON.stringify({ categories: 5 }) }),
            )
            const exit = yield* Effect.exit(parties.findById(partyId(1)))
            expect(failureOf(exit)?.detail).toMatch(
              new RegExp(`^parties row ${partyId(1)} does not hold a valid value`),
            )
          }),
        ),
      )

      it.effect("Health answers when the database does", () =>
        withDatabase(() => Effect.flatMap(Health, (health) => health.checkDatabase)),
      )
    })

    describe("Outbox", () => {
      const now = at("2026-01-03T10:00:00.000Z")

      it.effect(
        "claimDue leases the oldest due messages, and gives them back when it runs out",
        () =>
          withDatabase(() =>
            Effect.gen(function* () {
              const outbox = yield* Outbox
              yield* outbox.enqueue([
                aMessage(1, { nextAttemptAt: at("2026-01-03T09:00:00.000Z") }),
                aMessage(2, { nextAttemptAt: at("2026-01-03T08:00:00.000Z") }),
                aMessage(3, { nextAttemptAt: at("2026-01-03T09:30:00.000Z") }),
                aMessage(4, { nextAttemptAt: at("2026-01-03T11:00:00.000Z") }), // not due yet
                aMessage(5, { status: "sent", sentAt: at("2026-01-03T08:00:00.000Z") }),
                aMessage(6, { status: "failed", lastError: "opted out" }),
              ])
              const claimed = yield* outbox.claimDue({ now, limit: 2, leaseMs: 60_000 })
              expect(claimed.map((m) => m.body)).toEqual([aMessage(2).body, aMessage(1).body])
              for (const message of claimed) {
                expect(message).toMatchObject({
                  status: "sending",
                  attempts: 1,
                  nextAttemptAt: now + 60_000,
                })
              }
              const rest = yield* outbox.claimDue({ now, limit: 10, leaseMs: 60_000 })
              expect(rest.map((m) => m.id)).toEqual([aMessage(3).id])
              expect(yield* outbox.claimDue({ now, limit: 10, leaseMs: 60_000 })).toEqual([])
              // A worker that claimed and crashed: after the lease the messages are due again.
              const later = (now + 60_000) as typeof now
              const again = yield* outbox.claimDue({ now: later, limit: 10, leaseMs: 60_000 })
              expect(again.map((m) => [m.id, m.attempts])).toEqual([
                [aMessage(1).id, 2],
                [aMessage(2).id, 2],
                [aMessage(3).id, 2],
              ])
            }),
          ),
      )

      it.effect(
        "enqueue keeps the first message of a dedupe key, in one batch or across batches",
        () =>
          withDatabase(() =>
            Effect.gen(function* () {
              const outbox = yield* Outbox
              const first = aMessage(1)
              yield* outbox.enqueue([
                first,
                aMessage(2, { dedupeKey: first.dedupeKey, body: "dup" }),
              ])
              yield* outbox.enqueue([aMessage(3, { dedupeKey: first.dedupeKey, body: "dup" })])
              yield* outbox.enqueue([])
              expect(yield* outbox.list({})).toEqual([first])
            }),
          ),
      )

      it.effect("markSent, markFailed with and without a retry, findById and list filters", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const outbox = yield* Outbox
            yield* outbox.enqueue([aMessage(1), aMessage(2), aMessage(3)])
            const sentAt = at("2026-01-03T10:01:00.000Z")
            const retryAt = at("2026-01-03T10:05:00.000Z")
            yield* outbox.markSent(aMessage(1).id, sentAt)
            yield* outbox.markFailed(aMessage(2).id, "timeout", Option.some(retryAt))
            yield* outbox.markFailed(aMessage(3).id, "number not on WhatsApp", Option.none())
            expect(yield* outbox.findById(aMessage(1).id)).toEqual(
              Option.some({ ...aMessage(1), status: "sent", sentAt }),
            )
            expect(yield* outbox.findById(aMessage(2).id)).toEqual(
              Option.some({
                ...aMessage(2),
                status: "pending",
                lastError: "timeout",
                nextAttemptAt: retryAt,
              }),
            )
            expect(yield* outbox.list({ status: "failed" })).toEqual([
              { ...aMessage(3), status: "failed", lastError: "number not on WhatsApp" },
            ])
            expect((yield* outbox.list({ partyId: partyId(2) })).map((m) => m.id)).toEqual([
              aMessage(2).id,
            ])
            // Created at the same instant: the last enqueued is listed first.
            expect((yield* outbox.list({ limit: 2 })).map((m) => m.id)).toEqual([
              aMessage(3).id,
              aMessage(2).id,
            ])
            // Marking an unknown message changes nothing, as UPDATE does.
            yield* outbox.markSent(aMessage(9).id, sentAt)
            expect(yield* outbox.findById(aMessage(9).id)).toEqual(Option.none())
          }),
        ),
      )
    })

    describe("ContactBook", () => {
      it.effect("adding a party again refreshes phone and name and keeps the first addedAt", () =>
        withDatabase(() =>
          Effect.gen(function* () {
            const contacts = yield* ContactBook
            const first = {
              partyId: partyId(1),
              phone: "+27820000001",
              name: "Sipho",
              addedAt: at("2026-01-05T08:00:00.000Z"),
            }
            yield* contacts.add(first)
            yield* contacts.add({
              ...first,
              name: "Sipho M.",
              addedAt: at("2026-02-01T08:00:00.000Z"),
            })
            yield* contacts.add({ ...first, partyId: partyId(2), name: "Amara" })
            expect(yield* contacts.list()).toEqual([
              { ...first, name: "Sipho M." },
              { ...first, partyId: partyId(2), name: "Amara" },
            ])
          }),
        ),
      )
    })
  })
}

const ts = (iso: string) => new Date(iso)

const partyRow = (n: number, _: string): Record<string, unknown> => ({
  id: partyId(n),
  kind: "provider",
  phone: `+2782${String(n).padStart(7, "0")}`,
  cohort: "live",
  channel: "api",
  status: "pending",
  profile: JSON.stringify({ categories: [], serviceAreas: [], documents: [] }),
  created_at: ts("2026-01-01T00:00:00Z"),
  updated_at: ts("2026-01-01T00:00:00Z"),
})

const applicationRow = (n: number): Record<string, unknown> => ({
  id: `app_${String(n).padStart(20, "0")}`,
  party_id: partyId(n),
  role: "provider",
  state: "approved",
  completeness: 50,
  created_at: ts("2026-01-01T00:00:00Z"),
  updated_at: ts("2026-01-01T00:00:00Z"),
})

const outboxRow = (n: number): Record<string, unknown> => ({
  id: `msg_${String(n).padStart(20, "0")}`,
  dedupe_key: `check-${n}`,
  channel: "sms",
  to: "+27820000001",
  template: "t",
  body: "b",
  status: "pending",
  attempts: 0,
  next_attempt_at: ts("2026-01-01T00:00:00Z"),
  created_at: ts("2026-01-01T00:00:00Z"),
})
