import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { ConversationSession } from "../../conversation/domain/session.ts"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import {
  creditIssuanceAccount,
  creditIssuanceAccountId,
  creditsAccount,
  creditsAccountId,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount } from "../../ledger/domain/ledger.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import type { ApplicationId, PartyId } from "../../shared/ids.ts"
import type { Email } from "../../shared/phone.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { compareText } from "../../shared/testing/in-memory-store.ts"
import { arbApplicationId, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { Application, ApplicationState } from "../../vetting/domain/application.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { budgetWeek } from "../../wallet/domain/wallet.ops.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import {
  type ProviderStats,
  type RankedProvider,
  type ShortlistCandidate,
  shortlist,
} from "../domain/matching.ops.ts"
import type { Offer } from "../domain/offer.ts"
import { defaultReach, type ProviderReach } from "../domain/provider-reach.ts"
import { providerStats } from "../domain/provider-stats.ops.ts"
import type { ServiceRequest, TimeWindow } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"
import { arbGeoPoint, arbProviderReach } from "./dispatch.arbitraries.ts"
import { arbOffer } from "./offer-repository.arbitraries.ts"
import { arbServiceRequest } from "./request-repository.arbitraries.ts"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Few categories and areas, so providers and requests often meet. */
const categories = ["plumbing", "electrical", "roofing"]
const areas = ["soweto", "sandton", "midrand"]

/** Everything the shortlist of one request depends on, as plain data. */
export interface DirectoryWorld {
  readonly now: Instant
  readonly policy: MarketplacePolicy
  readonly leadPriceCredits: number | undefined
  readonly request: ServiceRequest
  readonly providers: ReadonlyArray<WorldProvider>
  readonly limit: number
}

export interface WorldProvider {
  readonly party: Party
  readonly applications: ReadonlyArray<Application>
  readonly reach: ProviderReach | undefined
  readonly weeklyBudget: number | undefined
  /** Credits spent on lead unlocks: amount and when. */
  readonly unlocks: ReadonlyArray<{ readonly credits: number; readonly at: Instant }>
  /** Offers to this provider, on this request or others. */
  readonly offers: ReadonlyArray<Offer>
  /**
   * Their WhatsApp conversation, if they ever wrote: opted out or not and, when `flipped`,
   * first stored the other way round ("stop" then "start", or the reverse).
   */
  readonly conversation: { readonly optedOut: boolean; readonly flipped: boolean } | undefined
}

const mostly = <A>(usual: fc.Arbitrary<A>, other: fc.Arbitrary<A>) =>
  fc.oneof({ weight: 7, arbitrary: usual }, { weight: 1, arbitrary: other })

const subset = (from: ReadonlyArray<string>) =>
  fc.subarray([...from], { minLength: 0, maxLength: from.length })

const closedApplicationState = mostly(
  fc.constant<ApplicationState>("approved"),
  fc.constant<ApplicationState>("rejected"),
)
const anyApplicationState = mostly(
  fc.constant<ApplicationState>("approved"),
  fc.constantFrom<ApplicationState>("rejected", "submitted", "in_review"),
)

/** Offers to a provider for stats, capacity and the already-offered gate. */
const arbOffersOf = (providerId: PartyId, request: ServiceRequest, now: Instant) =>
  fc.array(
    fc
      .record({
        offer: arbOffer(),
        onRequest: fc.oneof(
          { weight: 9, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
        decidedAgo: fc.integer({ min: -DAY, max: 10 * DAY }),
      })
      .map(({ offer, onRequest, decidedAgo }): Offer => {
        const { decidedAt: _decidedAt, ...rest } = offer
        return {
          ...rest,
          providerId,
          ...(onRequest ? { requestId: request.id } : {}),
          ...(offer.decidedAt === undefined ? {} : { decidedAt: (now - decidedAgo) as Instant }),
        }
      }),
    { maxLength: 4 },
  )

const arbWorldProvider = (
  index: number,
  request: ServiceRequest,
  now: Instant,
): fc.Arbitrary<WorldProvider> =>
  arbPartyId.chain((id) =>
    fc.record({
      party: fc
        .record({
          party: arbParty({ id }),
          kind: mostly(fc.constant("provider" as const), fc.constant("customer" as const)),
          status: mostly(fc.constant("active" as const), fc.constant("suspended" as const)),
          cohort: mostly(fc.constant(request.cohort), fc.constantFrom("live", "test")),
          categories: mostly(
            subset(categories).map((c) => [...new Set([request.category, ...c])]),
            subset(categories),
          ),
          serviceAreas: mostly(
            subset(areas).map((a) => [...new Set([request.location.area, ...a])]),
            subset(areas),
          ),
        })
        .map(
          ({ party, kind, status, cohort, categories, serviceAreas }): Party => ({
            ...party,
            kind,
            status,
            cohort,
            // Unique per world: the phone is a unique key.
            phone: `+2771${String(1_000_000 + index).padStart(7, "0")}` as Party["phone"],
            profile: { ...party.profile, categories, serviceAreas },
          }),
        ),
      applications: fc
        .tuple(
          mostly(fc.constant(false), fc.constant(true)),
          closedApplicationState,
          anyApplicationState,
          // Creation times drawn from three, so equal times (ties broken by id) turn up.
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          fc.option(fc.tuple(arbApplicationId, arbApplicationId), { nil: undefined, freq: 8 }),
        )
        .map(([two, firstState, secondState, [t1, t2], ids]) => {
          if (ids === undefined) return []
          const at = (t: number) => (now - (t + 1) * DAY) as Instant
          // At most one application still being decided per party (a unique index says so).
          const first = application(ids[0], id, firstState, at(t1))
          return two && ids[1] !== ids[0]
            ? [first, application(ids[1], id, secondState, at(t2))]
            : [first]
        }),
      reach: fc.option(arbProviderReach(id, now), { nil: undefined }),
      weeklyBudget: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
      unlocks: fc.array(
        fc.record({
          credits: fc.integer({ min: 1, max: 15 }),
          at: fc.integer({ min: -14 * DAY, max: DAY }).map((d) => (now + d) as Instant),
        }),
        { maxLength: 3 },
      ),
      offers: arbOffersOf(id, request, now),
      conversation: fc.option(
        fc.record({
          // Often enough that the differential meets unreachable providers in most runs.
          optedOut: fc.boolean(),
          flipped: mostly(fc.constant(false), fc.constant(true)),
        }),
        { nil: undefined },
      ),
    }),
  )

/** A provider's application in `state`, with the fields that state needs. */
const application = (
  id: ApplicationId,
  partyId: PartyId,
  state: ApplicationState,
  createdAt: Instant,
): Application => {
  const decided = state === "approved" || state === "rejected"
  return {
    id,
    partyId,
    role: "provider",
    state,
    completeness: 80,
    createdAt,
    updatedAt: createdAt,
    ...(state === "draft" ? {} : { submittedAt: createdAt }),
    ...(decided ? { decidedAt: createdAt, decidedBy: "thandi" } : {}),
    ...(state === "rejected" ? { rejectionReason: "documents unreadable" } : {}),
  }
}

/** A request near Johannesburg with windows around `now`, and one to ten providers. */
export const arbDirectoryWorld: fc.Arbitrary<DirectoryWorld> = fc
  .record({
    now: fc.integer({ min: 1_767_225_600_000, max: 1_830_297_600_000 }).map((n) => n as Instant),
    request: arbServiceRequest({ state: "dispatching" }),
    category: fc.constantFrom(...categories),
    area: fc.constantFrom(...areas),
    point: fc.option(arbGeoPoint, { nil: undefined }),
    windows: fc.option(
      fc.array(
        fc.tuple(fc.integer({ min: -2 * DAY, max: 3 * DAY }), fc.integer({ min: HOUR, max: DAY })),
        { minLength: 1, maxLength: 3 },
      ),
      { nil: undefined },
    ),
    policy: fc.constantFrom(creditsPreset, subscriptionPreset, {
      ...creditsPreset,
      timeZone: "America/New_York",
    }),
    price: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    limit: fc.integer({ min: 0, max: 8 }),
  })
  .chain(({ now, request, category, area, point, windows, policy, price, limit }) => {
    const located: ServiceRequest = {
      ...request,
      category,
      location: { area, ...(point === undefined ? {} : { point }) },
      availability:
        windows === undefined
          ? { _tag: "now" }
          : {
              _tag: "windows",
              windows: windows.map(
                ([offset, length]): TimeWindow => ({
                  start: (now + offset) as Instant,
                  end: (now + offset + length) as Instant,
                }),
              ),
            },
    }
    return fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.tuple(...Array.from({ length: n }, (_, i) => arbWorldProvider(i, located, now))),
      )
      .map(
        (providers): DirectoryWorld => ({
          now,
          policy,
          leadPriceCredits: policy.model === "credits" ? price : undefined,
          request: located,
          providers: providers.filter(
            // Party ids are drawn at random: keep the first of any repeat.
            (p, i) => providers.findIndex((q) => q.party.id === p.party.id) === i,
          ),
          limit,
        }),
      )
  })

const offerIdsUnique = (world: DirectoryWorld) => {
  const seen = new Set<string>()
  for (const p of world.providers) for (const o of p.offers) seen.add(o.id)
  return seen.size === world.providers.reduce((n, p) => n + p.offers.length, 0)
}

/** Stores the world through the ports the directory reads. */
export const storeWorld = (world: DirectoryWorld) =>
  Effect.gen(function* () {
    const parties = yield* PartyRepository
    const applications = yield* ApplicationRepository
    const offers = yield* OfferRepository
    const settings = yield* WalletSettings
    const ledger = yield* Ledger
    const directory = yield* ProviderDirectory
    const conversations = yield* ConversationStore
    const opened = (world.now - 60 * DAY) as Instant
    yield* ledger.openAccount(creditIssuanceAccount(opened))
    yield* ledger.openAccount(platformRevenueAccount("CREDIT", opened))
    // Stored in varying orders, and partly as an earlier version then updated, so an
    // adapter that keeps derived data must keep it through every kind of write.
    for (const [i, p] of world.providers.entries()) {
      const offersFirst = i % 2 === 1
      const storeOffers = Effect.forEach(p.offers, (o, j) =>
        j % 2 === 0
          ? offers.insert(o)
          : Effect.andThen(offers.insert({ ...o, state: "offered" }), offers.update(o)),
      )
      const storeConversation = Effect.gen(function* () {
        const c = p.conversation
        if (c === undefined) return
        const session = (optedOut: boolean): ConversationSession => ({
          phone: p.party.phone,
          channel: "whatsapp",
          partyId: p.party.id,
          optedOut,
          lastInboundAt: world.now,
          updatedAt: world.now,
        })
        if (c.flipped) yield* conversations.save(session(!c.optedOut))
        yield* conversations.save(session(c.optedOut))
      })
      if (offersFirst) yield* storeOffers
      // Before the party for some, after for others: either order must end the same.
      if (offersFirst) yield* storeConversation
      if (p.reach !== undefined && offersFirst) yield* directory.putReach(p.reach)
      yield* parties.insert(i % 3 === 0 ? { ...p.party, status: "pending" } : p.party)
      for (const a of p.applications) yield* applications.insert(a)
      if (i % 3 === 0) yield* parties.update(p.party)
      if (p.reach !== undefined && !offersFirst) {
        yield* directory.putReach(defaultReach(p.party.id))
        yield* directory.putReach(p.reach)
      }
      if (p.weeklyBudget !== undefined) {
        yield* settings.put({ partyId: p.party.id, weeklyCreditBudget: p.weeklyBudget })
      }
      if (!offersFirst) yield* storeOffers
      if (!offersFirst) yield* storeConversation
      if (p.unlocks.length > 0) {
        yield* ledger.openAccount(creditsAccount(p.party.id, opened))
        yield* ledger.transfer(
          {
            id: `grant-${p.party.id}`,
            debitAccountId: creditIssuanceAccountId,
            creditAccountId: creditsAccountId(p.party.id),
            amount: 1000n as Amount,
            unit: "CREDIT",
            reason: "grant",
            links: {},
          },
          opened,
        )
        for (const [i, unlock] of p.unlocks.entries()) {
          yield* ledger.transfer(
            {
              id: `unlock-${p.party.id}-${i}`,
              debitAccountId: creditsAccountId(p.party.id),
              creditAccountId: platformRevenueAccountId("CREDIT"),
              amount: BigInt(unlock.credits) as Amount,
              unit: "CREDIT",
              reason: "lead_unlock",
              links: {},
            },
            unlock.at,
          )
        }
      }
    }
  })

const latestOf = (applications: ReadonlyArray<Application>) =>
  [...applications].sort((a, b) => b.createdAt - a.createdAt || compareText(b.id, a.id))[0]

/** The pure model: the whole ranking of the world by `shortlist` (no limit). */
export const expectedRanking = (world: DirectoryWorld): ReadonlyArray<RankedProvider> => {
  const { now, policy, request } = world
  const weekStart = budgetWeek(now, policy.timeZone).start
  const allOffers = world.providers.flatMap((p) => p.offers)
  const stats = new Map<PartyId, ProviderStats>()
  const candidates = world.providers.map((p): ShortlistCandidate => {
    stats.set(p.party.id, providerStats(p.party.id, p.offers, now))
    return {
      provider: p.party,
      latestApplication: latestOf(p.applications),
      reach: p.reach ?? defaultReach(p.party.id),
      openAssignments: p.offers.filter((o) => o.state === "accepted").length,
      spentThisWeek: p.unlocks.filter((u) => u.at >= weekStart).reduce((n, u) => n + u.credits, 0),
      ...(p.weeklyBudget === undefined ? {} : { weeklyBudget: p.weeklyBudget }),
      whatsAppOptedOut: p.conversation?.optedOut === true,
    }
  })
  return shortlist(
    request,
    candidates,
    {
      now,
      policy,
      offersOnRequest: allOffers.filter((o) => o.requestId === request.id),
      ...(world.leadPriceCredits === undefined ? {} : { leadPriceCredits: world.leadPriceCredits }),
    },
    stats,
  ).ranked
}

/** Scores closer than this are ties as far as the order goes (float rounding in SQL). */
export const scoreTolerance = 1e-9

/**
 * `actual` is the first `limit` of `ranking`, up to the order of near-equal scores: the
 * same length, each entry a real candidate with its score, and position by position the
 * score of the model's entry there.
 */
export const expectSameRanking = (
  actual: ReadonlyArray<RankedProvider>,
  ranking: ReadonlyArray<RankedProvider>,
  limit: number,
): void => {
  const expected = ranking.slice(0, limit)
  const byId = new Map(ranking.map((r) => [r.providerId, r]))
  expect(actual.length).toBe(expected.length)
  expect(new Set(actual.map((r) => r.providerId)).size).toBe(actual.length)
  for (const [i, got] of actual.entries()) {
    const model = byId.get(got.providerId)
    expect(model, `${got.providerId} is not eligible`).toBeDefined()
    expect(Math.abs(got.score - model!.score)).toBeLessThanOrEqual(scoreTolerance)
    expect(got.distanceKm === undefined).toBe(model!.distanceKm === undefined)
    if (got.distanceKm !== undefined) {
      expect(Math.abs(got.distanceKm - model!.distanceKm!)).toBeLessThanOrEqual(1e-6)
    }
    const want = expected[i]!
    if (Math.abs(got.score - want.score) > scoreTolerance) {
      expect(got.providerId, `position ${i}`).toBe(want.providerId)
    }
  }
}

const windowsReach = (providerId: PartyId, now: Instant): ProviderReach => ({
  providerId,
  base: { point: { lat: -26.2041, lng: 28.0473 }, radiusKm: 12.5 },
  availability: {
    _tag: "windows",
    windows: [
      { start: (now - HOUR) as Instant, end: (now + 2 * HOUR) as Instant },
      { start: (now + DAY) as Instant, end: (now + DAY + 1) as Instant },
    ],
  },
  maxOpenAssignments: 4,
})

export type ProviderDirectoryServices =
  | ProviderDirectory
  | PartyRepository
  | ApplicationRepository
  | OfferRepository
  | WalletSettings
  | Ledger
  | ConversationStore

/**
 * The contract every ProviderDirectory adapter keeps, with the differential property at
 * its heart: on random providers, reaches, applications, offers, budgets and requests, the
 * adapter's shortlist is the pure `shortlist` (matching.ops.ts). `makeLayer` must give fresh,
 * empty storage on every call, with the other ports over the same storage.
 */
export const providerDirectoryContract = (
  name: string,
  makeLayer: MakeLayer<ProviderDirectoryServices>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`ProviderDirectory contract: ${name}`, () => {
    it("gives back the reach put last, exactly; none for a provider who never put one", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbPartyId.chain((id) =>
            fc.tuple(
              fc.constant(id),
              arbProviderReach(id, 1_780_000_000_000 as Instant),
              arbProviderReach(id, 1_780_000_000_000 as Instant),
            ),
          ),
          arbPartyId,
          async ([id, first, second], other) => {
            fc.pre(id !== other)
            await run(
              Effect.gen(function* () {
                const directory = yield* ProviderDirectory
                yield* directory.putReach(first)
                expect(Option.getOrUndefined(yield* directory.getReach(id))).toEqual(first)
                yield* directory.putReach(second)
                expect(Option.getOrUndefined(yield* directory.getReach(id))).toEqual(second)
                expect(Option.isNone(yield* directory.getReach(other))).toBe(true)
              }),
            )
          },
        ),
        { numRuns },
      )
    })

    it("keeps coordinates, radius and window instants exactly", async () => {
      const id = "pty_0000000000000000000a" as PartyId
      const now = 1_780_000_000_000 as Instant
      await run(
        Effect.gen(function* () {
          const directory = yield* ProviderDirectory
          yield* directory.putReach(windowsReach(id, now))
          expect(Option.getOrUndefined(yield* directory.getReach(id))).toEqual(
            windowsReach(id, now),
          )
        }),
      )
    })

    it("shortlists exactly what the pure rules rank, in their order (differential)", async () => {
      await fc.assert(
        fc.asyncProperty(arbDirectoryWorld, async (world) => {
          fc.pre(offerIdsUnique(world))
          await run(
            Effect.gen(function* () {
              yield* storeWorld(world)
              const actual = yield* (yield* ProviderDirectory).shortlist(world.request, {
                now: world.now,
                policy: world.policy,
                limit: world.limit,
                ...(world.leadPriceCredits === undefined
                  ? {}
                  : { leadPriceCredits: world.leadPriceCredits }),
              })
              expectSameRanking(actual, expectedRanking(world), world.limit)
            }),
          )
        }),
        { numRuns: numRuns * 2 },
      )
    })

    it("finds a provider by radius alone, and ranks nearer providers first", async () => {
      const now = 1_780_000_000_000 as Instant
      const world = fc.sample(arbDirectoryWorld, { numRuns: 1, seed: 7 })[0]!
      const near = "pty_00000000000000000001" as PartyId
      const far = "pty_00000000000000000002" as PartyId
      const outside = "pty_00000000000000000003" as PartyId
      const provider = (id: PartyId, i: number, km: number, radiusKm: number): WorldProvider => ({
        party: {
          id,
          kind: "provider",
          phone: `+277100000${i}` as Party["phone"],
          cohort: "live",
          channel: "whatsapp",
          status: "active",
          profile: { categories: ["plumbing"], serviceAreas: [], documents: [] },
          createdAt: now,
          updatedAt: now,
        },
        applications: [
          {
            id: `app_0000000000000000000${i}` as Application["id"],
            partyId: id,
            role: "provider",
            state: "approved",
            completeness: 100,
            createdAt: now,
            decidedAt: now,
            decidedBy: "thandi",
            updatedAt: now,
          } as Application,
        ],
        // About 0.009 degrees of latitude per km.
        reach: {
          providerId: id,
          base: { point: { lat: -26.2 + km * 0.009, lng: 28.05 }, radiusKm },
          availability: { _tag: "always" },
          maxOpenAssignments: 3,
        },
        weeklyBudget: undefined,
        unlocks: [],
        offers: [],
        conversation: undefined,
      })
      const scene: DirectoryWorld = {
        now,
        policy: creditsPreset,
        leadPriceCredits: 5,
        limit: 5,
        request: {
          ...world.request,
          category: "plumbing",
          cohort: "live",
          mode: "in_person",
          availability: { _tag: "now" },
          location: { area: "nowhere-listed", point: { lat: -26.2, lng: 28.05 } },
        },
        providers: [
          provider(far, 2, 20, 30),
          provider(outside, 3, 40, 30),
          provider(near, 1, 2, 5),
        ],
      }
      await run(
        Effect.gen(function* () {
          yield* storeWorld(scene)
          const actual = yield* (yield* ProviderDirectory).shortlist(scene.request, {
            now,
            policy: creditsPreset,
            leadPriceCredits: 5,
            limit: 5,
          })
          expect(actual.map((r) => r.providerId)).toEqual([near, far])
          expectSameRanking(actual, expectedRanking(scene), 5)
        }),
      )
    })

    it("leaves out a provider who said stop on WhatsApp and has no email, until they say start", async () => {
      const now = 1_780_000_000_000 as Instant
      const world = fc.sample(arbDirectoryWorld, { numRuns: 1, seed: 11 })[0]!
      const stopped = "pty_00000000000000000001" as PartyId
      const emailed = "pty_00000000000000000002" as PartyId
      const chatting = "pty_00000000000000000003" as PartyId
      const silent = "pty_00000000000000000004" as PartyId
      const provider = (
        id: PartyId,
        i: number,
        email: Email | undefined,
        conversation: WorldProvider["conversation"],
      ): WorldProvider => ({
        party: {
          id,
          kind: "provider",
          phone: `+277100000${i}` as Party["phone"],
          cohort: "live",
          channel: "whatsapp",
          status: "active",
          profile: {
            categories: ["plumbing"],
            serviceAreas: ["soweto"],
            documents: [],
            ...(email === undefined ? {} : { email }),
          },
          createdAt: now,
          updatedAt: now,
        },
        applications: [
          application(`app_0000000000000000000${i}` as ApplicationId, id, "approved", now),
        ],
        reach: undefined,
        weeklyBudget: undefined,
        unlocks: [],
        offers: [],
        conversation,
      })
      const scene: DirectoryWorld = {
        now,
        policy: subscriptionPreset,
        leadPriceCredits: undefined,
        limit: 10,
        request: {
          ...world.request,
          category: "plumbing",
          cohort: "live",
          mode: "in_person",
          availability: { _tag: "now" },
          location: { area: "soweto" },
        },
        providers: [
          provider(stopped, 1, undefined, { optedOut: true, flipped: true }),
          provider(emailed, 2, "sipho@example.com" as Email, { optedOut: true, flipped: false }),
          provider(chatting, 3, undefined, { optedOut: false, flipped: true }),
          provider(silent, 4, undefined, undefined),
        ],
      }
      const listed = Effect.gen(function* () {
        const ranked = yield* (yield* ProviderDirectory).shortlist(scene.request, {
          now,
          policy: scene.policy,
          limit: 10,
        })
        return ranked.map((r) => r.providerId).sort()
      })
      await run(
        Effect.gen(function* () {
          yield* storeWorld(scene)
          // The email address still reaches the one who stopped WhatsApp; "start" again on
          // a phone that never stopped changes nothing.
          expect(yield* listed).toEqual([emailed, chatting, silent])
          expectSameRanking(
            yield* (yield* ProviderDirectory).shortlist(scene.request, {
              now,
              policy: scene.policy,
              limit: 10,
            }),
            expectedRanking(scene),
            10,
          )
          const conversations = yield* ConversationStore
          const parties = yield* PartyRepository
          const session = Option.getOrThrow(
            yield* conversations.find(scene.providers[0]!.party.phone),
          )
          // They say "start": eligible again.
          yield* conversations.save({ ...session, optedOut: false })
          expect(yield* listed).toEqual([stopped, emailed, chatting, silent])
          // The one reached by email removes the address: nothing reaches them now.
          const { email: _email, ...profile } = scene.providers[1]!.party.profile
          yield* parties.update({ ...scene.providers[1]!.party, profile })
          expect(yield* listed).toEqual([stopped, chatting, silent])
          // A provider who never wrote says stop (their first message).
          yield* conversations.save({
            phone: scene.providers[3]!.party.phone,
            channel: "whatsapp",
            optedOut: true,
            updatedAt: now,
          })
          expect(yield* listed).toEqual([stopped, chatting])
        }),
      )
    })
  })
}
