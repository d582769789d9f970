import { describe, expect, it } from "@effect/vitest"
import { type Offer, OfferRepository, type Party, PartyRepository } from "@fundi/core"
import { arbOffer, arbParty } from "@fundi/core/testing"
import { Effect } from "effect"
import * as fc from "fast-check"
import { layerKnex } from "./layer.ts"
import { isolatedDatabase } from "./testing.ts"

/** A write to the offers table: insert, replace (state, cause, even provider), or delete. */
type Step =
  | { readonly _tag: "insert"; readonly offer: Offer }
  | {
      readonly _tag: "update"
      readonly index: number
      readonly offer: Offer
      readonly provider: number
    }
  | { readonly _tag: "delete"; readonly index: number }

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  arbOffer().map((offer) => ({ _tag: "insert" as const, offer })),
  fc
    .record({ index: fc.nat(), offer: arbOffer(), provider: fc.nat() })
    .map((r) => ({ _tag: "update" as const, ...r })),
  fc.nat().map((index) => ({ _tag: "delete" as const, index })),
)

const arbProviders = fc.uniqueArray(arbParty({ kind: "provider" }), {
  minLength: 1,
  maxLength: 4,
  selector: (p) => p.phone,
})

describe("provider_matching's offer counts (the offers trigger, PGlite)", () => {
  it("after any offer writes, the counts the trigger kept are the ones a rebuild computes", async () => {
    await fc.assert(
      fc.asyncProperty(
        arbProviders,
        fc.array(arbStep, { minLength: 1, maxLength: 25 }),
        (providers, steps) =>
          Effect.runPromise(
            Effect.scoped(
              Effect.gen(function* () {
                const db = yield* isolatedDatabase("pglite://memory")
                const pick = (i: number): Party => providers[i % providers.length]!
                yield* Effect.gen(function* () {
                  const parties = yield* PartyRepository
                  for (const p of providers) yield* parties.insert(p)
                  const offers = yield* OfferRepository
                  const stored: Array<Offer> = []
                  for (const [n, step] of steps.entries()) {
                    if (step._tag === "insert") {
                      if (stored.some((o) => o.id === step.offer.id)) continue
                      const offer = { ...step.offer, providerId: pick(n).id }
                      yield* offers.insert(offer)
                      stored.push(offer)
                    } else if (stored.length > 0) {
                      const at = step.index % stored.length
                      const before = stored[at]!
                      if (step._tag === "delete") {
                        yield* Effect.promise(() =>
                          db.knex("offers").where({ id: before.id }).delete(),
                        )
                        stored.splice(at, 1)
                      } else {
                        const after = {
                          ...step.offer,
                          id: before.id,
                          requestId: before.requestId,
                          providerId: pick(step.provider).id,
                        }
                        yield* offers.update(after)
                        stored[at] = after
                      }
                    }
                  }
                }).pipe(Effect.provide(layerKnex(db.knex)))

                const counts = () =>
                  Effect.promise(() =>
                    db.knex
                      .select("provider_id", "accepted", "answered", "lapsed")
                      .from("provider_matching")
                      .orderBy("provider_id"),
                  )
                const kept = yield* counts()
                yield* Effect.promise(() => db.knex.raw("select provider_matching_rebuild()"))
                expect(kept).toEqual(yield* counts())
              }),
            ),
          ),
      ),
      { numRuns: 40 },
    )
  })
})
