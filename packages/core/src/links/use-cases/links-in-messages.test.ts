import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { offerTemplates } from "../../dispatch/domain/offer.notifications.ts"
import { homeowner, readyRequest, vettedProvider } from "../../dispatch/testing/offer-fixtures.ts"
import { acceptLead } from "../../dispatch/use-cases/accept-lead.ts"
import { dispatchRequest } from "../../dispatch/use-cases/dispatch-request.ts"
import { previewLead } from "../../dispatch/use-cases/preview-lead.ts"
import { proposeTimes } from "../../dispatch/use-cases/propose-times.ts"
import { unlockLead } from "../../dispatch/use-cases/unlock-lead.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { leadLinkGraceDays } from "../domain/secure-link.ops.ts"
import type { LinkScope } from "../domain/secure-link.ts"
import { SecureLinks } from "../ports/secure-links.ts"
import { inMemoryLinkBaseUrl } from "../testing/secure-links.fake.ts"

const HOUR = 3_600_000

/** The secure links in a party's messages of one template, resolved for `scope`. */
const linksIn = (partyId: string, template: string, scope: LinkScope) =>
  Effect.gen(function* () {
    const messages = (yield* (yield* Outbox).list({ partyId })).filter(
      (m) => m.template === template,
    )
    const links = yield* SecureLinks
    const prefix = `${inMemoryLinkBaseUrl}${scope === "lead" ? "/l/" : "/h/"}`
    return yield* Effect.forEach(messages, (m) => {
      const token = m.body.split(prefix)[1]?.split(/\s/)[0]
      expect(token, m.body).toBeDefined()
      return links.resolve(token ?? "", { scope })
    })
  })

describe("secure links in offer messages", () => {
  it.effect(
    "a lead link per offered provider, a handover link with proposed times and at handover",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(1_800_000_000_000)
        const customer = yield* homeowner()
        const provider = yield* vettedProvider(1, { credits: 50 })
        const request = yield* readyRequest(customer.id)
        const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
        const offer = offered[0]!

        // Sent on WhatsApp and by email when there is an address: each message its own link.
        const lead = yield* linksIn(provider.id, offerTemplates.leadOffered, "lead")
        expect(lead.length).toBeGreaterThan(0)
        for (const link of lead) {
          expect(link).toMatchObject({ partyId: provider.id, scope: "lead", objectId: offer.id })
          expect(link.expiresAt - offer.expiresAt).toBe(leadLinkGraceDays * 24 * HOUR)
        }

        const input = { offerId: offer.id, providerId: provider.id }
        yield* previewLead(input)
        yield* unlockLead(input)
        const at = 1_800_000_000_000 + HOUR
        yield* proposeTimes({
          ...input,
          slots: [0, 1, 2].map((i) => ({ start: at + i * 2 * HOUR, end: at + (i * 2 + 1) * HOUR })),
        })
        const proposed = yield* linksIn(customer.id, offerTemplates.timesProposed, "handover")
        expect(proposed.length).toBeGreaterThan(0)
        for (const link of proposed) {
          expect(link).toMatchObject({ partyId: customer.id, objectId: request.id })
        }
        // Nothing but a lead link went to the provider, and nothing but handover links to the homeowner.
        expect((yield* (yield* SecureLinks).listForParty(provider.id)).length).toBe(lead.length)
      }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("the homeowner's assignment message carries a handover link to the request", () =>
    Effect.gen(function* () {
      const customer = yield* homeowner()
      const provider = yield* vettedProvider(1, { credits: 50 })
      const request = yield* readyRequest(customer.id)
      const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
      const input = { offerId: offered[0]!.id, providerId: provider.id }
      yield* previewLead(input)
      yield* unlockLead(input)
      yield* acceptLead(input)
      const links = yield* linksIn(customer.id, offerTemplates.providerAssigned, "handover")
      expect(links.length).toBeGreaterThan(0)
      for (const link of links) expect(link.objectId).toBe(request.id)
    }).pipe(Effect.provide(layerInMemory())),
  )
})
