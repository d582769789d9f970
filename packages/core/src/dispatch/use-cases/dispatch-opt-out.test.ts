import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { handleInboundMessage } from "../../conversation/use-cases/handle-inbound-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { offerTemplates } from "../domain/offer.notifications.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { declineLead } from "./decline-lead.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { overrideDispatch } from "./override-dispatch.ts"
import { previewLead } from "./preview-lead.ts"
import { getRequest } from "./queries.ts"
import { unlockLead } from "./unlock-lead.ts"
import { unreachableReason } from "./withdraw-unreachable-offers.ts"

const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}

let messages = 0
/** The provider writes `body` on WhatsApp, through the conversation engine. */
const says = (provider: Party, body: string) =>
  Effect.gen(function* () {
    messages += 1
    yield* handleInboundMessage({
      id: `wamid.opt-out-${messages}`,
      channel: "whatsapp",
      from: provider.phone,
      at: yield* now,
      content: { _tag: "text", body },
    })
  })

const broadcast: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "broadcast" },
}

const offerNow = (offerId: string) =>
  Effect.gen(function* () {
    const found = yield* (yield* OfferRepository).findById(offerId as never)
    return Option.getOrThrow(found)
  })

const withEmail = (provider: Party) =>
  Effect.gen(function* () {
    const emailed = {
      ...provider,
      profile: { ...provider.profile, email: "fundi@example.com" as Party["profile"]["email"] },
    } as Party
    yield* (yield* PartyRepository).update(emailed)
    return emailed
  })

describe("dispatch and a provider who said stop on WhatsApp", () => {
  it.effect(
    "sequential: the opted-out provider is skipped for the next; after start they are next",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const a = yield* vettedProvider(1)
        const b = yield* vettedProvider(2)
        const request = yield* readyRequest(customer.id)
        // Whoever matching would offer first says stop.
        const [top] = yield* (yield* ProviderDirectory).shortlist(request, {
          now: yield* now,
          policy: sequential,
          limit: 1,
          leadPriceCredits: 5,
        })
        const [stopped, other] = top!.providerId === a.id ? [a, b] : [b, a]
        yield* says(stopped, "stop")

        const first = yield* dispatchRequest({ requestId: request.id })
        expect(first.offered.map((o) => o.providerId)).toEqual([other.id])
        const told = yield* (yield* Outbox).list({ partyId: stopped.id })
        expect(told.map((m) => m.template)).not.toContain(offerTemplates.leadOffered)

        // They opt back in; the other declines: the lead goes to them next.
        yield* says(stopped, "start")
        const declined = yield* declineLead({ offerId: first.offered[0]!.id, providerId: other.id })
        expect(declined.next.offered.map((o) => o.providerId)).toEqual([stopped.id])
      }).pipe(Effect.provide(layerInMemory(sequential))),
  )

  it.effect(
    "nobody else: the request is unfulfilled rather than held by an offer nobody hears",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const only = yield* vettedProvider(1)
        yield* says(only, "stop")
        const request = yield* readyRequest(customer.id)
        const step = yield* dispatchRequest({ requestId: request.id })
        expect(step.offered).toEqual([])
        expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
      }).pipe(Effect.provide(layerInMemory(sequential))),
  )

  it.effect("with an email address they are still offered the lead, by email", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const provider = yield* withEmail(yield* vettedProvider(1))
      yield* says(provider, "stop")
      const request = yield* readyRequest(customer.id)
      const step = yield* dispatchRequest({ requestId: request.id })
      expect(step.offered.map((o) => o.providerId)).toEqual([provider.id])
      const sent = (yield* (yield* Outbox).list({ partyId: provider.id })).filter(
        (m) => m.template === offerTemplates.leadOffered,
      )
      // By email only: a WhatsApp copy would only fail in the outbox (opted out).
      expect(sent.map((m) => m.channel)).toEqual(["email"])
    }).pipe(Effect.provide(layerInMemory(sequential))),
  )

  it.effect("ops cannot override to a provider no offer reaches; they can once one does", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const provider = yield* vettedProvider(1, { categories: ["electrical"] })
      yield* says(provider, "stop")
      const request = yield* readyRequest(customer.id)
      const why = { operator: "thandi", reason: "the homeowner asked for them" }
      const refused = yield* Effect.flip(
        overrideDispatch({ requestId: request.id, providerId: provider.id, ...why }),
      )
      expect(refused).toMatchObject({ _tag: "ProviderIneligible", reason: "unreachable" })
      expect((yield* getRequest({ requestId: request.id })).state).toBe("ready")
      yield* withEmail(provider)
      const outcome = yield* overrideDispatch({
        requestId: request.id,
        providerId: provider.id,
        ...why,
      })
      expect(outcome.bypassed).toEqual(["category"])
    }).pipe(Effect.provide(layerInMemory(sequential))),
  )

  it.effect("a homeowner who said stop is told nothing on WhatsApp, by email when known", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const request = yield* readyRequest(customer.id)
      yield* says(customer, "stop")
      // Nobody to offer it to: the request is unfulfilled, which the homeowner is told.
      yield* dispatchRequest({ requestId: request.id })
      expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
      const notices = (yield* (yield* Outbox).list({ partyId: customer.id })).filter(
        (m) => m.channel === "whatsapp" && m.template !== "conversation.stopped",
      )
      expect(notices).toEqual([])
      const emailed = yield* withEmail(customer)
      const again = yield* readyRequest(emailed.id)
      yield* dispatchRequest({ requestId: again.id })
      const told = (yield* (yield* Outbox).list({ partyId: customer.id })).filter(
        (m) => m.template !== "conversation.stopped",
      )
      expect(told.length).toBeGreaterThan(0)
      expect(new Set(told.map((m) => m.channel))).toEqual(new Set(["email"]))
    }).pipe(Effect.provide(layerInMemory(sequential))),
  )

  describe("offers already open when they say stop", () => {
    it.effect(
      "sequential: their unpaid offer is withdrawn at once and the next provider offered",
      () =>
        Effect.gen(function* () {
          const customer = yield* homeowner()
          yield* vettedProvider(1)
          yield* vettedProvider(2)
          const request = yield* readyRequest(customer.id)
          const first = yield* dispatchRequest({ requestId: request.id })
          const offer = first.offered[0]!
          const [holder] = (yield* (yield* PartyRepository).findById(offer.providerId)).pipe(
            Option.toArray,
          )
          yield* previewLead({ offerId: offer.id, providerId: offer.providerId })
          yield* says(holder!, "stop")

          const closed = yield* offerNow(offer.id)
          expect(closed).toMatchObject({ state: "expired", expiryCause: "withdrawn" })
          const open = yield* (yield* OfferRepository).listForRequest(request.id, {
            states: ["offered"],
          })
          expect(open.map((o) => o.providerId)).toHaveLength(1)
          expect(open[0]!.providerId).not.toBe(holder!.id)
          const audited = yield* (yield* AuditLog).list({ subjectId: offer.id })
          expect(audited.find((e) => e.action === "offer.withdraw")?.reason).toBe(unreachableReason)
          // Nothing is written to the number that said stop but the confirmation.
          const toThem = (yield* (yield* Outbox).list({ partyId: holder!.id })).filter(
            (m) => m.template === offerTemplates.leadWithdrawn,
          )
          expect(toThem).toEqual([])
        }).pipe(Effect.provide(layerInMemory(sequential))),
    )

    it.effect("broadcast, nobody left: the request is unfulfilled at once", () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const only = yield* vettedProvider(1)
        const request = yield* readyRequest(customer.id)
        const step = yield* dispatchRequest({ requestId: request.id })
        expect(step.offered.map((o) => o.providerId)).toEqual([only.id])
        yield* says(only, "stop")
        expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
      }).pipe(Effect.provide(layerInMemory(broadcast))),
    )

    it.effect("with an email address, or after paying for the lead, they keep it", () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const emailed = yield* withEmail(yield* vettedProvider(1, { credits: 50 }))
        const paid = yield* vettedProvider(2, { credits: 50 })
        const request = yield* readyRequest(customer.id)
        const step = yield* dispatchRequest({ requestId: request.id })
        const offerOf = (party: Party) => step.offered.find((o) => o.providerId === party.id)!
        const ref = { offerId: offerOf(paid).id, providerId: paid.id }
        yield* previewLead(ref)
        yield* unlockLead(ref)
        yield* says(emailed, "stop")
        yield* says(paid, "stop")
        expect((yield* offerNow(offerOf(emailed).id)).state).toBe("offered")
        expect((yield* offerNow(offerOf(paid).id)).state).toBe("unlocked")
        expect((yield* getRequest({ requestId: request.id })).state).toBe("dispatching")
      }).pipe(Effect.provide(layerInMemory(broadcast))),
    )
  })
})
