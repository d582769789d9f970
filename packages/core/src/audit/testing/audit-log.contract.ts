import { Effect } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { describeActor } from "../../shared/actor.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import { Transactions } from "../../shared/transactions.ts"
import type { AuditEntry } from "../domain/audit-entry.ts"
import { type AuditFilter, AuditLog } from "../ports/audit-log.ts"
import { arbAuditEntry } from "./audit.arbitraries.ts"

/** Entries at few distinct instants, so entries recorded at the same instant happen. */
const arbEntries = fc
  .tuple(
    fc.uniqueArray(arbAuditEntry, { minLength: 1, maxLength: 8, selector: (e) => e.id }),
    fc.tuple(arbInstant, arbInstant),
  )
  .map(([entries, times]) => entries.map((e, i) => ({ ...e, at: times[i % 2]! })))

/**
 * The documented order: newest first; entries at the same instant, last recorded first.
 * `actorName` matches `describeActor(actor)`: the operator's name, "party:<id>" or
 * "system:<process>".
 */
const expectedList = (recorded: ReadonlyArray<AuditEntry>, filter: AuditFilter) => {
  const newestFirst = recorded
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
}

/** The contract every AuditLog adapter keeps; `makeLayer` gives fresh, empty storage. */
export const auditLogContract = (
  name: string,
  makeLayer: MakeLayer<AuditLog>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`AuditLog contract: ${name}`, () => {
    it("lists what was recorded, newest first, as it was recorded", async () => {
      await fc.assert(
        fc.asyncProperty(arbEntries, (entries) =>
          run(
            Effect.gen(function* () {
              const log = yield* AuditLog
              for (const entry of entries) yield* log.record(entry)
              expect(yield* log.list({})).toEqual(expectedList(entries, {}))
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("filters by subject, action and actor name, then limits", async () => {
      const arbCase = arbEntries.chain((entries) => {
        const arbFilter: fc.Arbitrary<AuditFilter> = fc.record(
          {
            subjectId: fc.constantFrom(...entries.map((e) => e.subjectId), "pty_none"),
            action: fc.constantFrom(...entries.map((e) => e.action)),
            actorName: fc.constantFrom(...entries.map((e) => describeActor(e.actor))),
            limit: fc.integer({ min: 1, max: 5 }),
          },
          { requiredKeys: [] },
        )
        return fc.tuple(fc.constant(entries), fc.array(arbFilter, { minLength: 1, maxLength: 5 }))
      })
      await fc.assert(
        fc.asyncProperty(arbCase, ([entries, filters]) =>
          run(
            Effect.gen(function* () {
              const log = yield* AuditLog
              for (const entry of entries) yield* log.record(entry)
              for (const filter of filters) {
                expect(yield* log.list(filter)).toEqual(expectedList(entries, filter))
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing recorded inside a transaction that fails, and keeps a committed one", async () => {
      await fc.assert(
        fc.asyncProperty(arbAuditEntry, arbAuditEntry, (kept, lost) => {
          fc.pre(kept.id !== lost.id)
          return run(
            Effect.gen(function* () {
              const log = yield* AuditLog
              const tx = yield* Transactions
              yield* tx.run(log.record(kept))
              yield* inFailingTransaction(log.record(lost))
              expect(yield* log.list({})).toEqual([kept])
            }),
          )
        }),
        { numRuns },
      )
    })
  })
}
