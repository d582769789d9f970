import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { requestTemplates } from "../../dispatch/domain/request.notifications.ts"
import { RequestRepository } from "../../dispatch/ports/request-repository.ts"
import { readyRequest } from "../../dispatch/testing/offer-fixtures.ts"
import { dispatchRequest } from "../../dispatch/use-cases/dispatch-request.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import type { Phone } from "../../shared/phone.ts"
import { subscriptionTemplates } from "../../subscriptions/domain/subscription.messages.ts"
import { SubscriptionRepository } from "../../subscriptions/ports/subscription-repository.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { actionId } from "../domain/commands.ops.ts"
import { conversationTemplates } from "../domain/conversation.replies.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { chat, inboundMessage } from "../testing/chat-driver.ts"
import { tappableIds } from "../testing/conversation.arbitraries.ts"
import { handleInboundMessage } from "./handle-inbound-message.ts"

// Monday 2 March 2026, 06:00 UTC (08:00 in Johannesburg).
const MONDAY = Date.UTC(2026, 2, 2, 6)
const inMemory = (policy: MarketplacePolicy = creditsPreset) =>
  Effect.provide(layerInMemory(policy))

const phone = "+27831110000"

const templates = (messages: ReadonlyArray<{ readonly template: string }>) =>
  messages.map((m) => m.template)

/** Signs a homeowner up through the chat: hi -> "I need help" -> name. */
const signedUpHomeowner = (who = chat(phone)) =>
  Effect.gen(function* () {
    yield* who.text("hi")
    yield* who.tap(actionId.startFlow("sign_up", "customer"))
    yield* who.text("Lerato")
    return who
  })

describe("the conversation engine", () => {
  it.effect("takes a homeowner from hi to a submitted request", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      const lerato = chat(phone)
      const hello = yield* lerato.text("hi")
      expect(templates(hello)).toEqual([conversationTemplates.signUp])
      expect(tappableIds(hello[0]?.intent)).toContain(actionId.startFlow("sign_up", "customer"))

      const askName = yield* lerato.tap(actionId.startFlow("sign_up", "customer"))
      expect(askName[0]?.body).toContain("name")
      const welcome = yield* lerato.text("Lerato")
      expect(welcome.map((m) => m.body).join(" ")).toContain("Lerato")
      const party = yield* (yield* PartyRepository).findByPhone(phone as Phone)
      expect(Option.map(party, (p) => [p.kind, p.channel, p.profile.displayName])).toEqual(
        Option.some(["customer", "whatsapp", "Lerato"]),
      )

      const categories = yield* lerato.tap(actionId.startFlow("request_help"))
      expect(categories[0]?.intent?._tag).toBe("list")
      expect(tappableIds(categories[0]?.intent)).toContain(actionId.answer("category", "plumbing"))
      yield* lerato.pick(actionId.answer("category", "plumbing"), "Plumbing")

      const tooShort = yield* lerato.text("leak")
      expect(tooShort[0]?.body).toContain("at least 10 characters")
      const askLocation = yield* lerato.text("The geyser leaks through the ceiling")
      expect(askLocation[0]?.intent?._tag).toBe("location_request")
      const askArea = yield* lerato.send({
        _tag: "location",
        latitude: -26.24,
        longitude: 27.86,
        address: "12 Vilakazi St",
      })
      expect(askArea[0]?.body).toContain("area")
      yield* lerato.text("Soweto")
      yield* lerato.send({
        _tag: "media",
        kind: "image",
        mediaId: "m1",
        storedKey: "photos/ceiling.jpg",
      })
      yield* lerato.tap(actionId.answer("photos", "done"))
      const askMode = yield* lerato.text("2")
      // The credits preset offers no video calls, so availability comes straight after urgency.
      expect(askMode[0]?.template).toBe("conversation.request_help.availability")
      const pastTime = yield* lerato.text("today 1-2am")
      expect(pastTime[0]?.body).toContain("already passed")
      const thanks = yield* lerato.text("tomorrow 9-12")
      expect(thanks[0]?.body).toContain("Plumbing request is in")

      const [request] = yield* (yield* RequestRepository).list({})
      expect(request).toMatchObject({
        category: "plumbing",
        description: "The geyser leaks through the ceiling",
        location: { area: "soweto", point: { lat: -26.24, lng: 27.86 }, street: "12 Vilakazi St" },
        urgency: "urgent",
        mode: "in_person",
        photos: ["photos/ceiling.jpg"],
        channel: "whatsapp",
        availability: {
          _tag: "windows",
          // 09:00-12:00 in Johannesburg (UTC+2) on Tuesday.
          windows: [{ start: Date.UTC(2026, 2, 3, 7), end: Date.UTC(2026, 2, 3, 10) }],
        },
      })
      const status = yield* lerato.text("status")
      expect(status[0]?.body).toContain("plumbing")
      const session = yield* (yield* ConversationStore).find(phone)
      expect(Option.map(session, (s) => s.position)).toEqual(Option.some(undefined))
    }).pipe(inMemory()),
  )

  it.effect(
    "a homeowner told that nobody was found asks again with a tap; status shows nothing stuck",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(MONDAY)
        const lerato = yield* signedUpHomeowner()
        const party = Option.getOrThrow(yield* (yield* PartyRepository).findByPhone(phone as Phone))
        // No provider at all: dispatch gives up at once.
        const request = yield* readyRequest(party.id)
        expect((yield* dispatchRequest({ requestId: request.id })).request.state).toBe(
          "unfulfilled",
        )
        const [notice, ...more] = (yield* (yield* Outbox).list({ to: phone })).filter(
          (m) => m.template === requestTemplates.unfulfilled,
        )
        expect(more).toEqual([])
        expect(notice!.body).toContain("no provider was available for your plumbing request")
        const requestHelp = actionId.startFlow("request_help")
        expect(tappableIds(notice!.intent)).toContain(requestHelp)
        // "My requests" no longer lists it as being offered: it is closed.
        const [status] = yield* lerato.tap(actionId.command("status"))
        expect(status?.body).toContain("You have no open requests.")
        expect(status?.body).not.toContain("offered to providers")
        // The notice's "Request help" button starts a new request.
        const categories = yield* lerato.tap(requestHelp)
        expect(tappableIds(categories[0]?.intent)).toContain(
          actionId.answer("category", "plumbing"),
        )
      }).pipe(inMemory()),
  )

  it.effect("asks for a video call where the policy offers one and books it as virtual", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      const lerato = yield* signedUpHomeowner()
      yield* lerato.tap(actionId.startFlow("request_help"))
      yield* lerato.text("electrical")
      yield* lerato.text("Half the sockets stopped working")
      yield* lerato.text("soweto")
      yield* lerato.text("skip")
      const askMode = yield* lerato.pick(actionId.answer("urgency", "normal"))
      expect(tappableIds(askMode[0]?.intent)).toEqual([
        actionId.answer("mode", "virtual"),
        actionId.answer("mode", "in_person"),
      ])
      yield* lerato.tap(actionId.answer("mode", "virtual"))
      yield* lerato.tap(actionId.answer("availability", "now"))
      const [request] = yield* (yield* RequestRepository).list({})
      expect(request).toMatchObject({
        mode: "virtual",
        estimatedMinutes: 30,
        totalAmountMinor: 25_000n,
        availability: { _tag: "now" },
        photos: [],
      })
    }).pipe(inMemory(subscriptionPreset)),
  )

  it.effect(
    "in the subscription model a new homeowner picks a plan and gets its payment link once",
    () =>
      Effect.gen(function* () {
        const lerato = chat(phone)
        yield* lerato.text("hi")
        yield* lerato.tap(actionId.startFlow("sign_up", "customer"))
        const welcome = yield* lerato.text("Lerato")
        const plans = welcome.at(-1)
        expect(plans?.template).toBe("conversation.plan.plan")
        expect(tappableIds(plans?.intent)).toEqual([
          actionId.answer("plan", "pay-as-go"),
          actionId.answer("plan", "premium"),
          actionId.answer("plan", "elite"),
        ])
        const chosen = yield* lerato.tap(actionId.answer("plan", "premium"))
        const party = Option.getOrThrow(yield* (yield* PartyRepository).findByPhone(phone as Phone))
        const [subscription] = yield* (yield* SubscriptionRepository).list({ customerId: party.id })
        expect(subscription).toMatchObject({ planId: "premium", state: "pending_payment" })
        // The link comes once, from the use case's outbox message; the reply only says so.
        const links = chosen.filter((m) => m.template === subscriptionTemplates.paymentLink)
        expect(links).toHaveLength(1)
        expect(links[0]?.body).toMatch(
          /Premium plan \(ZAR 99\.00\/month\), pay here: http:\/\/fundi\.test\/p\//,
        )
        expect(links[0]?.fallbackTemplate?.name).toBe("fundi_update")
        const replies = chosen.filter((m) => m.template !== subscriptionTemplates.paymentLink)
        expect(replies[0]?.body).toContain("payment link")
        expect(replies[0]?.body).not.toContain("http")
        expect(replies[1]?.template).toBe(conversationTemplates.menu)
        // Choosing Premium again hands out the same payment with a fresh link.
        yield* lerato.text("plan")
        const again = yield* lerato.tap(actionId.answer("plan", "premium"))
        expect(again.filter((m) => m.template === subscriptionTemplates.paymentLink)).toHaveLength(
          1,
        )
        const [payment] = yield* (yield* SubscriptionRepository).listPayments(subscription!.id)
        expect(yield* (yield* SubscriptionRepository).list({ customerId: party.id })).toHaveLength(
          1,
        )
        expect(yield* (yield* SubscriptionRepository).listPayments(subscription!.id)).toEqual([
          payment,
        ])
      }).pipe(inMemory(subscriptionPreset)),
  )

  it.effect("a homeowner already on a plan is told so plainly", () =>
    Effect.gen(function* () {
      const lerato = chat(phone)
      yield* lerato.text("hi")
      yield* lerato.tap(actionId.startFlow("sign_up", "customer"))
      yield* lerato.text("Lerato")
      const free = yield* lerato.tap(actionId.answer("plan", "pay-as-go"))
      expect(free[0]?.body).toContain("You are on Pay-As-Go")
      // "plans" (or "plan", "my plan") asks again, whatever was open.
      const asked = yield* lerato.text("Plans")
      expect(tappableIds(asked[0]?.intent)).toContain(actionId.answer("plan", "premium"))
      const again = yield* lerato.tap(actionId.answer("plan", "pay-as-go"))
      expect(again[0]?.body).toBe("You are already on Pay-As-Go.")
      // Premium chosen on top: "status" shows both, the free plan and the one to pay.
      yield* lerato.text("my plan")
      yield* lerato.tap(actionId.answer("plan", "premium"))
      const [status] = yield* lerato.text("status")
      expect(status?.body).toContain("Your plan: Pay-As-Go.")
      expect(status?.body).toContain("Your plan: Premium, waiting for your payment")
      expect(status?.body).toContain("You have no open requests.")
    }).pipe(inMemory(subscriptionPreset)),
  )

  it.effect('only homeowners of a marketplace that sells plans are asked one on "plans"', () =>
    Effect.gen(function* () {
      const [customer] = yield* (yield* signedUpHomeowner()).text("plans")
      expect(customer?.template).toBe(conversationTemplates.help)
      expect(customer?.body).not.toContain('"plans"')
      const [stranger] = yield* chat("+27820000099").text("plans")
      expect(stranger?.template).toBe(conversationTemplates.help)
    }).pipe(inMemory(creditsPreset)),
  )

  it.effect("after stop nothing is enqueued until start", () =>
    Effect.gen(function* () {
      const lerato = yield* signedUpHomeowner()
      const bye = yield* lerato.text("STOP")
      expect(templates(bye)).toEqual([conversationTemplates.stopped])
      for (const said of ["hi", "menu", "help", "status", "the geyser again"]) {
        expect(yield* lerato.text(said)).toEqual([])
      }
      expect(yield* lerato.tap(actionId.startFlow("request_help"))).toEqual([])
      const back = yield* lerato.text("start")
      expect(templates(back)).toEqual([conversationTemplates.started, conversationTemplates.menu])
    }).pipe(inMemory()),
  )

  it.effect("handles the same inbound message twice but enqueues its replies once", () =>
    Effect.gen(function* () {
      const lerato = yield* signedUpHomeowner()
      const ask = yield* lerato.send(
        { _tag: "button_reply", id: actionId.startFlow("request_help"), title: "Request help" },
        "wamid.again",
      )
      expect(ask).toHaveLength(1)
      expect(yield* lerato.send({ _tag: "text", body: "plumbing" }, "wamid.again")).toEqual([])
      // Neither the replay nor its text moved the flow on: it still asks for the category.
      const session = yield* (yield* ConversationStore).find(phone)
      expect(Option.map(session, (s) => s.position?.step)).toEqual(Option.some("category"))
    }).pipe(inMemory()),
  )

  it.effect(
    "answers what it does not understand, stale buttons included, naming the commands",
    () =>
      Effect.gen(function* () {
        const lerato = yield* signedUpHomeowner()
        const what = yield* lerato.text("blah")
        expect(templates(what)).toEqual([
          conversationTemplates.notUnderstood,
          conversationTemplates.menu,
        ])
        expect(what[0]?.body).toContain('"menu"')
        const stale = yield* lerato.tap("offer:ofr_gone:accept")
        expect(templates(stale)).toEqual([
          conversationTemplates.unknownButton,
          conversationTemplates.menu,
        ])
        const oldStep = yield* lerato.tap(actionId.answer("photos", "done"))
        expect(templates(oldStep)).toEqual([
          conversationTemplates.unknownButton,
          conversationTemplates.menu,
        ])
        expect(yield* lerato.send({ _tag: "reaction", messageId: "wamid.x", emoji: "👍" })).toEqual(
          [],
        )
        const poll = yield* lerato.send({ _tag: "unsupported", originalType: "poll" })
        expect(templates(poll)).toEqual([
          conversationTemplates.notUnderstood,
          conversationTemplates.menu,
        ])
      }).pipe(inMemory()),
  )

  it.effect("keeps the 24-hour window from the person's latest message", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(MONDAY)
      yield* handleInboundMessage(
        inboundMessage("wamid.late", phone, { _tag: "text", body: "hi" }, MONDAY as never),
      )
      yield* handleInboundMessage(
        inboundMessage(
          "wamid.early",
          phone,
          { _tag: "text", body: "hi" },
          (MONDAY - 60_000) as never,
        ),
      )
      const session = yield* (yield* ConversationStore).find(phone)
      expect(Option.map(session, (s) => s.lastInboundAt)).toEqual(Option.some(MONDAY))
    }).pipe(inMemory()),
  )

  it.effect("signs a provider up and takes the application to submitted", () =>
    Effect.gen(function* () {
      const sipho = chat("+27821000001")
      yield* sipho.text("hello")
      yield* sipho.tap(actionId.startFlow("sign_up", "provider"))
      const askTrades = yield* sipho.text("Sipho Dlamini")
      expect(askTrades.at(-1)?.template).toBe("conversation.apply.categories")
      yield* sipho.text("Plumbing, electrical")
      yield* sipho.text("soweto, randburg")
      const badYears = yield* sipho.text("lots")
      expect(badYears[0]?.body).toContain("whole number")
      yield* sipho.text("12")
      yield* sipho.text("weekdays 08:00-17:00")
      yield* sipho.send({
        _tag: "media",
        kind: "document",
        mediaId: "d1",
        storedKey: "docs/id.pdf",
      })
      const submitted = yield* sipho.tap(actionId.answer("documents", "done"))
      expect(submitted[0]?.body).toContain("application is with our team")
      const party = Option.getOrThrow(
        yield* (yield* PartyRepository).findByPhone("+27821000001" as Phone),
      )
      expect(party.profile).toMatchObject({
        displayName: "Sipho Dlamini",
        categories: ["plumbing", "electrical"],
        serviceAreas: ["soweto", "randburg"],
        experienceYears: 12,
        documents: ["docs/id.pdf"],
      })
      const application = yield* (yield* ApplicationRepository).latestForParty(party.id)
      expect(Option.map(application, (a) => a.state)).toEqual(Option.some("submitted"))
      const again = yield* sipho.tap(actionId.startFlow("apply"))
      expect(again[0]?.body).toContain("already with our team")
    }).pipe(inMemory()),
  )

  it.effect("enqueues WhatsApp replies with the intent, plain body and message-scoped keys", () =>
    Effect.gen(function* () {
      yield* handleInboundMessage(
        inboundMessage("wamid.k", phone, { _tag: "text", body: "hi" }, 0 as never),
      )
      const [message] = yield* (yield* Outbox).list({ to: phone })
      expect(message).toMatchObject({
        channel: "whatsapp",
        to: phone,
        dedupeKey: "wamid.k:0",
        template: conversationTemplates.signUp,
        intent: { _tag: "buttons" },
      })
      expect(message?.body).toContain("[I need help]")
    }).pipe(inMemory()),
  )
})
