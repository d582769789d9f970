import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { MarketplacePolicy, Urgency } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { OfferId, PartyId } from "../../shared/ids.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbApplication, arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import {
  arbOfferState,
  arbProviderReach,
  arbProviderStats,
} from "../testing/dispatch.arbitraries.ts"
import { arbOffer } from "../testing/offer-repository.arbitraries.ts"
import { arbServiceRequest, arbUrgency } from "../testing/request-repository.arbitraries.ts"
import { acceptLead, checkUnlockCap, isOfferLive, leadPrice, nextOffers } from "./dispatch.ops.ts"
import {
  isEligible,
  type MatchingContext,
  type ProviderStats,
  type ShortlistCandidate,
  shortlist,
} from "./matching.ops.ts"
import { makeOffer, offerDeadline, transitionOffer } from "./offer.ops.ts"
import type { ExpiryCause, Offer } from "./offer.ts"
import type { ServiceRequest } from "./service-request.ts"

const MINUTE = 60_000

/** Mostly true: most candidates are eligible, so dispatch has people to offer to. */
const likely = fc.oneof(
  { weight: 4, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
)

/** A market: a dispatching request and providers who may or may not be eligible for it. */
const arbMarket = fc
  .record({
    policy: arbPolicy,
    request: arbServiceRequest({ state: "dispatching" }),
    now: arbInstant,
    ids: fc.uniqueArray(arbPartyId, { minLength: 0, maxLength: 8 }),
  })
  .chain(({ policy, request, now, ids }) =>
    fc.record({
      policy: fc.constant(policy),
      request: fc.constant(request),
      now: fc.constant(now),
      candidates: fc.tuple(
        ...ids.map((id) =>
          fc
            .record({
              party: arbParty({ id, kind: "provider" }),
              active: likely,
              approved: likely,
              sameCohort: likely,
              category: likely,
              area: likely,
              application: arbApplication({ partyId: id }),
              approvedApplication: arbApplication({ partyId: id, state: "approved" }),
              reach: arbProviderReach(id, now),
              always: likely,
              reachable: likely,
            })
            .map(
              (p): ShortlistCandidate => ({
                provider: {
                  ...p.party,
                  status: p.active ? "active" : p.party.status,
                  cohort: p.sameCohort
                    ? request.cohort
                    : request.cohort === "live"
                      ? "test"
                      : "live",
                  profile: {
                    ...p.party.profile,
                    categories: p.category ? [request.category] : p.party.profile.categories,
                    serviceAreas: p.area ? [request.location.area] : p.party.profile.serviceAreas,
                  },
                },
                latestApplication: p.approved ? p.approvedApplication : p.application,
                reach: p.always ? { ...p.reach, availability: { _tag: "always" } } : p.reach,
                openAssignments: 0,
                spentThisWeek: 0,
                whatsAppOptedOut: !p.reachable,
              }),
            ),
        ),
      ),
      stats: fc.tuple(...ids.map(() => arbProviderStats)),
      // What happens to the open offers: indices pick which one, modulo how many there are.
      events: fc.array(
        fc.tuple(
          fc.constantFrom("Decline", "Expire", "Preview", "Unlock", "Accept", "Wait"),
          fc.nat(),
        ),
        { maxLength: 30 },
      ),
    }),
  )

const statsOf = (
  candidates: ReadonlyArray<ShortlistCandidate>,
  stats: ReadonlyArray<ProviderStats>,
) => new Map<PartyId, ProviderStats>(candidates.map((c, i) => [c.provider.id, stats[i]!]))

describe("dispatch", () => {
  it("offers each provider once, only eligible same-cohort ones, answers every decline or expiry, and assigns at most once", () => {
    const decisions = new Set<string>()
    fc.assert(
      fc.property(
        arbMarket,
        ({ policy, request: initial, now: start, candidates, stats, events }) => {
          const ranking = statsOf(candidates, stats)
          let request: ServiceRequest = initial
          let now = start
          let offers: ReadonlyArray<Offer> = []
          let accepted = 0
          let serial = 0
          const context = (): MatchingContext => ({ now, policy, offersOnRequest: offers })

          /** The offers the latest round of dispatch left in play. */
          let awaited = new Set<OfferId>()

          /** One round of dispatch; returns the decision's tag. */
          const dispatch = (): string => {
            const tag = dispatchRound()
            awaited = new Set(offers.filter((o) => isOfferLive(o, now)).map((o) => o.id))
            return tag
          }
          const dispatchRound = (): string => {
            if (request.state !== "dispatching") return "closed"
            const { ranked } = shortlist(request, candidates, context(), ranking)
            const decision = Result.getOrThrow(
              nextOffers(
                request,
                policy,
                ranked.map((r) => r.providerId),
                offers,
                now,
              ),
            )
            decisions.add(`${policy.dispatch.strategy}:${decision._tag}`)
            if (decision._tag === "Offer") {
              expect(decision.providerIds.length).toBeGreaterThan(0)
              const live = offers.filter((o) => isOfferLive(o, now)).length
              const room =
                policy.dispatch.strategy === "sequential" ? 1 : policy.dispatch.broadcastSize
              expect(live + decision.providerIds.length).toBeLessThanOrEqual(room)
              for (const providerId of decision.providerIds) {
                // Never twice on one request.
                expect(offers.some((o) => o.providerId === providerId)).toBe(false)
                const candidate = candidates.find((c) => c.provider.id === providerId)!
                expect(candidate.provider.cohort).toBe(request.cohort)
                expect(
                  Result.isSuccess(
                    isEligible(candidate.provider, candidate.latestApplication, request, {
                      ...context(),
                      ...candidate,
                    }),
                  ),
                ).toBe(true)
                const id = `ofr_${String(serial++).padStart(20, "0")}` as OfferId
                offers = [...offers, makeOffer({ id, request, providerId }, policy, now)]
              }
            }
            if (decision._tag === "Unfulfilled") {
              // Nobody left: no offer in play and nobody eligible who has not had one.
              expect(offers.some((o) => isOfferLive(o, now))).toBe(false)
              expect(shortlist(request, candidates, context(), ranking).ranked).toHaveLength(0)
              request = { ...request, state: "unfulfilled" }
            }
            return decision._tag
          }

          const replace = (next: Offer) => {
            offers = offers.map((o) => (o.id === next.id ? next : o))
          }

          dispatch()
          for (const [event, pick] of events) {
            now = (now + MINUTE) as Instant
            const offer = offers.length === 0 ? undefined : offers[pick % offers.length]!
            if (offer === undefined || event === "Wait") {
              dispatch()
              continue
            }
            if (event === "Accept") {
              // Anyone may try, in any state: the gate lets at most one through.
              const outcome = acceptLead(request, offer, { _tag: "Accept" }, policy, now)
              if (Result.isSuccess(outcome)) {
                ;[request] = outcome.success
                replace(outcome.success[1])
                accepted++
              }
              continue
            }
            const closing = event === "Decline" || event === "Expire"
            if (event === "Expire") {
              const deadline = offerDeadline(offer)
              if (deadline !== undefined && deadline > now) now = deadline
            }
            if (
              event === "Unlock" &&
              Result.isFailure(checkUnlockCap(request, offer, offers, policy))
            ) {
              continue
            }
            const command =
              event === "Unlock" ? { _tag: "Unlock" as const, credits: 1 } : { _tag: event }
            const moved = transitionOffer(offer, command, policy, now)
            if (Result.isFailure(moved)) continue
            replace(moved.success[0])
            const tag = dispatch()
            if (
              (closing && request.state === "dispatching") ||
              (closing && tag === "Unfulfilled")
            ) {
              // A closed offer is answered: the next provider, or the request given up.
              const live = offers.filter((o) => isOfferLive(o, now)).length
              expect(tag === "Offer" || tag === "Unfulfilled" || (tag === "Wait" && live > 0)).toBe(
                true,
              )
              // Sequential dispatch waits on one offer at a time: when that one closes, it moves.
              if (policy.dispatch.strategy === "sequential" && awaited.has(offer.id)) {
                expect(tag).not.toBe("Wait")
              }
            }
          }
          expect(accepted).toBeLessThanOrEqual(1)
          expect(offers.filter((o) => o.state === "accepted").length).toBeLessThanOrEqual(1)
          expect(request.state === "assigned").toBe(accepted === 1)
          // Holders of the lead never exceed the per-lead unlock cap.
          expect(
            offers.filter((o) => ["unlocked", "times_proposed", "accepted"].includes(o.state))
              .length,
          ).toBeLessThanOrEqual(policy.credits.unlocksPerLead)
          const providers = offers.map((o) => o.providerId)
          expect(new Set(providers).size).toBe(providers.length)
        },
      ),
      { numRuns: 400 },
    )
    for (const strategy of ["sequential", "broadcast"]) {
      for (const tag of ["Offer", "Wait", "Unfulfilled"])
        expect(decisions).toContain(`${strategy}:${tag}`)
    }
  })

  it("gives at most one assignment however many providers race to accept", () => {
    fc.assert(
      fc.property(
        arbServiceRequest({ state: "dispatching" }),
        fc.uniqueArray(arbPartyId, { minLength: 1, maxLength: 10 }),
        arbInstant,
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (initial, providerIds, at, attempts) => {
          const policy: MarketplacePolicy = {
            ...creditsPreset,
            credits: { ...creditsPreset.credits, unlocksPerLead: providerIds.length },
          }
          let request = initial
          // Every provider has unlocked the lead and holds it.
          let offers = providerIds.map((providerId, i) => {
            const offer = makeOffer(
              { id: `ofr_${String(i).padStart(20, "0")}` as OfferId, request, providerId },
              policy,
              at,
            )
            const previewed = Result.getOrThrow(
              transitionOffer(offer, { _tag: "Preview" }, policy, at),
            )[0]
            return Result.getOrThrow(
              transitionOffer(previewed, { _tag: "Unlock", credits: 1 }, policy, at),
            )[0]
          })
          const winners: Array<PartyId> = []
          for (const pick of attempts) {
            const offer = offers[pick % offers.length]!
            const outcome = acceptLead(request, offer, { _tag: "Accept" }, policy, at)
            if (Result.isSuccess(outcome)) {
              request = outcome.success[0]
              offers = offers.map((o) => (o.id === offer.id ? outcome.success[1] : o))
              winners.push(offer.providerId)
            } else if (winners.length > 0) {
              expect(outcome.failure._tag).toMatch(/LeadAlreadyAssigned|OfferTransitionNotAllowed/)
            }
          }
          expect(winners).toHaveLength(1)
          expect(request).toMatchObject({ state: "assigned", assignedProviderId: winners[0] })
          expect(offers.filter((o) => o.state === "accepted")).toHaveLength(1)
        },
      ),
    )
  })

  it("nextOffers picks, in rank order, only providers with no offer yet, as many as the strategy has room for", () => {
    const arbCase = fc
      .record({
        policy: arbPolicy,
        request: arbServiceRequest({ state: "dispatching" }),
        now: arbInstant,
        pool: fc.uniqueArray(arbPartyId, { minLength: 1, maxLength: 8 }),
      })
      .chain(({ policy, request, now, pool }) =>
        fc.record({
          policy: fc.constant(policy),
          request: fc.constant(request),
          now: fc.constant(now),
          // Ranked lists may be stale: they can repeat ids and name people already offered.
          ranked: fc.array(fc.constantFrom(...pool), { maxLength: 10 }),
          offers: fc.tuple(
            ...pool.map((providerId, i) =>
              fc.option(
                fc
                  .record({
                    state: arbOfferState,
                    // Deadlines either side of now: lapsed offers no longer hold dispatch up.
                    // TTL, hold and last proposed start all fall at the one deadline.
                    delta: fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
                  })
                  .map(({ state, delta }): Offer => {
                    const deadline = (now + delta) as Instant
                    return {
                      id: `ofr_${String(i).padStart(20, "0")}` as OfferId,
                      requestId: request.id,
                      providerId,
                      state,
                      offeredAt: (now - 60 * MINUTE) as Instant,
                      expiresAt: deadline,
                      holdExpiresAt: deadline,
                      proposedTimes: [
                        {
                          start: (deadline - 2 * MINUTE) as Instant,
                          end: (deadline - MINUTE) as Instant,
                        },
                        { start: deadline, end: (deadline + MINUTE) as Instant },
                        {
                          start: (deadline - 5 * MINUTE) as Instant,
                          end: (deadline - 4 * MINUTE) as Instant,
                        },
                      ],
                      updatedAt: (now - 60 * MINUTE) as Instant,
                    }
                  }),
                { nil: undefined },
              ),
            ),
          ),
        }),
      )
    fc.assert(
      fc.property(arbCase, ({ policy, request, now, ranked, offers: maybe }) => {
        const offers = maybe.filter((o): o is Offer => o !== undefined)
        const decision = Result.getOrThrow(nextOffers(request, policy, ranked, offers, now))
        const open = ["offered", "previewed", "unlocked", "times_proposed"]
        const live = offers.filter((o) => open.includes(o.state) && now < o.expiresAt).length
        const offered = new Set(offers.map((o) => o.providerId))
        const fresh = [...new Set(ranked)].filter((id) => !offered.has(id))
        const room =
          (policy.dispatch.strategy === "sequential" ? 1 : policy.dispatch.broadcastSize) - live
        if (offers.some((o) => o.state === "accepted")) {
          expect(decision._tag).toBe("Wait")
        } else if (fresh.length > 0 && room > 0) {
          expect(decision).toEqual({ _tag: "Offer", providerIds: fresh.slice(0, room) })
        } else if (live > 0) {
          expect(decision).toEqual({ _tag: "Wait", live })
        } else {
          expect(decision).toEqual({ _tag: "Unfulfilled" })
        }
      }),
      { numRuns: 500 },
    )
  })

  it("checkUnlockCap lets a provider unlock only while fewer than the cap of others hold the lead", () => {
    fc.assert(
      fc.property(
        arbServiceRequest({ state: "dispatching" }),
        fc.array(arbOfferState, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        arbInstant,
        (request, states, cap, at) => {
          const policy = {
            ...creditsPreset,
            credits: { ...creditsPreset.credits, unlocksPerLead: cap },
          }
          const offers = states.map(
            (state, i): Offer => ({
              id: `ofr_${String(i).padStart(20, "0")}` as OfferId,
              requestId: request.id,
              providerId: `pty_${String(i).padStart(20, "0")}` as PartyId,
              state,
              offeredAt: at,
              expiresAt: at,
              updatedAt: at,
            }),
          )
          const [mine, ...others] = offers
          const holders = others.filter((o) =>
            ["unlocked", "times_proposed", "accepted"].includes(o.state),
          ).length
          const outcome = checkUnlockCap(request, mine!, offers, policy)
          expect(Result.isSuccess(outcome)).toBe(holders < cap)
          if (Result.isFailure(outcome))
            expect(outcome.failure).toMatchObject({ _tag: "UnlockCapReached", cap })
        },
      ),
    )
  })

  it("refuses to dispatch a request that is not dispatching", () => {
    fc.assert(
      fc.property(arbServiceRequest(), arbPolicy, arbInstant, (request, policy, now) => {
        const outcome = nextOffers(request, policy, [], [], now)
        expect(Result.isSuccess(outcome)).toBe(request.state === "dispatching")
      }),
    )
  })
})

describe("leadPrice", () => {
  it('is the category\'s price, else the "*" price, else LeadPriceMissing', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("*", "plumbing", "electrical", "roofing"),
          fc.record({
            low: fc.integer({ min: 1, max: 99 }),
            normal: fc.integer({ min: 1, max: 99 }),
            urgent: fc.integer({ min: 1, max: 99 }),
            emergency: fc.integer({ min: 1, max: 99 }),
          }),
        ),
        fc.constantFrom("plumbing", "electrical", "roofing", "painting", "constructor"),
        arbUrgency,
        (prices, category, urgency: Urgency) => {
          const policy = {
            ...creditsPreset,
            credits: { ...creditsPreset.credits, leadPrice: prices },
          }
          const outcome = leadPrice(policy, category, urgency)
          // "constructor" is on every object's prototype: only the policy's own keys price a lead.
          const own = Object.hasOwn(prices, category) ? prices[category] : prices["*"]
          const expected = own?.[urgency]
          if (expected === undefined) {
            expect(Result.isFailure(outcome) && outcome.failure).toMatchObject({
              _tag: "LeadPriceMissing",
              category,
              urgency,
            })
          } else {
            expect(Result.getOrThrow(outcome)).toBe(expected)
          }
        },
      ),
    )
  })
})

describe("accepting an offer that expired", () => {
  const arbExpired = fc.record({
    policy: arbPolicy,
    request: arbServiceRequest(),
    offer: arbOffer(),
    cause: fc.constantFrom<ExpiryCause>("ttl", "hold", "slots_passed", "withdrawn"),
    now: arbInstant,
    how: fc.oneof(
      fc.constant({ _tag: "Accept" as const }),
      fc.integer({ min: 0, max: 2 }).map((slot) => ({ _tag: "ChooseTime" as const, slot })),
    ),
  })

  it("an offer that ran out on its own is refused as expired, with its cause, whatever the request", () => {
    fc.assert(
      fc.property(arbExpired, ({ policy, request, offer: o, cause, now, how }) => {
        const offer: Offer = { ...o, requestId: request.id, state: "expired", expiryCause: cause }
        const outcome = acceptLead(request, offer, how, policy, now)
        expect(Result.isFailure(outcome)).toBe(true)
        if (Result.isSuccess(outcome)) return
        if (cause === "withdrawn") {
          // Closed by dispatch: the request's own story (taken, closed) comes first.
          if (request.assignedProviderId !== undefined) {
            expect(outcome.failure._tag).toBe("LeadAlreadyAssigned")
          }
          return
        }
        expect(outcome.failure).toMatchObject({
          _tag: "OfferTransitionNotAllowed",
          from: "expired",
          expiryCause: cause,
        })
      }),
    )
  })
})
