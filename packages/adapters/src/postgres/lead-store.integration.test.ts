import { describe, expect, it } from "@effect/vitest"
import {
  LeadStore,
  type Offer,
  OfferRepository,
  type Party,
  PartyRepository,
  RequestRepository,
  Transactions,
} from "@fundi/core"
import { arbOffer, arbParty, arbServiceRequest, leadStoreContract } from "@fundi/core/testing"
import { Deferred, Effect, Fiber, Option, Schedule } from "effect"
import * as fc from "fast-check"
import { layerKnex } from "./layer.ts"
import { isolatedDatabase, layerPostgresTest, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

if (url === undefined) {
  describe("LeadStore on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  // lead_lock and the one-statement save on a real server, against the repositories.
  leadStoreContract("Postgres on a server", () => layerPostgresTest(url))

  describe("lead_lock on a server", () => {
    /** A homeowner's request offered to two providers (the second offer not yet stored). */
    const aLead = () => {
      const customer = fc.sample(arbParty({ kind: "customer" }), 1)[0]!
      const [first, second] = fc
        .sample(arbParty({ kind: "provider" }), 10)
        .filter((p) => p.phone !== customer.phone) as [Party, Party]
      const request = fc.sample(arbServiceRequest({ customerId: customer.id }), 1)[0]!
      const pair = fc.sample(
        fc.uniqueArray(arbOffer(), { minLength: 2, maxLength: 2, selector: (o) => o.id }),
        1,
      )[0]!
      const [offerA, offerB] = pair.map(
        (o, i): Offer => ({
          ...o,
          requestId: request.id,
          providerId: (i === 0 ? first : second).id,
          state: "offered",
        }),
      ) as [Offer, Offer]
      return { customer, first, second, request, offerA, offerB }
    }

    /** Stores the parties, the request and the first offer. */
    const store = (lead: ReturnType<typeof aLead>) =>
      Effect.gen(function* () {
        const parties = yield* PartyRepository
        for (const party of [lead.customer, lead.first, lead.second]) yield* parties.insert(party)
        yield* (yield* RequestRepository).insert(lead.request)
        yield* (yield* OfferRepository).insert(lead.offerA)
      })

    it.live("waits for the request's lock, then reads what was committed while it waited", () =>
      Effect.gen(function* () {
        const db = yield* isolatedDatabase(url, { poolMax: 4 })
        const world = aLead()
        const { customer, first, second, request, offerA, offerB } = world
        yield* Effect.gen(function* () {
          yield* store(world)
          const offers = yield* OfferRepository

          // Another transaction holds the request and offers the lead to a second provider.
          const locked = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const other = yield* Effect.forkChild(
            (yield* Transactions).run(
              Effect.gen(function* () {
                yield* (yield* RequestRepository).findById(request.id, { forUpdate: true })
                yield* offers.insert(offerB)
                yield* Deferred.succeed(locked, undefined)
                yield* Deferred.await(release)
              }),
            ),
          )
          yield* Deferred.await(locked)
          const lead = yield* Effect.forkChild(
            (yield* Transactions).run((yield* LeadStore).lock(offerA.id)),
          )
          // Only once lead_lock is waiting on the request's row does the other commit.
          yield* Effect.promise(() =>
            db.knex.raw<{ rows: Array<{ n: number }> }>(
              `select count(*)::int as n from pg_stat_activity
               where wait_event_type = 'Lock' and query like '%lead_lock%'`,
            ),
          ).pipe(
            Effect.filterOrFail((result) => result.rows[0]!.n > 0),
            Effect.retry(Schedule.spaced("20 millis")),
          )
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(other)

          const read = Option.getOrThrow(yield* Fiber.join(lead))
          expect(read.offers.map((o) => o.id).sort()).toEqual([offerA.id, offerB.id].sort())
          expect([...read.parties.keys()].sort()).toEqual([customer.id, first.id, second.id].sort())
        }).pipe(Effect.provide(layerKnex(db.knex)))
      }),
    )
    for (const lockProvider of [true, false]) {
      it.live(
        `holds the request, each of its offers${lockProvider ? " and the provider" : ", not the provider,"} until its transaction ends`,
        () =>
          Effect.gen(function* () {
            const db = yield* isolatedDatabase(url, { poolMax: 4 })
            const world = aLead()
            const { customer, first, second, request, offerA, offerB } = world
            /** Whether another session finds the row locked (it asks without waiting). */
            const isLocked = (table: string, id: string) =>
              Effect.promise(() =>
                db.knex.raw(`select 1 from ${table} where id = ? for update nowait`, [id]).then(
                  () => false,
                  (error: { code?: string }) => {
                    if (error.code === "55P03") return true
                    throw error
                  },
                ),
              )
            const locks = Effect.all({
              request: isLocked("service_requests", request.id),
              offerA: isLocked("offers", offerA.id),
              offerB: isLocked("offers", offerB.id),
              provider: isLocked("parties", first.id),
              otherProvider: isLocked("parties", second.id),
              customer: isLocked("parties", customer.id),
            })
            yield* Effect.gen(function* () {
              yield* store(world)
              yield* (yield* OfferRepository).insert(offerB)
              const held = yield* Deferred.make<void>()
              const release = yield* Deferred.make<void>()
              const holder = yield* Effect.forkChild(
                (yield* Transactions).run(
                  Effect.gen(function* () {
                    yield* (yield* LeadStore).lock(offerA.id, { lockProvider })
                    yield* Deferred.succeed(held, undefined)
                    yield* Deferred.await(release)
                  }),
                ),
              )
              yield* Deferred.await(held)
              // Released whatever happens, so a failed check cannot leave the holder waiting.
              const whileHeld = yield* locks.pipe(
                Effect.ensuring(Deferred.succeed(release, undefined)),
              )
              yield* Fiber.join(holder)
              expect(whileHeld).toEqual({
                request: true,
                offerA: true,
                offerB: true,
                provider: lockProvider,
                otherProvider: false,
                customer: false,
              })
              expect(Object.values(yield* locks)).not.toContain(true)
            }).pipe(Effect.provide(layerKnex(db.knex)))
          }),
      )
    }
  })
}
