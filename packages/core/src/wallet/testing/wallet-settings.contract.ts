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
import { arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import { WalletSettings, type WalletSettingsRecord } from "../ports/wallet-settings.ts"
import { arbWalletSettings } from "./wallet.arbitraries.ts"

/** A record as it must read back: no key for an absent budget. */
const canonical = (settings: WalletSettingsRecord): WalletSettingsRecord =>
  settings.weeklyCreditBudget === undefined
    ? { partyId: settings.partyId }
    : { partyId: settings.partyId, weeklyCreditBudget: settings.weeklyCreditBudget }

/**
 * The contract every WalletSettings adapter keeps. `makeLayer` must give fresh, empty
 * storage on every call.
 */
export const walletSettingsContract = (
  name: string,
  makeLayer: MakeLayer<WalletSettings>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`WalletSettings contract: ${name}`, () => {
    it("a party that never set anything gets just its id back", async () => {
      await fc.assert(
        fc.asyncProperty(arbPartyId, (partyId) =>
          run(
            Effect.gen(function* () {
              expect(yield* (yield* WalletSettings).get(partyId)).toEqual({ partyId })
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("the last put of each party is what get returns, parties apart", async () => {
      const arbPuts = fc
        .tuple(arbPartyId, arbPartyId)
        .filter(([a, b]) => a !== b)
        .chain((parties) =>
          fc
            .array(
              fc.nat(1).chain((i) => arbWalletSettings(parties[i]!)),
              { minLength: 1, maxLength: 6 },
            )
            .map((puts) => ({ parties, puts })),
        )
      await fc.assert(
        fc.asyncProperty(arbPuts, ({ parties, puts }) =>
          run(
            Effect.gen(function* () {
              const settings = yield* WalletSettings
              for (const record of puts) yield* settings.put(record)
              for (const partyId of parties) {
                const last = puts.filter((p) => p.partyId === partyId).at(-1)
                expect(yield* settings.get(partyId)).toEqual(
                  last === undefined ? { partyId } : canonical(last),
                )
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("putting a record without a budget removes the budget", async () => {
      await fc.assert(
        fc.asyncProperty(arbPartyId, fc.integer({ min: 1, max: 1_000_000 }), (partyId, budget) =>
          run(
            Effect.gen(function* () {
              const settings = yield* WalletSettings
              yield* settings.put({ partyId, weeklyCreditBudget: budget })
              expect(yield* settings.get(partyId)).toEqual({ partyId, weeklyCreditBudget: budget })
              yield* settings.put({ partyId })
              expect(yield* settings.get(partyId)).toEqual({ partyId })
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing put inside a transaction that fails", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbPartyId,
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
          (partyId, kept, lost) =>
            run(
              Effect.gen(function* () {
                const settings = yield* WalletSettings
                yield* settings.put({ partyId, weeklyCreditBudget: kept })
                yield* inFailingTransaction(
                  settings.put(
                    lost === undefined ? { partyId } : { partyId, weeklyCreditBudget: lost },
                  ),
                )
                expect(yield* settings.get(partyId)).toEqual({ partyId, weeklyCreditBudget: kept })
              }),
            ),
        ),
        { numRuns },
      )
    })
  })
}
