import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { requestTemplates } from "../../dispatch/domain/request.notifications.ts"
import { RequestRepository } from "../../dispatch/ports/request-repository.ts"
import { geyserLeak, homeowner } from "../../dispatch/testing/offer-fixtures.ts"
import { askClarification } from "../../dispatch/use-cases/ask-clarification.ts"
import { listClarifications } from "../../dispatch/use-cases/queries.ts"
import { submitRequest } from "../../dispatch/use-cases/submit-request.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { RequestId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { actionId } from "../domain/commands.ops.ts"
import { conversationTemplates } from "../domain/conversation.replies.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { chat } from "../testing/chat-driver.ts"
import { tappableIds } from "../testing/conversation.arbitraries.ts"

const MONDAY = Date.UTC(2026, 2, 2, 6)

/** A homeowner's request that ops asked a question about; the question sent (as sent). */
const asked = (
  customer: { readonly id: string; readonly phone: string },
  question: string,
  category = "plumbing",
) =>
  Effect.gen(function* () {
    const request = yield* submitRequest({ ...geyserLeak, category, customerId: customer.id })
    yield* askClarification({ requestId: request.id, operator: "thandi", question })
    const outbox = yield* Outbox
    const sent = (yield* outbox.list({ to: customer.phone, channel: "whatsapp" })).find(
      (m) => m.template === requestTemplates.clarification && m.body.includes(question),
    )!
    // The worker sent it: WhatsApp's id for it is what a reply in context names.
    const wamid = `wamid.out.${request.id}`
    yield* outbox.markSent(sent.id, yield* now, wamid)
    return { request, wamid }
  })

const stateOf = (requestId: RequestId) =>
  Effect.gen(function* () {
    return Option.map(yield* (yield* RequestRepository).findById(requestId), (r) => r.state)
  })

const bodies = (messages: ReadonlyArray<{ readonly body: string }>) =>
  messages.map((m) => m.body).join("\n")

describe("a homeowner answers ops' question in the chat", () => {
  it.effect("plain text answers the one waiting question; ops see it; status says so", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      const customer = yield* homeowner()
      const { request } = yield* asked(customer, "Is the geyser electric or gas?")
      const lerato = chat(customer.phone)
      const status = yield* lerato.text("status")
      expect(status[0]?.body).toContain('"Is the geyser electric or gas?"')
      expect(status[0]?.body).toContain("Type your answer as a message")

      const thanks = yield* lerato.text("  Electric, 150 litres  ")
      expect(thanks.map((m) => m.template)).toEqual([conversationTemplates.done])
      expect(thanks[0]?.body).toContain("passed your answer about your Plumbing request")
      expect(yield* stateOf(request.id)).toEqual(Option.some("submitted"))
      const log = yield* listClarifications({ requestId: request.id })
      expect(log.map((e) => [e.kind, e.text])).toEqual([
        ["question", "Is the geyser electric or gas?"],
        ["answer", "Electric, 150 litres"],
      ])
      // Nothing waits any more: the next text is not taken for an answer.
      const next = yield* lerato.text("hello there again")
      expect(next[0]?.template).toBe(conversationTemplates.notUnderstood)
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("a photo without words, or only spaces, is asked to be typed; nothing moves", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      const customer = yield* homeowner()
      const { request } = yield* asked(customer, "Where is the leak?")
      const lerato = chat(customer.phone)
      const photo = yield* lerato.send({ _tag: "media", kind: "image", mediaId: "m1" })
      expect(photo.map((m) => m.template)).toEqual([conversationTemplates.refused])
      expect(photo[0]?.body).toContain("type your answer")
      const blank = yield* lerato.text("   ")
      expect(blank[0]?.body).toContain("empty")
      const long = yield* lerato.text("x".repeat(2001))
      expect(long[0]?.body).toContain("too long")
      expect(yield* stateOf(request.id)).toEqual(Option.some("needs_clarification"))
      // A captioned photo answers with its caption, and says the photo is not passed on.
      const captioned = yield* lerato.send({
        _tag: "media",
        kind: "image",
        mediaId: "m2",
        caption: "Under the sink",
      })
      expect(captioned[0]?.body).toContain("not the photo")
      const log = yield* listClarifications({ requestId: request.id })
      expect(log.at(-1)).toMatchObject({ kind: "answer", text: "Under the sink" })
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect(
    "with two questions waiting, the reply's context picks one; plain text asks which",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(MONDAY)
        const customer = yield* homeowner()
        const first = yield* asked(customer, "Is the geyser electric?")
        yield* TestClock.adjust("1 minute")
        const second = yield* asked(customer, "Which room has no power?", "electrical")
        const lerato = chat(customer.phone)
        const status = yield* lerato.text("status")
        expect(status[0]?.body).toContain("Reply to our question's message")

        // In context to the second question: it answers that one, even though it is "1".
        const inContext = yield* lerato.send({ _tag: "text", body: "1" }, undefined, second.wamid)
        expect(inContext[0]?.body).toMatch(/passed your answer about your electrical request/iu)
        expect(yield* stateOf(second.request.id)).toEqual(Option.some("submitted"))
        expect(yield* stateOf(first.request.id)).toEqual(Option.some("needs_clarification"))
        // The same context again: that question is answered already; the other still waits.
        const again = yield* lerato.send({ _tag: "text", body: "kitchen" }, undefined, second.wamid)
        expect(bodies(again)).toContain("already have your answer")
        expect(bodies(again)).toContain('"Is the geyser electric?"')
        expect(yield* stateOf(first.request.id)).toEqual(Option.some("needs_clarification"))

        // A third request waits too: plain text asks which, then one tap answers.
        yield* TestClock.adjust("1 minute")
        const third = yield* asked(customer, "How old is the roof?", "roofing")
        const which = yield* lerato.text("About ten years")
        expect(which[0]?.template).toBe("conversation.clarify.which")
        const ids = tappableIds(which[0]?.intent)
        expect(ids).toEqual([
          actionId.answer("which", first.request.id),
          actionId.answer("which", third.request.id),
        ])
        expect(yield* stateOf(third.request.id)).toEqual(Option.some("needs_clarification"))
        const done = yield* lerato.tap(actionId.answer("which", third.request.id))
        expect(done[0]?.body).toMatch(/roofing request/iu)
        expect(yield* stateOf(third.request.id)).toEqual(Option.some("submitted"))
        expect(yield* stateOf(first.request.id)).toEqual(Option.some("needs_clarification"))
        const log = yield* listClarifications({ requestId: third.request.id })
        expect(log.at(-1)).toMatchObject({ kind: "answer", text: "About ten years" })
        const session = yield* (yield* ConversationStore).find(customer.phone)
        expect(Option.map(session, (s) => s.position)).toEqual(Option.some(undefined))
        // One left: plain text answers it.
        yield* lerato.text("Gas")
        expect(yield* stateOf(first.request.id)).toEqual(Option.some("submitted"))
      }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("a message handled twice answers once", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      const customer = yield* homeowner()
      const { request } = yield* asked(customer, "Is the geyser electric?")
      const lerato = chat(customer.phone)
      const first = yield* lerato.send({ _tag: "text", body: "Yes" }, "wamid.same")
      const second = yield* lerato.send({ _tag: "text", body: "Yes" }, "wamid.same")
      expect(first).toHaveLength(1)
      expect(second).toEqual([])
      const answers = (yield* listClarifications({ requestId: request.id })).filter(
        (e) => e.kind === "answer",
      )
      expect(answers).toHaveLength(1)
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect(
    "a question ops ask while a new request waits for its description gets the next message; the flow then carries on",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(MONDAY)
        const customer = yield* homeowner()
        const lerato = chat(customer.phone)
        // A question from before the flow: the flow's messages stay the flow's.
        const old = yield* asked(customer, "Is the geyser electric?")
        yield* TestClock.adjust("1 minute")
        yield* lerato.tap(actionId.startFlow("request_help"))
        yield* TestClock.adjust("1 minute")
        const describe = yield* lerato.pick(actionId.answer("category", "plumbing"), "Plumbing")
        const describePrompt = describe.at(-1)?.body ?? ""
        yield* TestClock.adjust("1 minute")
        const fresh = yield* asked(customer, "Which room is it in?", "electrical")
        yield* TestClock.adjust("1 minute")

        const thanks = yield* lerato.text("The lounge")
        expect(thanks[0]?.body).toMatch(/passed your answer about your electrical request/iu)
        expect(thanks[0]?.body).toContain("back to where you were")
        expect(thanks.at(-1)?.body).toBe(describePrompt)
        expect(yield* stateOf(fresh.request.id)).toEqual(Option.some("submitted"))
        expect(yield* stateOf(old.request.id)).toEqual(Option.some("needs_clarification"))
        const log = yield* listClarifications({ requestId: fresh.request.id })
        expect(log.at(-1)).toMatchObject({ kind: "answer", text: "The lounge" })
        const session = yield* (yield* ConversationStore).find(customer.phone)
        expect(Option.map(session, (s) => s.position?.step)).toEqual(Option.some("description"))

        // The next message is the flow's again: the description, not an answer.
        yield* TestClock.adjust("1 minute")
        const next = yield* lerato.text("The geyser leaks through the ceiling")
        expect(next[0]?.intent?._tag).toBe("location_request")
        expect(yield* stateOf(old.request.id)).toEqual(Option.some("needs_clarification"))
      }).pipe(Effect.provide(layerInMemory())),
  )
})
