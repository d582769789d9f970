import { describe, expect, it } from "@effect/vitest"
import {
  creditsPreset,
  dispatchRequest,
  getRequest,
  handleInboundMessage,
  type MarketplacePolicy,
  now,
  OfferRepository,
  Outbox,
  type Party,
  PartyRepository,
  PaymentSettings,
} from "@fundi/core"
import {
  homeowner,
  layerPaymentGatewayInMemory,
  readyRequest,
  vettedProvider,
} from "@fundi/core/testing"
import { Effect, Layer, Option } from "effect"
import { isolatedDatabase, layerUseCasesOn } from "./testing.ts"

/**
 * Decisions 0021 and 0022 on Postgres, where eligibility comes from provider_matching
 * (the session trigger) rather than the in-memory directory: the rules are core's, this
 * checks the adapters give them what they need.
 */
const sequential: MarketplacePolicy = {
  ...creditsPreset,
  dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
}

let sent = 0
const says = (party: Party, body: string) =>
  Effect.gen(function* () {
    sent += 1
    yield* handleInboundMessage({
      id: `wamid.unreachable-${sent}`,
      channel: "whatsapp",
      from: party.phone,
      at: yield* now,
      content: { _tag: "text", body },
    })
  })

const on = (url: string) =>
  Layer.unwrap(
    Effect.map(isolatedDatabase(url), (db) =>
      Layer.mergeAll(
        layerUseCasesOn(db.knex, sequential),
        layerPaymentGatewayInMemory,
        Layer.succeed(PaymentSettings, {
          publicUrl: "http://localhost",
          payerEmailDomain: "customers.localhost",
        }),
      ),
    ),
  )

// PGlite here; the same file passed against a server too when this was written (run it
// with a server URL in place of PGlite's to check again).
const servers = [["PGlite", "pglite://memory"]] as const

for (const [name, url] of servers) {
  describe(`a provider who says stop (${name})`, () => {
    it.effect("their unpaid offer is withdrawn at once and the next provider offered", () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const a = yield* vettedProvider(1)
        const b = yield* vettedProvider(2)
        const request = yield* readyRequest(customer.id)
        const first = (yield* dispatchRequest({ requestId: request.id })).offered[0]!
        const [holder, other] = first.providerId === a.id ? [a, b] : [b, a]
        yield* says(holder, "stop")
        const offers = yield* OfferRepository
        const closed = Option.getOrThrow(yield* offers.findById(first.id))
        expect(closed).toMatchObject({ state: "expired", expiryCause: "withdrawn" })
        const open = yield* offers.listForRequest(request.id, { states: ["offered"] })
        expect(open.map((o) => o.providerId)).toEqual([other.id])
        // The other says stop too: nobody left, the request is unfulfilled at once.
        yield* says(other, "stop")
        expect((yield* getRequest({ requestId: request.id })).state).toBe("unfulfilled")
      }).pipe(Effect.provide(on(url))),
    )

    it.effect("with an email address they keep the offer, and it reaches them by email only", () =>
      Effect.gen(function* () {
        const customer = yield* homeowner()
        const signed = yield* vettedProvider(1)
        const provider = {
          ...signed,
          profile: { ...signed.profile, email: "fundi@example.com" },
        } as Party
        yield* (yield* PartyRepository).update(provider)
        yield* says(provider, "stop")
        const request = yield* readyRequest(customer.id)
        const step = yield* dispatchRequest({ requestId: request.id })
        expect(step.offered.map((o) => o.providerId)).toEqual([provider.id])
        const told = yield* (yield* Outbox).list({ partyId: provider.id })
        const offered = told.filter((m) => m.template === "lead.offered")
        expect(offered.map((m) => m.channel)).toEqual(["email"])
      }).pipe(Effect.provide(on(url))),
    )
  })
}
