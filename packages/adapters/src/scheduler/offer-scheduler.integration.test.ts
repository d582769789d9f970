import { describe, expect, it } from "@effect/vitest"
import {
  AuditLog,
  creditsPreset,
  dispatchRequest,
  expireDueOffers,
  type MarketplacePolicy,
  OfferRepository,
  Outbox,
  requestTemplates,
} from "@fundi/core"
import { homeowner, readyRequest, vettedProvider } from "@fundi/core/testing"
import { Clock, Effect } from "effect"
import { isolatedDatabase, layerUseCasesOn, testDatabaseUrl } from "../postgres/testing.ts"
import { stoppedAt } from "./stopped-clock.ts"

const url = testDatabaseUrl()

/** Sweepers running at once, each on its own connection. */
const SWEEPERS = 6
const REQUESTS = 4

if (url === undefined) {
  describe("offer scheduler on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  describe("offer scheduler on a PostgreSQL server", () => {
    const policy: MarketplacePolicy = {
      ...creditsPreset,
      dispatch: { ...creditsPreset.dispatch, strategy: "sequential" },
    }

    it.live(
      `${SWEEPERS} sweepers at once: each due offer expires once and the next provider is offered once`,
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: 2 * SWEEPERS + 4 })
          const layer = layerUseCasesOn(db.knex, policy)
          yield* Effect.gen(function* () {
            const customer = yield* homeowner()
            yield* vettedProvider(1)
            yield* vettedProvider(2)
            const firsts = []
            for (let i = 0; i < REQUESTS; i++) {
              const request = yield* readyRequest(customer.id)
              firsts.push((yield* dispatchRequest({ requestId: request.id })).offered[0]!)
            }
            const deadline = Math.max(...firsts.map((o) => o.expiresAt))
            const runs = yield* Effect.all(
              Array.from({ length: SWEEPERS }, () =>
                expireDueOffers().pipe(Effect.provideService(Clock.Clock, stoppedAt(deadline))),
              ),
              { concurrency: "unbounded" },
            )
            const expired = runs.flatMap((r) => r.expired.map((e) => e.offer.id)).sort()
            expect(expired).toEqual(firsts.map((o) => o.id).sort())
            expect(runs.flatMap((r) => r.failed)).toEqual([])
            const offers = yield* OfferRepository
            const audit = yield* AuditLog
            for (const first of firsts) {
              const onRequest = yield* offers.listForRequest(first.requestId)
              expect(onRequest.map((o) => o.state)).toEqual(["expired", "offered"])
              const rows = yield* audit.list({ subjectId: first.id })
              expect(rows.filter((e) => e.action === "offer.expire")).toHaveLength(1)
            }
          }).pipe(Effect.provide(layer))
        }).pipe(Effect.scoped),
    )

    it.live(
      `${SWEEPERS} sweepers at once, nobody left: each request gives up once and its homeowner is told once`,
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: 2 * SWEEPERS + 4 })
          const layer = layerUseCasesOn(db.knex, policy)
          yield* Effect.gen(function* () {
            const customer = yield* homeowner()
            yield* vettedProvider(1)
            const firsts = []
            for (let i = 0; i < REQUESTS; i++) {
              const request = yield* readyRequest(customer.id)
              firsts.push((yield* dispatchRequest({ requestId: request.id })).offered[0]!)
            }
            const deadline = Math.max(...firsts.map((o) => o.expiresAt))
            const runs = yield* Effect.all(
              Array.from({ length: SWEEPERS }, () =>
                expireDueOffers().pipe(Effect.provideService(Clock.Clock, stoppedAt(deadline))),
              ),
              { concurrency: "unbounded" },
            )
            expect(runs.flatMap((r) => r.failed)).toEqual([])
            const gaveUp = runs.flatMap((r) =>
              r.expired.filter((e) => e.next?.request.state === "unfulfilled"),
            )
            expect(gaveUp.map((e) => e.offer.requestId).sort()).toEqual(
              firsts.map((o) => o.requestId).sort(),
            )
            const notices = (yield* (yield* Outbox).list({ partyId: customer.id })).filter(
              (m) => m.template === requestTemplates.unfulfilled,
            )
            for (const first of firsts) {
              const about = notices.filter((m) => m.dedupeKey.startsWith(`${first.requestId}:`))
              expect(about.map((m) => m.channel).sort()).toEqual(["email", "whatsapp"])
            }
            expect(notices).toHaveLength(2 * REQUESTS)
          }).pipe(Effect.provide(layer))
        }).pipe(Effect.scoped),
    )
  })
}
