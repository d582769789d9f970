import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { Transactions } from "../../shared/transactions.ts"
import type { ConversationSession } from "../domain/session.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { sessionOrder } from "./conversation-store.fake.ts"
import { arbConversationSession } from "./inbox.arbitraries.ts"

const arbSessions = (maxLength: number) =>
  fc.uniqueArray(arbConversationSession, { minLength: 1, maxLength, selector: (s) => s.phone })

/**
 * The contract every ConversationStore adapter keeps: a session saved is found as saved
 * (position data as plain JSON included), saving again replaces it, the list is most
 * recently active first, and a rolled-back save leaves nothing.
 */
export const conversationStoreContract = (
  name: string,
  makeLayer: MakeLayer<ConversationStore>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`ConversationStore contract: ${name}`, () => {
    it("finds what was saved; a second save replaces it", async () => {
      await fc.assert(
        fc.asyncProperty(arbSessions(5), arbConversationSession, (sessions, replacement) =>
          run(
            Effect.gen(function* () {
              const store = yield* ConversationStore
              for (const s of sessions) yield* store.save(s)
              for (const s of sessions) {
                expect(Option.getOrUndefined(yield* store.find(s.phone))).toEqual(s)
              }
              const replaced: ConversationSession = { ...replacement, phone: sessions[0]!.phone }
              yield* store.save(replaced)
              expect(Option.getOrUndefined(yield* store.find(replaced.phone))).toEqual(replaced)
              expect((yield* store.list({})).length).toBe(sessions.length)
              expect(Option.isNone(yield* store.find("+10000000000"))).toBe(true)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("lists most recently active first, filtered by opt-out, up to the limit", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbSessions(8),
          fc.option(fc.boolean(), { nil: undefined }),
          fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
          (sessions, optedOut, limit) =>
            run(
              Effect.gen(function* () {
                const store = yield* ConversationStore
                for (const s of sessions) yield* store.save(s)
                const expected = sessions
                  .filter((s) => optedOut === undefined || s.optedOut === optedOut)
                  .sort(sessionOrder)
                  .slice(0, limit)
                const filter = {
                  ...(optedOut === undefined ? {} : { optedOut }),
                  ...(limit === undefined ? {} : { limit }),
                }
                expect(yield* store.list(filter)).toEqual(expected)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("finds for update inside a transaction, and keeps nothing a failed one saved", async () => {
      await fc.assert(
        fc.asyncProperty(arbSessions(2), (sessions) =>
          run(
            Effect.gen(function* () {
              const store = yield* ConversationStore
              const tx = yield* Transactions
              const [kept, lost] = [sessions[0]!, sessions[1]]
              yield* tx.run(
                Effect.gen(function* () {
                  yield* store.save(kept)
                  const locked = yield* store.find(kept.phone, { forUpdate: true })
                  expect(Option.getOrUndefined(locked)).toEqual(kept)
                }),
              )
              if (lost !== undefined) {
                yield* inFailingTransaction(store.save(lost))
                expect(Option.isNone(yield* store.find(lost.phone))).toBe(true)
              }
              yield* inFailingTransaction(store.save({ ...kept, optedOut: !kept.optedOut }))
              expect(Option.getOrUndefined(yield* store.find(kept.phone))).toEqual(kept)
            }),
          ),
        ),
        { numRuns },
      )
    })
  })
}
