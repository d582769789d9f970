import { describe, expect, it } from "@effect/vitest"
import {
  acceptLead,
  checkLedger,
  creditsPreset,
  dispatchRequest,
  getRequest,
  getWallet,
  leadPrice,
  type MarketplacePolicy,
  OfferRepository,
  previewLead,
  setWeeklyBudget,
  unlockLead,
} from "@fundi/core"
import {
  homeowner,
  offerRepositoryContract,
  readyRequest,
  vettedProvider,
} from "@fundi/core/testing"
import { Cause, Effect, Exit, Result } from "effect"
import { offerChecksSuite } from "./offer-repository.suite.ts"
import { isolatedDatabase, layerPostgresTest, layerUseCasesOn, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

/** Providers racing for one lead, each on its own connection (twice: unlock is tried twice). */
const PROVIDERS = 12
const CREDITS = 50

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? error.value._tag : `defect: ${Cause.pretty(exit.cause)}`
}

if (url === undefined) {
  describe("OfferRepository on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  offerRepositoryContract("Postgres on a server", () => layerPostgresTest(url))
  offerChecksSuite("PostgreSQL server", url)

  describe("one lead, many providers unlocking and accepting at once (server)", () => {
    for (const unlocksPerLead of [3, PROVIDERS]) {
      const policy: MarketplacePolicy = {
        ...creditsPreset,
        credits: { ...creditsPreset.credits, unlocksPerLead },
        dispatch: { strategy: "broadcast", broadcastSize: PROVIDERS, offerTtlMinutes: 120 },
      }

      it.live(
        `${PROVIDERS} providers, ${unlocksPerLead} unlocks allowed: one assignment, one debit per unlock, ledger checks`,
        () =>
          Effect.gen(function* () {
            const db = yield* isolatedDatabase(url, { poolMax: 2 * PROVIDERS + 4 })
            const layer = layerUseCasesOn(db.knex, policy)
            yield* Effect.gen(function* () {
              const customer = yield* homeowner()
              yield* Effect.forEach(
                Array.from({ length: PROVIDERS }, (_, i) => i + 1),
                (i) => vettedProvider(i, { credits: CREDITS }),
              )
              const request = yield* readyRequest(customer.id)
              const { offered } = yield* dispatchRequest({ requestId: request.id })
              expect(offered).toHaveLength(PROVIDERS)

              // Every provider opens the preview, tries to unlock twice at once, then to accept.
              const outcomes = yield* Effect.forEach(
                offered,
                (offer) =>
                  Effect.gen(function* () {
                    const input = { offerId: offer.id, providerId: offer.providerId }
                    yield* previewLead(input)
                    const unlocks = yield* Effect.forEach(
                      [1, 2],
                      () => Effect.exit(unlockLead(input)),
                      {
                        concurrency: "unbounded",
                      },
                    )
                    const accept = yield* Effect.exit(acceptLead(input))
                    return { offer, unlocks, accept }
                  }),
                { concurrency: "unbounded" },
              )

              // Only the domain's refusals: no deadlock, no lost connection, no defect.
              const tags = outcomes.flatMap((o) => [...o.unlocks, o.accept].map(failureTag))
              for (const tag of tags) expect(tag ?? "ok").not.toMatch(/Persistence|defect/)

              const winners = outcomes.filter((o) => Exit.isSuccess(o.accept))
              expect(winners).toHaveLength(1)
              const winner = winners[0]!.offer.providerId
              expect(yield* getRequest({ requestId: request.id })).toMatchObject({
                state: "assigned",
                assignedProviderId: winner,
              })

              const repo = yield* OfferRepository
              const stored = yield* repo.listForRequest(request.id)
              expect(stored.filter((o) => o.state === "accepted").map((o) => o.providerId)).toEqual(
                [winner],
              )
              const price = policy.credits!.leadPrice.plumbing!.urgent
              let charged = 0
              for (const offer of stored) {
                const wallet = yield* getWallet({ partyId: offer.providerId })
                // A provider is debited the price once if its offer was unlocked, else never.
                const debited = offer.creditsCharged !== undefined
                if (debited) charged++
                expect(offer.creditsCharged ?? price).toBe(price)
                expect(Number(wallet.credits)).toBe(CREDITS - (debited ? price : 0))
              }
              const succeeded = outcomes.filter((o) => o.unlocks.some(Exit.isSuccess)).length
              expect(charged).toBe(succeeded)
              expect(charged).toBeGreaterThanOrEqual(1)
              expect(charged).toBeLessThanOrEqual(unlocksPerLead)
              expect((yield* checkLedger()).ok).toBe(true)
            }).pipe(Effect.provide(layer))
          }).pipe(Effect.scoped),
        60_000,
      )
    }
  })

  describe("one provider unlocking many leads at once under a weekly budget (server)", () => {
    const LEADS = 8
    const policy: MarketplacePolicy = {
      ...creditsPreset,
      dispatch: { strategy: "broadcast", broadcastSize: 1, offerTtlMinutes: 120 },
    }

    it.live(
      `${LEADS} unlocks at once, each on its own connection: exactly as many as the budget holds`,
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: LEADS + 4 })
          const layer = layerUseCasesOn(db.knex, policy)
          yield* Effect.gen(function* () {
            const customer = yield* homeowner()
            const provider = yield* vettedProvider(1, { credits: 10_000 })
            const offers = yield* Effect.forEach(
              Array.from({ length: LEADS }, () => 0),
              () =>
                Effect.gen(function* () {
                  const request = yield* readyRequest(customer.id)
                  const { offered } = yield* dispatchRequest({ requestId: request.id })
                  expect(offered.map((o) => o.providerId)).toEqual([provider.id])
                  const input = { offerId: offered[0]!.id, providerId: provider.id }
                  yield* previewLead(input)
                  return { input, request }
                }),
            )
            const price = Result.getOrThrow(
              leadPrice(policy, offers[0]!.request.category, offers[0]!.request.urgency),
            )
            // Room for three and a half leads: three unlocks fit, the rest are refused.
            yield* setWeeklyBudget({
              partyId: provider.id,
              weeklyCreditBudget: 3 * price + Math.floor(price / 2),
            })
            const exits = yield* Effect.forEach(
              offers,
              ({ input }) => Effect.exit(unlockLead(input)),
              {
                concurrency: "unbounded",
              },
            )
            const tags = exits.map(failureTag)
            expect(tags.filter((t) => t === undefined)).toHaveLength(3)
            expect(tags.filter((t) => t !== undefined)).toEqual(
              Array.from({ length: LEADS - 3 }, () => "WeeklyBudgetExceeded"),
            )
            const wallet = yield* getWallet({ partyId: provider.id })
            expect(Number(wallet.credits)).toBe(10_000 - 3 * price)
            expect((yield* checkLedger()).ok).toBe(true)
          }).pipe(Effect.provide(layer))
        }).pipe(Effect.scoped),
      60_000,
    )
  })
}
