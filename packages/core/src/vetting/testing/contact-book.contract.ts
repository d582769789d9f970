import { Effect } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import {
  arbInstant,
  arbPartyId,
  arbPhone,
  arbText,
} from "../../shared/testing/shared.arbitraries.ts"
import { Transactions } from "../../shared/transactions.ts"
import { type BusinessContact, ContactBook } from "../ports/contact-book.ts"

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const arbContact: fc.Arbitrary<BusinessContact> = fc.record({
  partyId: arbPartyId,
  phone: arbPhone,
  name: arbText(80),
  addedAt: arbInstant,
})

/**
 * The contract every ContactBook adapter keeps: one entry per party; adding again refreshes
 * phone and name but keeps the first addedAt; list is by addedAt, then partyId.
 */
export const contactBookContract = (
  name: string,
  makeLayer: MakeLayer<ContactBook>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`ContactBook contract: ${name}`, () => {
    it("lists one entry per party, by addedAt then partyId, first addedAt kept", async () => {
      // Adds, some for the same party, at few distinct instants so ties happen.
      const arbAdds = fc
        .tuple(
          fc.array(arbContact, { minLength: 1, maxLength: 8 }),
          fc.uniqueArray(arbPartyId, { minLength: 1, maxLength: 3 }),
          fc.tuple(arbInstant, arbInstant),
        )
        .map(([contacts, parties, times]) =>
          contacts.map((c, i) => ({
            ...c,
            partyId: parties[i % parties.length]!,
            addedAt: times[i % 2]!,
          })),
        )
      await fc.assert(
        fc.asyncProperty(arbAdds, (adds) =>
          run(
            Effect.gen(function* () {
              const book = yield* ContactBook
              for (const contact of adds) yield* book.add(contact)
              const expected = [...new Set(adds.map((c) => c.partyId))]
                .map((partyId) => {
                  const mine = adds.filter((c) => c.partyId === partyId)
                  return { ...mine[mine.length - 1]!, addedAt: mine[0]!.addedAt }
                })
                .sort((a, b) => a.addedAt - b.addedAt || compareText(a.partyId, b.partyId))
              expect(yield* book.list()).toEqual(expected)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("adding the same contact twice changes nothing", async () => {
      await fc.assert(
        fc.asyncProperty(arbContact, (contact) =>
          run(
            Effect.gen(function* () {
              const book = yield* ContactBook
              yield* book.add(contact)
              yield* book.add(contact)
              expect(yield* book.list()).toEqual([contact])
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing added inside a transaction that fails, and keeps a committed one", async () => {
      await fc.assert(
        fc.asyncProperty(arbContact, arbContact, (kept, lost) => {
          fc.pre(kept.partyId !== lost.partyId)
          return run(
            Effect.gen(function* () {
              const book = yield* ContactBook
              const tx = yield* Transactions
              yield* tx.run(book.add(kept))
              yield* inFailingTransaction(book.add(lost))
              expect(yield* book.list()).toEqual([kept])
            }),
          )
        }),
        { numRuns },
      )
    })
  })
}
