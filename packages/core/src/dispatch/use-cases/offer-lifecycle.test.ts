import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import type { PartyId } from "../../shared/ids.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { offerTemplates } from "../domain/offer.notifications.ts"
import { requestTemplates } from "../domain/request.notifications.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { cancelRequest } from "./cancel-request.ts"
import { chooseProposedTime } from "./choose-proposed-time.ts"
import { declineLead } from "./decline-lead.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { expireDueOffers } from "./expire-due-offers.ts"
import { previewLead } from "./preview-lead.ts"
import { proposeTimes } from "./propose-times.ts"
import { getRequest } from "./queries.ts"
import { rejectProposedTimes } from "./reject-proposed-times.ts"
import { unlockLead } from "./unlock-lead.ts"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}
const inMemory = (policy: MarketplacePolicy = sequential) => Effect.provide(layerInMemory(policy))

const templatesFor = (partyId: string) =>
  Effect.gen(function* () {
    return (yield* (yield* Outbox).list({ partyId })).map((m) => m.template)
  })

const offerOf = (offerId: string) =>
  Effect.gen(function* () {
    const found = yield* (yield* OfferRepository).findById(offerId as never)
    return Option.getOrThrow(found)
  })

/** A sequential market: one homeowner, two providers, the first offer unlocked with three times proposed. */
const proposedMarket = Effect.gen(function* () {
  const customer = yield* homeowner()
  const providers = [
    yield* vettedProvider(1, { credits: 50 }),
    yield* vettedProvider(2, { credits: 50 }),
  ]
  const request = yield* readyRequest(customer.id)
  const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
  const ref = { offerId: offer.id, providerId: offer.providerId }
  yield* previewLead(ref)
  yield* unlockLead(ref)
  const slot = (h: number) => ({ start: h * HOUR, end: (h + 1) * HOUR })
  yield* proposeTimes({ ...ref, slots: [slot(3), slot(5), slot(7)] })
  const other = providers.find((p) => p.id !== offer.providerId)!
  return { customer, request, offer, other }
})

describe("the scheduler expires due offers and dispatch moves on", () => {
  it.effect("nothing expires before its deadline; at it, the next provider is offered", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1)
      yield* vettedProvider(2)
      const request = yield* readyRequest(customer.id)
      const first = (yield* dispatchRequest({ requestId: request.id })).offered[0]!

      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE - 1)
      const early = yield* expireDueOffers()
      expect(early).toEqual({ due: 0, expired: [], skipped: [], failed: [] })
      expect((yield* offerOf(first.id)).state).toBe("offered")

      yield* TestClock.adjust(1)
      const run = yield* expireDueOffers({ limit: 10 })
      expect(run.expired.map((e) => e.offer.id)).toEqual([first.id])
      expect(run.expired[0]!.offer).toMatchObject({ state: "expired", expiryCause: "ttl" })
      const next = run.expired[0]!.next!
      expect(next.decision._tag).toBe("Offer")
      expect(next.offered).toHaveLength(1)
      expect(next.offered[0]!.providerId).not.toBe(first.providerId)
      expect(yield* templatesFor(first.providerId)).toContain(offerTemplates.leadExpired)
      const audit = yield* (yield* AuditLog).list({ subjectId: first.id })
      expect(audit.find((e) => e.action === "offer.expire")).toMatchObject({
        actor: { _tag: "system", process: "scheduler" },
        details: { cause: "ttl", from: "offered" },
      })

      // A second run finds the expired offer closed: nothing twice.
      expect((yield* expireDueOffers()).expired).toEqual([])

      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE)
      const last = yield* expireDueOffers()
      expect(last.expired[0]!.next!.decision._tag).toBe("Unfulfilled")
      expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
    }).pipe(inMemory()),
  )

  it.effect("a second sweeper with a stale list neither expires twice nor offers twice", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1)
      yield* vettedProvider(2)
      yield* vettedProvider(3)
      const request = yield* readyRequest(customer.id)
      const first = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE)
      const repo = yield* OfferRepository
      // What the second sweeper saw before the first one committed.
      const stale = yield* repo.listDue(first.expiresAt, 10)
      expect(stale.map((o) => o.id)).toEqual([first.id])

      const a = yield* expireDueOffers()
      const b = yield* expireDueOffers().pipe(
        Effect.provideService(
          OfferRepository,
          OfferRepository.of({ ...repo, listDue: () => Effect.succeed(stale) }),
        ),
      )
      expect(a.expired.map((e) => e.offer.id)).toEqual([first.id])
      expect(b).toEqual({ due: 1, expired: [], skipped: [first.id], failed: [] })
      const offers = yield* repo.listForRequest(request.id)
      expect(offers.map((o) => o.state)).toEqual(["expired", "offered"])
      const expiries = (yield* (yield* AuditLog).list({ subjectId: first.id })).filter(
        (e) => e.action === "offer.expire",
      )
      expect(expiries).toHaveLength(1)
    }).pipe(inMemory()),
  )

  it.effect("an unlock hold that runs out expires as hold and returns the lead to dispatch", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1, { credits: 50 })
      yield* vettedProvider(2, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      const ref = { offerId: offer.id, providerId: offer.providerId }
      yield* previewLead(ref)
      yield* unlockLead(ref)
      yield* TestClock.adjust(sequential.credits.unlockHoldMinutes * MINUTE)
      const run = yield* expireDueOffers()
      expect(run.expired[0]!.offer.expiryCause).toBe("hold")
      expect(run.expired[0]!.next!.offered).toHaveLength(1)
    }).pipe(inMemory()),
  )

  it.effect("rejects a limit that is not a whole number from 1 to 1000", () =>
    Effect.gen(function* () {
      const bad = yield* Effect.flip(expireDueOffers({ limit: 0 }))
      expect(bad._tag).toBe("InvalidInput")
    }).pipe(inMemory()),
  )
})

describe("ops are told about unfulfilled requests", () => {
  it.effect("by email when the policy names an ops address, along with the audit row", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1)
      const request = yield* readyRequest(customer.id)
      const first = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE)
      const run = yield* expireDueOffers()
      expect(run.expired.map((e) => e.offer.id)).toEqual([first.id])
      expect(run.expired[0]!.next!.request.state).toBe("unfulfilled")
      const alerts = (yield* (yield* Outbox).list({})).filter((m) => m.to === "ops@fundi.test")
      expect(alerts).toHaveLength(1)
      expect(alerts[0]).toMatchObject({ channel: "email", template: "ops.request_unfulfilled" })
      expect(alerts[0]!.body).toContain(request.id)
      const audit = yield* (yield* AuditLog).list({ subjectId: request.id })
      expect(audit.map((e) => e.action)).toContain("request.unfulfilled")
    }).pipe(inMemory({ ...sequential, ops: { alertEmail: "ops@fundi.test" as never } })),
  )

  it.effect("not at all without one (the audit row is the signal)", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const request = yield* readyRequest(customer.id)
      const step = yield* dispatchRequest({ requestId: request.id })
      expect(step.request.state).toBe("unfulfilled")
      const mail = (yield* (yield* Outbox).list({})).filter((m) => m.template.startsWith("ops."))
      expect(mail).toEqual([])
    }).pipe(inMemory()),
  )
})

describe("the homeowner is told when nobody was found", () => {
  const notices = (customerId: string) =>
    Effect.gen(function* () {
      return (yield* (yield* Outbox).list({ partyId: customerId }))
        .filter((m) => m.template === requestTemplates.unfulfilled)
        .map((m) => `${m.channel}:${m.to}`)
        .sort()
    })

  it.effect("once, on the homeowner's channels, in the transaction that gives up", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1)
      const request = yield* readyRequest(customer.id)
      yield* dispatchRequest({ requestId: request.id })
      expect(yield* notices(customer.id)).toEqual([])
      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE)
      const run = yield* expireDueOffers()
      expect(run.expired[0]!.next!.request.state).toBe("unfulfilled")
      const expected = ["email:lerato@example.com", "whatsapp:+27831110000"]
      expect(yield* notices(customer.id)).toEqual(expected)
      // The scheduler runs again, ops try to dispatch again: refused, and nothing more is sent.
      expect((yield* expireDueOffers()).expired).toEqual([])
      const again = yield* Effect.flip(dispatchRequest({ requestId: request.id }))
      expect(again._tag).toBe("TransitionNotAllowed")
      expect(yield* notices(customer.id)).toEqual(expected)
    }).pipe(inMemory()),
  )

  it.effect("a test-cohort homeowner is told too, and only them", () =>
    Effect.gen(function* () {
      const live = yield* homeowner()
      yield* vettedProvider(1)
      const tester = yield* signUp({
        kind: "customer",
        phone: "+27831110099",
        cohort: "test",
        channel: "whatsapp",
      })
      // No test-cohort provider: the test request gives up at once; the live one is offered.
      const testRequest = yield* readyRequest(tester.id)
      const liveRequest = yield* readyRequest(live.id)
      expect((yield* dispatchRequest({ requestId: testRequest.id })).request.state).toBe(
        "unfulfilled",
      )
      expect((yield* dispatchRequest({ requestId: liveRequest.id })).offered).toHaveLength(1)
      expect(yield* notices(tester.id)).toEqual(["whatsapp:+27831110099"])
      expect(yield* notices(live.id)).toEqual([])
    }).pipe(inMemory()),
  )

  it.effect(
    "a give-up that fails at any write leaves nothing behind, and the retry tells once",
    () =>
      Effect.gen(function* () {
        const store = yield* InMemoryStore
        const customer = yield* homeowner()
        yield* vettedProvider(1)
        const request = yield* readyRequest(customer.id)
        const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
        const ref = { offerId: offer.id, providerId: offer.providerId }
        let crashes = 0
        for (let writes = 0; ; writes++) {
          const before = yield* store.snapshot
          yield* store.failAfterWrites(writes)
          const exit = yield* Effect.exit(declineLead(ref))
          yield* store.failAfterWrites(undefined)
          if (Exit.isSuccess(exit)) break
          // Crashed half-way (maybe between the transition and the notice): all rolled back.
          crashes++
          expect(yield* store.snapshot).toEqual(before)
          expect(yield* notices(customer.id)).toEqual([])
        }
        // The decline, the give-up, its audit rows and both messages are several writes.
        expect(crashes).toBeGreaterThan(3)
        expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
        expect(yield* notices(customer.id)).toEqual([
          "email:lerato@example.com",
          "whatsapp:+27831110000",
        ])
      }).pipe(inMemory()),
  )

  it.effect("a cancel tells the homeowner it is cancelled, never that nobody was found", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1)
      const request = yield* readyRequest(customer.id)
      yield* dispatchRequest({ requestId: request.id })
      yield* cancelRequest({ requestId: request.id, operator: "thandi", reason: "phoned" })
      yield* TestClock.adjust(sequential.dispatch.offerTtlMinutes * MINUTE)
      yield* expireDueOffers()
      expect(yield* notices(customer.id)).toEqual([])
      expect(yield* templatesFor(customer.id)).toContain("request.cancelled")
    }).pipe(inMemory()),
  )
})

describe("the homeowner answers proposed times", () => {
  it.effect("choosing a time hands over through the acceptance gate", () =>
    Effect.gen(function* () {
      const { customer, request, offer } = yield* proposedMarket
      const chosen = yield* chooseProposedTime({
        offerId: offer.id,
        customerId: customer.id,
        slot: 1,
      })
      expect(chosen.request).toMatchObject({
        state: "assigned",
        assignedProviderId: offer.providerId,
      })
      expect(chosen.offer.chosenSlot).toEqual({ start: 5 * HOUR, end: 6 * HOUR })
      expect(yield* getRequest({ requestId: request.id })).toMatchObject({
        state: "assigned",
        assignedProviderId: offer.providerId,
      })
      expect(yield* offerOf(offer.id)).toMatchObject({
        state: "accepted",
        chosenSlot: { start: 5 * HOUR, end: 6 * HOUR },
      })
      expect(yield* templatesFor(offer.providerId)).toContain(offerTemplates.customerHandover)
      expect(yield* templatesFor(customer.id)).toContain(offerTemplates.providerAssigned)
      // Both sides are told the agreed time, on the marketplace's clock (05:00 UTC is 07:00 SAST).
      const handovers = (yield* (yield* Outbox).list({})).filter(
        (m) =>
          m.template === offerTemplates.customerHandover ||
          m.template === offerTemplates.providerAssigned,
      )
      expect(handovers.length).toBeGreaterThanOrEqual(2)
      for (const message of handovers) expect(message.body).toContain(" on Thu 1 Jan 07:00-08:00.")
      const again = yield* Effect.flip(
        chooseProposedTime({ offerId: offer.id, customerId: customer.id, slot: 0 }),
      )
      expect(again._tag).toBe("LeadAlreadyAssigned")
    }).pipe(inMemory()),
  )

  it.effect("only the request's homeowner may answer, with a slot 0 to 2", () =>
    Effect.gen(function* () {
      const { offer, other } = yield* proposedMarket
      const stranger = yield* Effect.flip(
        chooseProposedTime({ offerId: offer.id, customerId: other.id, slot: 0 }),
      )
      expect(stranger._tag).toBe("NotRequestOwner")
      const rejectStranger = yield* Effect.flip(
        rejectProposedTimes({ offerId: offer.id, customerId: other.id }),
      )
      expect(rejectStranger._tag).toBe("NotRequestOwner")
      const bad = yield* Effect.flip(
        chooseProposedTime({ offerId: offer.id, customerId: other.id as PartyId, slot: 3 }),
      )
      expect(bad._tag).toBe("InvalidInput")
    }).pipe(inMemory()),
  )

  it.effect("a slot that has started cannot be chosen", () =>
    Effect.gen(function* () {
      const { customer, offer } = yield* proposedMarket
      yield* TestClock.adjust(4 * HOUR)
      const late = yield* Effect.flip(
        chooseProposedTime({ offerId: offer.id, customerId: customer.id, slot: 0 }),
      )
      expect(late._tag).toBe("SlotUnavailable")
    }).pipe(inMemory()),
  )

  it.effect("choosing none declines the offer and offers the next provider", () =>
    Effect.gen(function* () {
      const { customer, offer, other } = yield* proposedMarket
      const outcome = yield* rejectProposedTimes({ offerId: offer.id, customerId: customer.id })
      expect(outcome.offer.state).toBe("declined")
      expect(outcome.next.offered.map((o) => o.providerId)).toEqual([other.id])
      expect(yield* templatesFor(offer.providerId)).toContain(offerTemplates.timesRejected)
    }).pipe(inMemory()),
  )

  it.effect("proposed times nobody picks expire when the last one starts", () =>
    Effect.gen(function* () {
      const { offer, other } = yield* proposedMarket
      yield* TestClock.adjust(7 * HOUR - 1)
      expect((yield* expireDueOffers()).expired).toEqual([])
      yield* TestClock.adjust(1)
      const run = yield* expireDueOffers()
      expect(run.expired.map((e) => e.offer.expiryCause)).toEqual(["slots_passed"])
      expect(run.expired[0]!.offer.id).toBe(offer.id)
      expect(run.expired[0]!.next!.offered.map((o) => o.providerId)).toEqual([other.id])
    }).pipe(inMemory()),
  )
})
