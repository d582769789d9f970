import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { offerTemplates } from "../../dispatch/domain/offer.notifications.ts"
import { homeowner, readyRequest, vettedProvider } from "../../dispatch/testing/offer-fixtures.ts"
import { acceptLead } from "../../dispatch/use-cases/accept-lead.ts"
import { chooseProposedTime } from "../../dispatch/use-cases/choose-proposed-time.ts"
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
const DAY = 24 * HOUR

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

  it.effect(
    "a visit chosen 60 days out: the provider's job link and the homeowner's handover link still open on the visit's day, after the lead link's end",
    () =>
      Effect.gen(function* () {
        const start = 1_800_000_000_000
        yield* TestClock.setTime(start)
        const customer = yield* homeowner()
        const provider = yield* vettedProvider(1, { credits: 50 })
        const request = yield* readyRequest(customer.id)
        const { offered } = yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
        const offer = offered[0]!
        const input = { offerId: offer.id, providerId: provider.id }
        yield* previewLead(input)
        yield* unlockLead(input)
        const day60 = start + 60 * DAY
        yield* proposeTimes({
          ...input,
          slots: [0, 1, 2].map((i) => ({
            start: day60 + i * 2 * HOUR,
            end: day60 + (i * 2 + 1) * HOUR,
          })),
        })
        // Chosen on day 40: the proposal's handover link still opens.
        yield* TestClock.setTime(start + 40 * DAY)
        const [choosing] = yield* linksIn(customer.id, offerTemplates.timesProposed, "handover")
        expect(choosing?.objectId).toBe(request.id)
        yield* chooseProposedTime({ offerId: offer.id, customerId: customer.id, slot: 2 })
        const visitEnd = day60 + 5 * HOUR

        // The lead link from the offer has ended by the visit; the job link has not.
        yield* TestClock.setTime(visitEnd + DAY)
        const lead = yield* Effect.flip(linksIn(provider.id, offerTemplates.leadOffered, "lead"))
        expect(lead._tag).toBe("LinkExpired")
        const job = yield* linksIn(provider.id, offerTemplates.customerHandover, "lead")
        expect(job.length).toBeGreaterThan(0)
        for (const link of job) {
          expect(link).toMatchObject({ partyId: provider.id, scope: "lead", objectId: offer.id })
          expect(link.expiresAt).toBe(visitEnd + leadLinkGraceDays * DAY)
        }
        const handover = yield* linksIn(customer.id, offerTemplates.providerAssigned, "handover")
        expect(handover.length).toBeGreaterThan(0)
        for (const link of handover) expect(link.expiresAt).toBe(visitEnd + leadLinkGraceDays * DAY)
      }).pipe(Effect.provide(layerInMemory())),
  )
})
