import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { homeowner, readyRequest, vettedProvider } from "../../dispatch/testing/offer-fixtures.ts"
import { dispatchRequest } from "../../dispatch/use-cases/dispatch-request.ts"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { classify } from "../domain/commands.ops.ts"
import { conversationTemplates } from "../domain/conversation.replies.ts"
import type { InboundContent } from "../domain/inbound.ts"
import { checkIntent } from "../domain/intent.ops.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { chat } from "../testing/chat-driver.ts"
import { arbitraryInboundContent, tappableIds } from "../testing/conversation.arbitraries.ts"

const MONDAY = Date.UTC(2026, 2, 2, 6)
const stranger = "+27839990000"

/**
 * A move: something typed or sent, or a tap on one of the buttons the bot sent last;
 * `replay` delivers the same message (same id) once more, as a retried inbox entry would.
 */
type Move = { readonly who: number; readonly replay: boolean } & (
  | { readonly _tag: "send"; readonly content: InboundContent }
  | { readonly _tag: "tapLast"; readonly pick: number }
)

const arbitraryMoves: fc.Arbitrary<ReadonlyArray<Move>> = fc.array(
  fc.oneof(
    fc.record({
      _tag: fc.constant("send" as const),
      who: fc.nat(2),
      replay: fc.boolean(),
      content: arbitraryInboundContent,
    }),
    fc.record({
      _tag: fc.constant("tapLast" as const),
      who: fc.nat(2),
      replay: fc.boolean(),
      pick: fc.nat(9),
    }),
  ),
  { maxLength: 25 },
)

const isStart = (content: InboundContent) => {
  const said = classify(content)
  return said._tag === "command" && said.command === "start"
}

describe("conversations, whatever people send", () => {
  it("stay within WhatsApp's limits, answer a replayed message once, and are silent after stop", async () => {
    // Guards against a vacuous run: the moves must reach the engine and get answers.
    let interactive = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(creditsPreset, subscriptionPreset),
        arbitraryMoves,
        (policy, moves) =>
          Effect.runPromise(
            Effect.gen(function* () {
              yield* TestClock.setTime(MONDAY)
              // A homeowner, a provider with a live lead, and someone unknown.
              const customer = yield* homeowner()
              const provider = yield* vettedProvider(1, { credits: 20 })
              const request = yield* readyRequest(customer.id)
              yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
              const phones = [customer.phone, provider.phone, stranger]
              const chats = phones.map((phone) => chat(phone))
              const outbox = yield* Outbox
              const last = new Map<number, ReadonlyArray<string>>()
              for (const phone of [provider.phone]) {
                const lead = yield* outbox.list({ to: phone })
                last.set(
                  1,
                  lead.flatMap((m) => tappableIds(m.intent)),
                )
              }
              const sessionOf = (phone: string) =>
                Effect.gen(function* () {
                  return yield* (yield* ConversationStore).find(phone)
                })
              for (const [index, move] of moves.entries()) {
                const who = chats[move.who]!
                const id = `wamid.move.${index}`
                let content: InboundContent
                if (move._tag === "send") content = move.content
                else {
                  const ids = last.get(move.who) ?? []
                  const id = ids[move.pick % Math.max(ids.length, 1)]
                  content =
                    id === undefined
                      ? { _tag: "text", body: "hi" }
                      : { _tag: "button_reply", id, title: "x" }
                }
                const session = yield* sessionOf(phones[move.who]!)
                const optedOut = Option.match(session, {
                  onNone: () => false,
                  onSome: (s) => s.optedOut,
                })
                const sent: ReadonlyArray<OutboxMessage> = yield* who.send(content, id)
                const replies = sent.filter((m) => m.dedupeKey.startsWith("wamid."))
                for (const message of sent) {
                  if (message.intent !== undefined) {
                    if (message.intent._tag !== "text") interactive++
                    expect(checkIntent(message.intent)._tag, message.template).toBe("Success")
                  }
                }
                if (optedOut && !isStart(content)) expect(replies).toEqual([])
                const stopped = replies.some((m) => m.template === conversationTemplates.stopped)
                if (stopped) expect(replies).toHaveLength(1)
                if (replies.length > 0)
                  last.set(
                    move.who,
                    replies.flatMap((m) => tappableIds(m.intent)),
                  )
                if (move.replay) {
                  const handled = yield* sessionOf(phones[move.who]!)
                  expect(yield* who.send(content, id)).toEqual([])
                  expect(yield* sessionOf(phones[move.who]!)).toEqual(handled)
                }
              }
            }).pipe(Effect.provide(layerInMemory(policy)), Effect.provide(TestClock.layer())),
          ),
      ),
      { numRuns: 60 },
    )
    expect(interactive).toBeGreaterThan(100)
  })
})
