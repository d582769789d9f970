import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { checkLedger } from "../../ledger/use-cases/check-ledger.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { layerPolicy } from "../../policy/policy-service.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { getWallet } from "../../wallet/use-cases/get-wallet.ts"
import { leadRefundTemplates } from "../domain/lead-refund.notifications.ts"
import { refundTransferId } from "../domain/lead-refund.ops.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { acceptLead } from "./accept-lead.ts"
import { approveLeadRefund } from "./approve-lead-refund.ts"
import { cancelRequest } from "./cancel-request.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { listLeadRefunds } from "./list-lead-refunds.ts"
import { previewLead } from "./preview-lead.ts"
import { rejectLeadRefund } from "./reject-lead-refund.ts"
import { requestLeadRefund } from "./request-lead-refund.ts"
import { showLeadRefund } from "./show-lead-refund.ts"
import { unlockLead } from "./unlock-lead.ts"

const DAY = 86_400_000
const PRICE = creditsPreset.credits.leadPrice.plumbing!.urgent
const inMemory = (policy: MarketplacePolicy = creditsPreset) =>
  Effect.provide(layerInMemory(policy))

const credits = (partyId: string) =>
  Effect.map(getWallet({ partyId }), (wallet) => Number(wallet.credits))

const bodies = (partyId: string, template: string) =>
  Effect.gen(function* () {
    const messages = yield* (yield* Outbox).list({ partyId })
    return messages.filter((m) => m.template === template).map((m) => m.body)
  })

/** Two providers with 50 credits each, both unlocked the homeowner's lead; `a` accepted it. */
const contested = Effect.gen(function* () {
  const customer = yield* homeowner()
  const a = yield* vettedProvider(1, { credits: 50 })
  const b = yield* vettedProvider(2, { credits: 50 })
  const request = yield* readyRequest(customer.id)
  const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
  const offerA = offered.find((o) => o.providerId === a.id)!
  const offerB = offered.find((o) => o.providerId === b.id)!
  for (const [offer, provider] of [
    [offerA, a],
    [offerB, b],
  ] as const) {
    yield* previewLead({ offerId: offer.id, providerId: provider.id })
    yield* unlockLead({ offerId: offer.id, providerId: provider.id })
  }
  yield* acceptLead({ offerId: offerA.id, providerId: a.id })
  return { customer, a, b, request, offerA, offerB }
})

const decision = { operator: "thandi", reason: "checked the offer history" }

describe("lead refunds (credits model)", () => {
  it.effect(
    "a provider whose unlocked lead was withdrawn claims it back; approval returns the credits once",
    () =>
      Effect.gen(function* () {
        const { b, offerB, request } = yield* contested
        expect(yield* credits(b.id)).toBe(50 - PRICE)

        const claim = yield* requestLeadRefund({
          offerId: offerB.id,
          providerId: b.id,
          reason: "expired",
          note: "someone else took the job",
        })
        expect(claim).toMatchObject({
          state: "requested",
          offerId: offerB.id,
          requestId: request.id,
          providerId: b.id,
          credits: PRICE,
          note: "someone else took the job",
        })
        expect(yield* listLeadRefunds({ state: "requested" })).toEqual([claim])
        // Nothing moves before ops decide.
        expect(yield* credits(b.id)).toBe(50 - PRICE)

        const approved = yield* approveLeadRefund({ refundId: claim.id, ...decision })
        expect(approved).toMatchObject({
          state: "approved",
          decidedBy: "thandi",
          decisionReason: decision.reason,
        })
        expect(yield* credits(b.id)).toBe(50)
        const transfer = yield* (yield* Ledger).findTransfer(refundTransferId(offerB.id))
        expect(transfer._tag).toBe("Some")
        expect((yield* checkLedger()).ok).toBe(true)

        const [message] = yield* bodies(b.id, leadRefundTemplates.approved)
        expect(message).toContain(`${PRICE} credits are back`)

        // Decided once: a second approval or a rejection changes nothing.
        for (const again of [approveLeadRefund, rejectLeadRefund]) {
          const refused = yield* Effect.flip(again({ refundId: claim.id, ...decision }))
          expect(refused).toMatchObject({ _tag: "RefundAlreadyDecided", state: "approved" })
        }
        expect(yield* credits(b.id)).toBe(50)
        expect(yield* showLeadRefund({ refundId: claim.id })).toEqual(approved)
        expect(yield* listLeadRefunds({ state: "requested" })).toEqual([])
        expect(yield* listLeadRefunds({})).toEqual([approved])
        expect(yield* listLeadRefunds({ limit: 1 })).toEqual([approved])
        for (const limit of [0, 1001, 1.5]) {
          const bad = yield* Effect.flip(listLeadRefunds({ limit }))
          expect(bad).toMatchObject({ _tag: "InvalidInput", issues: [{ path: "limit" }] })
        }

        const actions = (yield* (yield* AuditLog).list({ subjectId: claim.id })).map((e) => [
          e.action,
          e.actor,
          e.reason,
        ])
        expect(actions.reverse()).toEqual([
          ["lead_refund.request", { _tag: "party", partyId: b.id }, undefined],
          ["lead_refund.approve", { _tag: "operator", name: "thandi" }, decision.reason],
        ])
      }).pipe(inMemory()),
  )

  it.effect("a rejected claim moves nothing and tells the provider why", () =>
    Effect.gen(function* () {
      const { a, offerA } = yield* contested
      const claim = yield* requestLeadRefund({
        offerId: offerA.id,
        providerId: a.id,
        reason: "invalid_contact",
      })
      const before = yield* credits(a.id)
      const rejected = yield* rejectLeadRefund({
        refundId: claim.id,
        operator: "thandi",
        reason: "the homeowner answered our call",
      })
      expect(rejected.state).toBe("rejected")
      expect(yield* credits(a.id)).toBe(before)
      const none = yield* (yield* Ledger).findTransfer(refundTransferId(offerA.id))
      expect(none._tag).toBe("None")
      const [message] = yield* bodies(a.id, leadRefundTemplates.rejected)
      expect(message).toContain("the homeowner answered our call")
      const refused = yield* Effect.flip(approveLeadRefund({ refundId: claim.id, ...decision }))
      expect(refused).toMatchObject({ _tag: "RefundAlreadyDecided", state: "rejected" })
    }).pipe(inMemory()),
  )

  it.effect("claims that fail a precondition are refused with its error, and stored nowhere", () =>
    Effect.gen(function* () {
      const { a, b, offerA, offerB } = yield* contested
      // The winner had the contact: the lead was neither expired nor withdrawn for them.
      const notExpired = yield* Effect.flip(
        requestLeadRefund({ offerId: offerA.id, providerId: a.id, reason: "expired" }),
      )
      expect(notExpired).toMatchObject({ _tag: "LeadNotExpired", state: "accepted" })
      // The loser never got the contact, so it cannot be wrong.
      const noContact = yield* Effect.flip(
        requestLeadRefund({ offerId: offerB.id, providerId: b.id, reason: "invalid_contact" }),
      )
      expect(noContact._tag).toBe("ContactNotReleased")
      const notCancelled = yield* Effect.flip(
        requestLeadRefund({
          offerId: offerB.id,
          providerId: b.id,
          reason: "withdrawn_before_contact",
        }),
      )
      expect(notCancelled._tag).toBe("RequestNotWithdrawn")
      const notDuplicate = yield* Effect.flip(
        requestLeadRefund({ offerId: offerB.id, providerId: b.id, reason: "duplicate_request" }),
      )
      expect(notDuplicate).toMatchObject({ _tag: "NotADuplicate", problem: "not_named" })
      const stranger = yield* Effect.flip(
        requestLeadRefund({ offerId: offerB.id, providerId: a.id, reason: "expired" }),
      )
      expect(stranger._tag).toBe("NotOfferProvider")
      const bad = yield* Effect.flip(
        requestLeadRefund({ offerId: "ofr_x", providerId: b.id, reason: "because" }),
      )
      expect(bad._tag).toBe("InvalidInput")
      if (bad._tag === "InvalidInput") {
        expect(bad.issues.map((i) => i.path).sort()).toEqual(["offerId", "reason"])
      }
      expect(yield* listLeadRefunds({})).toEqual([])

      yield* requestLeadRefund({ offerId: offerB.id, providerId: b.id, reason: "expired" })
      const twice = yield* Effect.flip(
        requestLeadRefund({ offerId: offerB.id, providerId: b.id, reason: "expired" }),
      )
      expect(twice._tag).toBe("RefundAlreadyClaimed")
      expect(yield* listLeadRefunds({})).toHaveLength(1)
    }).pipe(inMemory()),
  )

  it.effect("an offer never unlocked has nothing to refund; claims close after the window", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const a = yield* vettedProvider(1, { credits: 50 })
      const b = yield* vettedProvider(2, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const { offered } = yield* dispatchRequest({ requestId: request.id })
      const offerA = offered.find((o) => o.providerId === a.id)!
      const offerB = offered.find((o) => o.providerId === b.id)!
      const notUnlocked = yield* Effect.flip(
        requestLeadRefund({ offerId: offerA.id, providerId: a.id, reason: "expired" }),
      )
      expect(notUnlocked).toMatchObject({ _tag: "LeadNotUnlocked", state: "offered" })

      yield* previewLead({ offerId: offerB.id, providerId: b.id })
      yield* unlockLead({ offerId: offerB.id, providerId: b.id })
      yield* cancelRequest({
        requestId: request.id,
        customerId: customer.id,
        reason: "fixed it myself",
      })
      yield* TestClock.adjust(7 * DAY)
      const late = yield* Effect.flip(
        requestLeadRefund({
          offerId: offerB.id,
          providerId: b.id,
          reason: "withdrawn_before_contact",
        }),
      )
      expect(late._tag).toBe("RefundWindowClosed")
    }).pipe(inMemory()),
  )

  it.effect("a cancelled request before contact is refundable; a duplicate request too", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const b = yield* vettedProvider(2, { credits: 50 })
      const first = yield* readyRequest(customer.id)
      yield* TestClock.adjust(DAY)
      const second = yield* readyRequest(customer.id)
      const [firstOffer, secondOffer] = yield* Effect.forEach([first, second], (request) =>
        Effect.gen(function* () {
          const [offer] = (yield* dispatchRequest({ requestId: request.id })).offered
          yield* previewLead({ offerId: offer!.id, providerId: b.id })
          yield* unlockLead({ offerId: offer!.id, providerId: b.id })
          return offer!
        }),
      )
      expect(yield* credits(b.id)).toBe(50 - 2 * PRICE)

      // The later request repeats the first one: the later lead is refundable.
      const wrongWay = yield* Effect.flip(
        requestLeadRefund({
          offerId: firstOffer!.id,
          providerId: b.id,
          reason: "duplicate_request",
          duplicateOf: second.id,
        }),
      )
      expect(wrongWay).toMatchObject({ _tag: "NotADuplicate", problem: "not_earlier" })
      const duplicate = yield* requestLeadRefund({
        offerId: secondOffer!.id,
        providerId: b.id,
        reason: "duplicate_request",
        duplicateOf: first.id,
      })
      expect(duplicate.duplicateOf).toBe(first.id)

      yield* cancelRequest({ requestId: first.id, customerId: customer.id, reason: "sorted" })
      const withdrawn = yield* requestLeadRefund({
        offerId: firstOffer!.id,
        providerId: b.id,
        reason: "withdrawn_before_contact",
      })
      for (const claim of [duplicate, withdrawn]) {
        yield* approveLeadRefund({ refundId: claim.id, ...decision })
      }
      expect(yield* credits(b.id)).toBe(50)
      expect((yield* checkLedger()).ok).toBe(true)
    }).pipe(inMemory()),
  )

  it.effect(
    "an approval re-checks the policy of the day: a reason no longer accepted is refused",
    () =>
      Effect.gen(function* () {
        const { b, offerB } = yield* contested
        const claim = yield* requestLeadRefund({
          offerId: offerB.id,
          providerId: b.id,
          reason: "expired",
        })
        const stricter: MarketplacePolicy = {
          ...creditsPreset,
          credits: { ...creditsPreset.credits, refundReasons: ["invalid_contact"] },
        }
        const refused = yield* Effect.flip(
          approveLeadRefund({ refundId: claim.id, ...decision }).pipe(
            Effect.provide(layerPolicy(stricter)),
          ),
        )
        expect(refused._tag).toBe("RefundReasonNotAllowed")
        expect(yield* credits(b.id)).toBe(50 - PRICE)
        expect((yield* showLeadRefund({ refundId: claim.id })).state).toBe("requested")
        const unknown = yield* Effect.flip(showLeadRefund({ refundId: "lrf_00000000000000000000" }))
        expect(unknown._tag).toBe("LeadRefundNotFound")
      }).pipe(inMemory()),
  )
})
