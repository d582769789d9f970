import { Effect, Option } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { arbAuditEntry } from "../../audit/testing/audit.arbitraries.ts"
import { SecureLinks } from "../../links/ports/secure-links.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { arbOutboxMessage } from "../../notifications/testing/outbox.arbitraries.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import type { Instant } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { openApplicationStates } from "../../vetting/domain/application.transitions.ts"
import type { Application } from "../../vetting/domain/application.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { arbApplication, arbParty } from "../../vetting/testing/vetting.arbitraries.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import type { Offer } from "../domain/offer.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { LeadStore, type LockedLead } from "../ports/lead-store.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { arbOfferId } from "./dispatch.arbitraries.ts"
import { arbOffer } from "./offer-repository.arbitraries.ts"
import { arbServiceRequest } from "./request-repository.arbitraries.ts"

type Services =
  | LeadStore
  | OfferRepository
  | RequestRepository
  | PartyRepository
  | ApplicationRepository
  | WalletSettings
  | AuditLog
  | Outbox
  | SecureLinks

interface LeadWorld {
  readonly parties: ReadonlyArray<Party>
  readonly applications: ReadonlyArray<Application>
  readonly budgets: ReadonlyArray<{ readonly partyId: Party["id"]; readonly budget: number }>
  readonly requests: ReadonlyArray<ServiceRequest>
  readonly offers: ReadonlyArray<Offer>
}

/**
 * Homeowners, providers (some with an application or two, some with a weekly budget), a
 * few requests of them and offers on those requests (one per request x provider), with a
 * provider or a request sometimes missing, as a broken row would leave it.
 */
const arbLeadWorld: fc.Arbitrary<LeadWorld> = fc
  .record({
    customers: fc.uniqueArray(arbParty({ kind: "customer" }), {
      minLength: 1,
      maxLength: 2,
      selector: (p) => p.phone,
    }),
    providers: fc.uniqueArray(arbParty({ kind: "provider" }), {
      minLength: 1,
      maxLength: 4,
      selector: (p) => p.phone,
    }),
    requests: fc.array(arbServiceRequest(), { minLength: 1, maxLength: 3 }),
    offers: fc.array(arbOffer(), { minLength: 1, maxLength: 8 }),
    picks: fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
    applications: fc.uniqueArray(arbApplication(), { maxLength: 4, selector: (a) => a.id }),
    budgets: fc.array(fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), {
      minLength: 4,
      maxLength: 4,
    }),
  })
  .map(({ customers, providers, requests, offers, picks, applications, budgets }) => {
    const pick = <A>(from: ReadonlyArray<A>, i: number): A =>
      from[picks[i % picks.length]! % from.length]!
    // Phones are unique across all parties; ids too.
    const seen = new Set<string>()
    const parties = [...customers, ...providers].filter((p) => {
      const fresh = !seen.has(p.phone) && !seen.has(p.id)
      seen.add(p.phone)
      seen.add(p.id)
      return fresh
    })
    const kept = (kind: Party["kind"]) => parties.filter((p) => p.kind === kind)
    const homeowners = kept("customer")
    const pros = kept("provider")
    const requestIds = new Set<string>()
    const placed = requests
      .filter((r) => !requestIds.has(r.id) && requestIds.add(r.id))
      .map((r, i) => ({ ...r, customerId: pick(homeowners, i).id }))
    const pairs = new Set<string>()
    const offerIds = new Set<string>()
    const placedOffers = offers.flatMap((o, i) => {
      const request = pick(placed, i + 3)
      // One offer in eight names a provider with no party row.
      const providerId = i % 8 === 7 ? o.providerId : pick(pros, i + 11).id
      const pair = `${request.id}/${providerId}`
      if (pairs.has(pair) || offerIds.has(o.id)) return []
      pairs.add(pair)
      offerIds.add(o.id)
      return [{ ...o, requestId: request.id, providerId }]
    })
    // At most one application still being decided per provider (a database index says so).
    const open = new Set<string>()
    const placedApplications = applications.flatMap((a, i) => {
      const partyId = pick(pros, i + 17).id
      const deciding = openApplicationStates.includes(a.state)
      if (deciding && open.has(partyId)) return []
      if (deciding) open.add(partyId)
      return [{ ...a, partyId }]
    })
    return {
      parties,
      applications: placedApplications,
      budgets: pros.flatMap((p, i) =>
        budgets[i] === undefined ? [] : [{ partyId: p.id, budget: budgets[i]! }],
      ),
      // One request in four is missing (its offers point nowhere).
      requests: placed.filter((_, i) => i % 4 !== 3),
      offers: placedOffers,
    }
  })

const store = (world: LeadWorld) =>
  Effect.gen(function* () {
    const parties = yield* PartyRepository
    for (const party of world.parties) yield* parties.insert(party)
    const applications = yield* ApplicationRepository
    for (const application of world.applications) yield* applications.insert(application)
    const wallets = yield* WalletSettings
    for (const { partyId, budget } of world.budgets) {
      yield* wallets.put({ partyId, weeklyCreditBudget: budget })
    }
    const requests = yield* RequestRepository
    for (const request of world.requests) yield* requests.insert(request)
    const offers = yield* OfferRepository
    for (const offer of world.offers) yield* offers.insert(offer)
  })

/** The lead as the separate repositories tell it: what `lock` must give back. */
const leadFromRepositories = (offerId: Offer["id"]) =>
  Effect.gen(function* () {
    const offers = yield* OfferRepository
    const offer = yield* offers.findById(offerId)
    if (Option.isNone(offer)) return undefined
    const request = yield* (yield* RequestRepository).findById(offer.value.requestId)
    if (Option.isNone(request)) return undefined
    const all = yield* offers.listForRequest(request.value.id)
    const parties = new Map<Party["id"], Party>()
    for (const id of [request.value.customerId, ...all.map((o) => o.providerId)]) {
      const party = yield* (yield* PartyRepository).findById(id)
      if (Option.isSome(party)) parties.set(id, party.value)
    }
    return {
      request: request.value,
      offer: offer.value,
      offers: all,
      parties,
      application: Option.getOrUndefined(
        yield* (yield* ApplicationRepository).latestForParty(offer.value.providerId),
      ),
      wallet: yield* (yield* WalletSettings).get(offer.value.providerId),
    } satisfies LockedLead
  })

/**
 * The contract every LeadStore adapter keeps: `lock` reads exactly what the separate
 * repositories hold (so a one-statement version cannot drift from them), and `save` writes
 * what they then read back, with the transaction's held audit entries, outbox messages and
 * links, or nothing at all.
 * `makeLayer` gives fresh, empty storage on every call, with the repositories `LeadStore`
 * reads.
 */
export const leadStoreContract = (
  name: string,
  makeLayer: MakeLayer<Services>,
  options: ContractOptions = {},
): void => {
  const run = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns

  describe(`LeadStore contract: ${name}`, () => {
    it("locks and reads every offer's lead as the repositories hold it; no lead for an unknown offer", async () => {
      await fc.assert(
        fc.asyncProperty(arbLeadWorld, arbOfferId, fc.boolean(), (world, unknown, lockProvider) =>
          run(
            Effect.gen(function* () {
              yield* store(world)
              const leads = yield* LeadStore
              const tx = yield* Transactions
              for (const offer of world.offers) {
                const locked = yield* tx.run(leads.lock(offer.id, { lockProvider }))
                expect(Option.getOrUndefined(locked)).toEqual(yield* leadFromRepositories(offer.id))
              }
              if (!world.offers.some((o) => o.id === unknown)) {
                expect(Option.isNone(yield* leads.lock(unknown))).toBe(true)
              }
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("saves offers and a request with the transaction's held audit entries, messages and links, or none of it", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbLeadWorld,
          fc.array(arbOffer(), { minLength: 8, maxLength: 8 }),
          arbServiceRequest(),
          fc.uniqueArray(arbAuditEntry, { maxLength: 3, selector: (e) => e.id }),
          fc.uniqueArray(arbOutboxMessage, { maxLength: 3, selector: (m) => m.dedupeKey }),
          fc.boolean(),
          fc.boolean(),
          (world, changes, requestChanges, entries, messages, link, commit) =>
            run(
              Effect.gen(function* () {
                yield* store(world)
                const target = world.offers[0]!
                const request = world.requests.find((r) => r.id === target.requestId)
                // Every offer on the target's request changes, each to other contents.
                const before = world.offers.filter((o) => o.requestId === target.requestId)
                const after = before.map((o, i) => ({
                  ...changes[i % changes.length]!,
                  id: o.id,
                  requestId: o.requestId,
                }))
                const newRequest =
                  request === undefined ? undefined : { ...requestChanges, id: request.id }
                const outboxIds = new Set<string>()
                const queued = messages.filter((m) => !outboxIds.has(m.id) && outboxIds.add(m.id))
                const save = Effect.gen(function* () {
                  for (const entry of entries) yield* (yield* AuditLog).record(entry)
                  if (queued.length > 0) yield* (yield* Outbox).enqueue(queued)
                  if (link) {
                    yield* (yield* SecureLinks).issue({
                      partyId: target.providerId,
                      scope: "lead",
                      objectId: target.id,
                      expiresAt: (target.offeredAt + 86_400_000) as Instant,
                    })
                  }
                  yield* (yield* LeadStore).save({
                    offers: after,
                    ...(newRequest === undefined ? {} : { request: newRequest }),
                  })
                })
                if (commit) yield* (yield* Transactions).run(save)
                else yield* inFailingTransaction(save)

                const offers = yield* OfferRepository
                for (const [i, offer] of before.entries()) {
                  expect(Option.getOrUndefined(yield* offers.findById(offer.id))).toEqual(
                    commit ? after[i] : offer,
                  )
                }
                if (request !== undefined) {
                  expect(
                    Option.getOrUndefined(yield* (yield* RequestRepository).findById(request.id)),
                  ).toEqual(commit ? newRequest : request)
                }
                const logged = yield* (yield* AuditLog).list({})
                expect(logged.map((e) => e.id).sort()).toEqual(
                  commit ? entries.map((e) => e.id).sort() : [],
                )
                const sent = yield* (yield* Outbox).list({})
                expect(sent.map((m) => m.id).sort()).toEqual(
                  commit ? queued.map((m) => m.id).sort() : [],
                )
                const links = yield* (yield* SecureLinks).listForParty(target.providerId)
                expect(links.map((l) => l.objectId)).toEqual(commit && link ? [target.id] : [])
              }),
            ),
        ),
        { numRuns },
      )
    })
  })
}
