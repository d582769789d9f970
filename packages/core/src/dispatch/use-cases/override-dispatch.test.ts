import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { offerTemplates } from "../domain/offer.notifications.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { declineLead } from "./decline-lead.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { overrideDispatch } from "./override-dispatch.ts"
import { getRequest } from "./queries.ts"

const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}
const inMemory = Effect.provide(layerInMemory(sequential))
const why = { operator: "thandi", reason: "the homeowner asked for this electrician" }

describe("ops override dispatch", () => {
  it.effect(
    "a ready request is offered to the named provider, bypassing the category, audited",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const electrician = yield* vettedProvider(1, { categories: ["electrical"] })
        const request = yield* readyRequest(customer.id)
        const outcome = yield* overrideDispatch({
          requestId: request.id,
          providerId: electrician.id,
          ...why,
        })
        expect(outcome.request.state).toBe("dispatching")
        expect(outcome.offer).toMatchObject({ providerId: electrician.id, state: "offered" })
        expect(outcome.bypassed).toEqual(["category"])
        const row = (yield* (yield* AuditLog).list({ subjectId: outcome.offer.id }))[0]!
        expect(row).toMatchObject({
          action: "offer.override",
          actor: { _tag: "operator", name: "thandi" },
          reason: why.reason,
          details: { bypassed: ["category"], providerId: electrician.id },
        })
        const sent = yield* (yield* Outbox).list({ partyId: electrician.id })
        expect(sent.map((m) => m.template)).toContain(offerTemplates.leadOffered)

        // Declined, dispatch moves on as usual: nobody else is eligible, so unfulfilled.
        const declined = yield* declineLead({
          offerId: outcome.offer.id,
          providerId: electrician.id,
        })
        expect(declined.next.request.state).toBe("unfulfilled")
      }).pipe(inMemory),
  )

  it.effect(
    "never across cohorts, never to a provider failing the application gate, never twice",
    () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const testCohort = yield* vettedProvider(1, { cohort: "test" })
        const rejected = yield* vettedProvider(2, { approved: false })
        const good = yield* vettedProvider(3)
        const request = yield* readyRequest(customer.id)
        for (const [provider, reason] of [
          [testCohort, "cohort"],
          [rejected, "not_lead_eligible"],
        ] as const) {
          const refused = yield* Effect.flip(
            overrideDispatch({ requestId: request.id, providerId: provider.id, ...why }),
          )
          expect(refused).toMatchObject({ _tag: "ProviderIneligible", reason })
        }
        // Refusals change nothing: the request is still ready.
        expect((yield* getRequest({ requestId: request.id })).state).toBe("ready")
        const step = yield* dispatchRequest({ requestId: request.id })
        expect(step.offered.map((o) => o.providerId)).toEqual([good.id])
        const twice = yield* Effect.flip(
          overrideDispatch({ requestId: request.id, providerId: good.id, ...why }),
        )
        expect(twice).toMatchObject({ _tag: "ProviderIneligible", reason: "already_offered" })
      }).pipe(inMemory),
  )

  it.effect("specific errors for an unknown provider, a closed request and bad input", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const request = yield* readyRequest(customer.id)
      const unknown = yield* Effect.flip(
        overrideDispatch({ requestId: request.id, providerId: "pty_00000000000000000000", ...why }),
      )
      expect(unknown._tag).toBe("PartyNotFound")
      // A homeowner's id is named as such, not as a provider without an application.
      const notProvider = yield* Effect.flip(
        overrideDispatch({ requestId: request.id, providerId: customer.id, ...why }),
      )
      expect(notProvider).toMatchObject({ _tag: "NotAProvider", partyId: customer.id })
      expect(notProvider.message).toBe(`party ${customer.id} is not a provider: it is a homeowner`)
      const closed = yield* dispatchRequest({ requestId: request.id })
      expect(closed.request.state).toBe("unfulfilled")
      const provider = yield* vettedProvider(1)
      const late = yield* Effect.flip(
        overrideDispatch({ requestId: request.id, providerId: provider.id, ...why }),
      )
      expect(late).toMatchObject({ _tag: "RequestNotDispatching", state: "unfulfilled" })
      // Override takes a ready request too, and says so.
      expect(late.message).toBe(`request ${request.id} is unfulfilled, not ready or dispatching`)
      const bad = yield* Effect.flip(
        overrideDispatch({ requestId: request.id, providerId: provider.id, operator: "thandi" }),
      )
      expect(bad._tag).toBe("InvalidInput")
    }).pipe(inMemory),
  )
})
