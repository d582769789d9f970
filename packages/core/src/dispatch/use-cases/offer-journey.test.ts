import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { checkLedger } from "../../ledger/use-cases/check-ledger.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { getWallet } from "../../wallet/use-cases/get-wallet.ts"
import { offerTemplates } from "../domain/offer.notifications.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { acceptLead } from "./accept-lead.ts"
import { cancelRequest } from "./cancel-request.ts"
import { declineLead } from "./decline-lead.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { previewLead } from "./preview-lead.ts"
import { proposeTimes } from "./propose-times.ts"
import { getRequest } from "./queries.ts"
import { unlockLead } from "./unlock-lead.ts"

const MINUTE = 60_000
const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}
const inMemory = (policy: MarketplacePolicy = creditsPreset) =>
  Effect.provide(layerInMemory(policy))

const bodies = (partyId: string, template: string) =>
  Effect.gen(function* () {
    const messages = yield* (yield* Outbox).list({ partyId })
    return messages.filter((m) => m.template === template).map((m) => m.body)
  })

const credits = (partyId: string) =>
  Effect.map(getWallet({ partyId }), (wallet) => Number(wallet.credits))

describe("a lead from dispatch to handover (credits model)", () => {
  it.effect(
    "dispatch offers eligible providers only, preview hides contact, unlock charges, accept hands over",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const a = yield* vettedProvider(1, { credits: 50 })
        const b = yield* vettedProvider(2, { credits: 50 })
        const unapproved = yield* vettedProvider(3, { credits: 50, approved: false })
        const testCohort = yield* vettedProvider(4, { credits: 50, cohort: "test" })
        const electrician = yield* vettedProvider(5, { categories: ["electrical"] })
        const request = yield* readyRequest(customer.id)

        const step = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
        expect(step.request.state).toBe("dispatching")
        expect(step.offered.map((o) => o.providerId).sort()).toEqual([a.id, b.id].sort())
        for (const other of [unapproved, testCohort, electrician]) {
          expect(yield* bodies(other.id, offerTemplates.leadOffered)).toEqual([])
        }
        const [leadMessage] = yield* bodies(a.id, offerTemplates.leadOffered)
        expect(leadMessage).toContain("plumbing")
        expect(leadMessage).not.toContain(customer.phone)
        expect(leadMessage).not.toContain("Vilakazi")

        const offerA = step.offered.find((o) => o.providerId === a.id)!
        const offerB = step.offered.find((o) => o.providerId === b.id)!
        const preview = yield* previewLead({ offerId: offerA.id, providerId: a.id })
        expect(preview).toMatchObject({ stage: "preview", category: "plumbing", priceCredits: 10 })
        expect(preview.description).toBeUndefined()
        expect(preview.customerPhone).toBeUndefined()
        expect(preview.street).toBeUndefined()
        expect(preview.photos).toBeUndefined()

        // Someone else's offer is not theirs to open.
        const stranger = yield* Effect.flip(previewLead({ offerId: offerA.id, providerId: b.id }))
        expect(stranger._tag).toBe("NotOfferProvider")

        const unlocked = yield* unlockLead({ offerId: offerA.id, providerId: a.id })
        expect(unlocked.stage).toBe("unlocked")
        expect(unlocked.description).toContain("[number shared on assignment]")
        expect(unlocked.customerPhone).toBeUndefined()
        expect(yield* credits(a.id)).toBe(40)
        const held = Option.getOrThrow(yield* (yield* OfferRepository).findById(offerA.id))
        expect(held).toMatchObject({ state: "unlocked", creditsCharged: 10 })
        expect(held.holdExpiresAt! - held.unlockedAt!).toBe(60 * MINUTE)

        const assigned = yield* acceptLead({ offerId: offerA.id, providerId: a.id })
        expect(assigned).toMatchObject({
          stage: "assigned",
          customerName: "Lerato",
          customerPhone: customer.phone,
          street: "12 Vilakazi St",
        })
        expect(yield* getRequest({ requestId: request.id })).toMatchObject({
          state: "assigned",
          assignedProviderId: a.id,
        })
        const closed = Option.getOrThrow(yield* (yield* OfferRepository).findById(offerB.id))
        expect(closed).toMatchObject({ state: "expired", expiryCause: "withdrawn" })
        expect(yield* bodies(b.id, offerTemplates.leadWithdrawn)).toHaveLength(1)

        const [toHomeowner] = yield* bodies(customer.id, offerTemplates.providerAssigned)
        expect(toHomeowner).toContain("Provider 1")
        expect(toHomeowner).toContain(a.phone)
        const [toProvider] = yield* bodies(a.id, offerTemplates.customerHandover)
        expect(toProvider).toContain(customer.phone)
        expect(toProvider).toContain("12 Vilakazi St")

        // The lead is gone for everyone else, and nobody was charged for trying.
        const late = yield* Effect.flip(unlockLead({ offerId: offerB.id, providerId: b.id }))
        expect(late._tag).toBe("RequestNotDispatching")
        expect(yield* credits(b.id)).toBe(50)
        expect((yield* checkLedger()).ok).toBe(true)
        const actions = (yield* (yield* AuditLog).list({ subjectId: offerA.id })).map(
          (e) => e.action,
        )
        expect(actions.reverse()).toEqual([
          "offer.create",
          "offer.preview",
          "offer.unlock",
          "offer.accept",
        ])
      }).pipe(inMemory()),
  )

  it.effect("sequential: each decline offers the next provider, then unfulfilled", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1)
      const b = yield* vettedProvider(2)
      const request = yield* readyRequest(customer.id)
      const first = yield* dispatchRequest({ requestId: request.id })
      expect(first.offered).toHaveLength(1)
      const firstOffer = first.offered[0]!
      const other = firstOffer.providerId === a.id ? b : a

      const declined = yield* declineLead({
        offerId: firstOffer.id,
        providerId: firstOffer.providerId,
        reason: "too far this week",
      })
      expect(declined.offer.state).toBe("declined")
      expect(declined.next.decision._tag).toBe("Offer")
      expect(declined.next.offered.map((o) => o.providerId)).toEqual([other.id])

      const last = yield* declineLead({
        offerId: declined.next.offered[0]!.id,
        providerId: other.id,
      })
      expect(last.next.decision._tag).toBe("Unfulfilled")
      expect(last.next.request.state).toBe("unfulfilled")
      const ops = (yield* (yield* AuditLog).list({ subjectId: request.id })).map((e) => e.action)
      expect(ops).toContain("request.unfulfilled")
    }).pipe(inMemory(sequential)),
  )

  it.effect("nobody eligible: dispatch makes the request unfulfilled at once", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      yield* vettedProvider(1, { cohort: "test" })
      const request = yield* readyRequest(customer.id)
      const step = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
      expect(step.decision._tag).toBe("Unfulfilled")
      expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
    }).pipe(inMemory()),
  )

  it.effect("a cancelled request closes its open offers: each provider told, none can unlock", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 50 })
      const b = yield* vettedProvider(2, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
      const ofA = offered.find((o) => o.providerId === a.id)!
      yield* previewLead({ offerId: ofA.id, providerId: a.id })
      yield* unlockLead({ offerId: ofA.id, providerId: a.id })

      yield* cancelRequest({ requestId: request.id, operator: "thandi", reason: "found help" })
      const offers = yield* (yield* OfferRepository).listForRequest(request.id)
      expect(offers.map((o) => [o.state, o.expiryCause])).toEqual([
        ["expired", "withdrawn"],
        ["expired", "withdrawn"],
      ])
      for (const provider of [a, b]) {
        expect(yield* bodies(provider.id, offerTemplates.leadWithdrawn)).toHaveLength(1)
      }
      const ofB = offered.find((o) => o.providerId === b.id)!
      const late = yield* Effect.flip(previewLead({ offerId: ofB.id, providerId: b.id }))
      expect(late._tag).toMatch(/RequestNotDispatching|OfferTransitionNotAllowed/)
      const withdrawals = (yield* (yield* AuditLog).list({ subjectId: ofA.id })).filter(
        (e) => e.action === "offer.withdraw",
      )
      expect(withdrawals.map((e) => e.reason)).toEqual(["request cancelled"])
    }).pipe(inMemory()),
  )

  it.effect("dispatching an assigned request is refused naming both states dispatch takes", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
      const ref = { offerId: offered[0]!.id, providerId: a.id }
      yield* previewLead(ref)
      yield* unlockLead(ref)
      yield* acceptLead(ref)
      const refused = yield* Effect.flip(dispatchRequest({ requestId: request.id }))
      expect(refused).toMatchObject({
        _tag: "TransitionNotAllowed",
        from: "assigned",
        allowedFrom: ["ready", "dispatching"],
      })
      expect(refused.message).toBe(
        `cannot dispatch request ${request.id}: it is assigned; dispatch needs the request to be ready or dispatching`,
      )
    }).pipe(inMemory()),
  )

  it.effect("propose exactly three valid times; the homeowner is sent them", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 20 })
      const request = yield* readyRequest(customer.id)
      const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      const ref = { offerId: offer.id, providerId: a.id }
      yield* previewLead(ref)
      yield* unlockLead(ref)
      // A day after the test clock's start (it starts at the epoch).
      const at = Date.UTC(1970, 0, 2)
      const slot = (h: number) => ({ start: at + h * 3_600_000, end: at + (h + 1) * 3_600_000 })
      const two = yield* Effect.flip(proposeTimes({ ...ref, slots: [slot(1), slot(3)] }))
      expect(two._tag).toBe("WrongNumberOfSlots")
      const overlap = yield* Effect.flip(
        proposeTimes({
          ...ref,
          slots: [slot(1), { start: at + 1.5 * 3_600_000, end: at + 3 * 3_600_000 }, slot(5)],
        }),
      )
      expect(overlap._tag).toBe("OverlappingSlots")
      const proposed = yield* proposeTimes({ ...ref, slots: [slot(1), slot(3), slot(5)] })
      expect(proposed.state).toBe("times_proposed")
      expect(proposed.proposedTimes).toHaveLength(3)
      const [message] = yield* bodies(customer.id, offerTemplates.timesProposed)
      // 01:00 UTC is 03:00 in Johannesburg, the preset's time zone: what the homeowner reads.
      expect(message).toContain("1) Fri 2 Jan 03:00-04:00; 2) Fri 2 Jan 05:00-06:00")
      expect(message).not.toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}Z/)
    }).pipe(inMemory()),
  )

  it.effect("an offer past its time-to-live cannot be unlocked, and nothing is charged", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 20 })
      const request = yield* readyRequest(customer.id)
      const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      const ref = { offerId: offer.id, providerId: a.id }
      yield* previewLead(ref)
      yield* TestClock.adjust(creditsPreset.dispatch.offerTtlMinutes * MINUTE)
      const lapsed = yield* Effect.flip(unlockLead(ref))
      expect(lapsed._tag).toBe("OfferLapsed")
      expect(yield* credits(a.id)).toBe(20)
      const stored = Option.getOrThrow(yield* (yield* OfferRepository).findById(offer.id))
      expect(stored.state).toBe("previewed")
    }).pipe(inMemory()),
  )

  it.effect("unlock without enough credits fails and writes nothing", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 5 })
      const request = yield* readyRequest(customer.id)
      const offer = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
      const ref = { offerId: offer.id, providerId: a.id }
      yield* previewLead(ref)
      const poor = yield* Effect.flip(unlockLead(ref))
      expect(poor._tag).toBe("InsufficientFunds")
      expect(yield* credits(a.id)).toBe(5)
      const stored = Option.getOrThrow(yield* (yield* OfferRepository).findById(offer.id))
      expect(stored.state).toBe("previewed")
    }).pipe(inMemory()),
  )
})
