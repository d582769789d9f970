import { Cause, Effect, Exit, type Layer, Option } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { Transfer } from "../../ledger/domain/ledger.ts"
import { ledgerTransfersTable } from "../../ledger/testing/ledger.fake.ts"
import { checkLedger } from "../../ledger/use-cases/check-ledger.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { now as clockNow } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { disclosureStages, type LeadView, stageOf } from "../domain/disclosure.ops.ts"
import { openOfferStates } from "../domain/offer.transitions.ts"
import type { Offer } from "../domain/offer.ts"
import { requestTemplates } from "../domain/request.notifications.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { homeowner, readyRequest, vettedProvider } from "../testing/offer-fixtures.ts"
import { acceptLead } from "./accept-lead.ts"
import { cancelRequest } from "./cancel-request.ts"
import { declineLead } from "./decline-lead.ts"
import { dispatchRequest } from "./dispatch-request.ts"
import { previewLead } from "./preview-lead.ts"
import { proposeTimes } from "./propose-times.ts"
import { unlockLead } from "./unlock-lead.ts"

const MINUTE = 60_000

const policyWith = (
  strategy: "sequential" | "broadcast",
  broadcastSize: number,
  unlocksPerLead: number,
): MarketplacePolicy => ({
  ...creditsPreset,
  credits: { ...creditsPreset.credits, unlocksPerLead },
  dispatch: { ...creditsPreset.dispatch, strategy, broadcastSize },
})

/** Runs a scenario against a fresh in-memory market under the test clock. */
const run = <A, E>(
  policy: MarketplacePolicy,
  effect: Effect.Effect<
    A,
    E,
    Layer.Success<ReturnType<typeof layerInMemory>> | TestClock.TestClock
  >,
) =>
  Effect.runPromise(
    effect.pipe(Effect.provide(layerInMemory(policy)), Effect.provide(TestClock.layer())),
  )

/** A homeowner, `count` vetted providers with credits, and one request dispatched. */
const market = (count: number, credits: number) =>
  Effect.gen(function* () {
    const customer = yield* homeowner()
    const providers: Array<Party> = []
    for (let i = 0; i < count; i++) providers.push(yield* vettedProvider(i, { credits }))
    const request = yield* readyRequest(customer.id)
    yield* dispatchRequest({ requestId: request.id, operator: "thandi" })
    return { customer, providers, request }
  })

const offersOf = (request: ServiceRequest) =>
  Effect.gen(function* () {
    return yield* (yield* OfferRepository).listForRequest(request.id)
  })

const requestNow = (request: ServiceRequest) =>
  Effect.gen(function* () {
    return Option.getOrThrow(yield* (yield* RequestRepository).findById(request.id))
  })

/** The channels of every "nobody was found" message the homeowner got, sorted. */
const unfulfilledNotices = (customer: Party) =>
  Effect.gen(function* () {
    const messages = yield* (yield* Outbox).list({ partyId: customer.id })
    return messages
      .filter((m) => m.template === requestTemplates.unfulfilled)
      .map((m) => m.channel)
      .sort()
  })

const unlockDebits = Effect.gen(function* () {
  const store = yield* InMemoryStore
  return [...store.table<Transfer>(ledgerTransfersTable).values()].filter(
    (t) => t.reason === "lead_unlock",
  )
})

/** Fields a view may hold only from a stage on. */
const fieldStage: ReadonlyArray<readonly [keyof LeadView, LeadView["stage"]]> = [
  ["description", "unlocked"],
  ["photos", "unlocked"],
  ["customerName", "assigned"],
  ["customerPhone", "assigned"],
  ["street", "assigned"],
  ["point", "assigned"],
]

const expectNothingEarly = (view: LeadView) => {
  for (const [field, from] of fieldStage) {
    if (disclosureStages.indexOf(view.stage) < disclosureStages.indexOf(from)) {
      expect(view[field], `${field} at ${view.stage}`).toBeUndefined()
    }
  }
}

describe("offer use cases: properties", () => {
  it("many providers racing to accept one lead give exactly one assignment, one debit per unlock", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), fc.boolean(), async (count, doubleTap) => {
        const policy = policyWith("broadcast", count, count)
        await run(
          policy,
          Effect.gen(function* () {
            const { providers, request } = yield* market(count, 100)
            const offers = yield* offersOf(request)
            expect(offers).toHaveLength(count)
            const ref = (o: Offer) => ({ offerId: o.id, providerId: o.providerId })
            yield* Effect.forEach(offers, (o) => previewLead(ref(o)), { discard: true })
            // Unlocks race too (each twice when double-tapping): one debit per offer.
            const unlocks = doubleTap ? [...offers, ...offers] : offers
            yield* Effect.all(
              unlocks.map((o) => Effect.exit(unlockLead(ref(o)))),
              { concurrency: "unbounded" },
            )
            const accepts = yield* Effect.all(
              offers.map((o) => Effect.exit(acceptLead(ref(o)))),
              { concurrency: "unbounded" },
            )
            expect(accepts.filter(Exit.isSuccess)).toHaveLength(1)
            const after = yield* requestNow(request)
            expect(after.state).toBe("assigned")
            const closed = yield* offersOf(request)
            const accepted = closed.filter((o) => o.state === "accepted")
            expect(accepted).toHaveLength(1)
            expect(after.assignedProviderId).toBe(accepted[0]!.providerId)
            const debits = yield* unlockDebits
            expect(debits).toHaveLength(count)
            expect(new Set(debits.map((d) => d.id)).size).toBe(count)
            expect((yield* checkLedger()).ok).toBe(true)
            expect(providers).toHaveLength(count)
          }),
        )
      }),
      { numRuns: 20 },
    )
  })

  type Command =
    | { readonly op: "preview" | "unlock" | "accept" | "decline"; readonly who: number }
    | { readonly op: "propose"; readonly who: number; readonly valid: boolean }
    | { readonly op: "dispatch" }
    /** Ops cancel the request: its open offers must close with it. */
    | { readonly op: "cancel" }
    | { readonly op: "wait"; readonly minutes: number }
    | { readonly op: "suspend"; readonly who: number }
    /** The provider's natural next move on its offer: preview, then unlock, then accept. */
    | { readonly op: "step"; readonly who: number; readonly propose: boolean }

  const arbCommand = (providers: number): fc.Arbitrary<Command> => {
    const who = fc.integer({ min: 0, max: providers - 1 })
    return fc.oneof(
      {
        arbitrary: fc.record({ op: fc.constantFrom("preview", "unlock", "accept"), who }),
        weight: 6,
      },
      { arbitrary: fc.record({ op: fc.constant("decline"), who }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("propose"), who, valid: fc.boolean() }), weight: 1 },
      { arbitrary: fc.constant({ op: "dispatch" } as const), weight: 1 },
      { arbitrary: fc.constant({ op: "cancel" } as const), weight: 1 },
      {
        arbitrary: fc.record({
          op: fc.constant("wait"),
          minutes: fc.integer({ min: 1, max: 150 }),
        }),
        weight: 1,
      },
      { arbitrary: fc.record({ op: fc.constant("suspend"), who }), weight: 1 },
      { arbitrary: fc.record({ op: fc.constant("step"), who, propose: fc.boolean() }), weight: 8 },
    ) as fc.Arbitrary<Command>
  }

  const reached = new Map<string, number>()

  /** One provider with credits, one lead offered to it, then `commands`. */
  const oneProvider = (commands: ReadonlyArray<Command>) => ({
    c: {
      providers: 1,
      strategy: "sequential" as const,
      broadcastSize: 1,
      unlocksPerLead: 1,
      credits: 100 as const,
    },
    commands: [...commands],
  })

  it("through any sequence: no view shows a stage early, a decline moves dispatch on, at most one assignment, a cancel leaves no offer open, an unfulfilled request tells its homeowner once and no other does, failures write nothing", async () => {
    const arbCase = fc
      .record({
        providers: fc.integer({ min: 1, max: 4 }),
        strategy: fc.constantFrom("sequential" as const, "broadcast" as const),
        broadcastSize: fc.integer({ min: 1, max: 3 }),
        unlocksPerLead: fc.integer({ min: 1, max: 3 }),
        credits: fc.constantFrom(0, 10, 25, 100),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          commands: fc.array(arbCommand(c.providers), { minLength: 1, maxLength: 25 }),
        }),
      )
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ c, commands }) => {
        const policy = policyWith(c.strategy, c.broadcastSize, c.unlocksPerLead)
        await run(
          policy,
          Effect.gen(function* () {
            const store = yield* InMemoryStore
            const { customer, providers, request } = yield* market(c.providers, c.credits)
            const offerOf = (who: number) =>
              Effect.map(offersOf(request), (offers) =>
                offers.find((o) => o.providerId === providers[who]!.id),
              )
            const checkView = (view: LeadView, who: number) =>
              Effect.gen(function* () {
                expectNothingEarly(view)
                const offer = (yield* offerOf(who))!
                // The view is exactly the stage the rules allow now, never a later one.
                expect(view.stage).toBe(stageOf(offer, yield* requestNow(request)))
              })
            for (const generated of commands) {
              const stepState =
                generated.op === "step" ? (yield* offerOf(generated.who))?.state : undefined
              const command: Command =
                generated.op === "step" && generated.propose && stepState === "unlocked"
                  ? { op: "propose", who: generated.who, valid: true }
                  : generated.op === "step"
                    ? {
                        op: (() => {
                          switch (stepState) {
                            case "previewed":
                              return "unlock" as const
                            case "unlocked":
                            case "times_proposed":
                              return "accept" as const
                            default:
                              return "preview" as const
                          }
                        })(),
                        who: generated.who,
                      }
                    : generated
              if (command.op === "wait") {
                yield* TestClock.adjust(command.minutes * MINUTE)
                continue
              }
              if (command.op === "suspend") {
                // Suspended mid-way: from now on the provider may not unlock.
                const parties = yield* PartyRepository
                yield* parties.update({ ...providers[command.who]!, status: "suspended" })
                continue
              }
              const before = yield* store.snapshot
              const offer = "who" in command ? yield* offerOf(command.who) : undefined
              if ("who" in command && offer === undefined) continue
              const ref =
                offer === undefined
                  ? undefined
                  : { offerId: offer.id, providerId: offer.providerId }
              // A day ahead of the test clock: proposed times are in the near future.
              const at = (yield* clockNow) + 24 * 60 * MINUTE
              const slot = (h: number) => ({
                start: at + h * 3_600_000,
                end: at + (h + 1) * 3_600_000,
              })
              const exit = yield* Effect.exit(
                (() => {
                  switch (command.op) {
                    case "dispatch":
                      return dispatchRequest({ requestId: request.id })
                    case "cancel":
                      return cancelRequest({
                        requestId: request.id,
                        operator: "thandi",
                        reason: "homeowner phoned",
                      })
                    case "preview":
                      return Effect.tap(previewLead(ref!), (v) => checkView(v, command.who))
                    case "unlock":
                      return Effect.tap(unlockLead(ref!), (v) => checkView(v, command.who))
                    case "accept":
                      return Effect.tap(acceptLead(ref!), (v) => checkView(v, command.who))
                    case "propose":
                      return proposeTimes({
                        ...ref!,
                        slots: command.valid
                          ? [slot(1), slot(3), slot(5)]
                          : [slot(1), slot(1), slot(5)],
                      })
                    case "decline":
                      return Effect.tap(declineLead(ref!), (outcome) =>
                        Effect.sync(() => {
                          const next = outcome.next.decision._tag
                          // Another offer, unfulfilled, or (broadcast) others still in play.
                          if (next === "Wait") {
                            expect(outcome.next.decision).toMatchObject({
                              live: expect.any(Number),
                            })
                            expect(
                              (outcome.next.decision as { live: number }).live,
                            ).toBeGreaterThan(0)
                          } else {
                            expect(["Offer", "Unfulfilled"]).toContain(next)
                          }
                          if (next === "Unfulfilled") {
                            expect(outcome.next.request.state).toBe("unfulfilled")
                          }
                        }),
                      )
                  }
                })() as Effect.Effect<unknown, unknown, never>,
              )
              reached.set(
                `${command.op}:${Exit.isSuccess(exit) ? "ok" : "failed"}`,
                (reached.get(`${command.op}:${Exit.isSuccess(exit) ? "ok" : "failed"}`) ?? 0) + 1,
              )
              if (Exit.isFailure(exit)) {
                // Expectation failures are defects: rethrow them; domain failures write nothing.
                if (Cause.hasDies(exit.cause)) return yield* Effect.failCause(exit.cause)
                expect(yield* store.snapshot).toEqual(before)
              }
              const now = yield* offersOf(request)
              expect(now.filter((o) => o.state === "accepted").length).toBeLessThanOrEqual(1)
              const state = (yield* requestNow(request)).state
              // A cancelled request leaves no offer open: nobody can unlock or accept it.
              if (state === "cancelled") {
                expect(now.filter((o) => openOfferStates.includes(o.state))).toEqual([])
              }
              // The homeowner hears "nobody was found" once (one message per channel: the
              // fixture's homeowner has an email address) from the moment dispatch gives up,
              // whatever runs after (a dispatch again, a cancel); otherwise never.
              expect(yield* unfulfilledNotices(customer), `notices while ${state}`).toEqual(
                state === "unfulfilled" ? ["email", "whatsapp"] : [],
              )
            }
            const final = yield* requestNow(request)
            reached.set(`ended:${final.state}`, (reached.get(`ended:${final.state}`) ?? 0) + 1)
            const offers = yield* offersOf(request)
            if (final.state === "assigned") {
              const accepted = offers.filter((o) => o.state === "accepted")
              expect(accepted.map((o) => o.providerId)).toEqual([final.assignedProviderId])
            }
            expect((yield* unlockDebits).length).toBe(
              offers.filter((o) => o.creditsCharged !== undefined).length,
            )
            expect((yield* checkLedger()).ok).toBe(true)
          }),
        )
      }),
      {
        numRuns: 100,
        // Run first, so every outcome below is reached whatever the seed: proposed times, an
        // accept, and a dispatch refused after the assignment, which random sequences reach only
        // a few times in a hundred runs (a dispatch refused about one run in a hundred).
        examples: [
          [
            oneProvider([
              { op: "step", who: 0, propose: false },
              { op: "step", who: 0, propose: false },
              { op: "step", who: 0, propose: false },
              { op: "dispatch" },
              { op: "cancel" },
            ]),
          ],
          [
            oneProvider([
              { op: "step", who: 0, propose: false },
              { op: "step", who: 0, propose: false },
              { op: "step", who: 0, propose: true },
              { op: "cancel" },
            ]),
          ],
          // The only provider declines: unfulfilled; dispatching again and cancelling are
          // refused then, and must not tell the homeowner a second time.
          [
            oneProvider([
              { op: "step", who: 0, propose: false },
              { op: "decline", who: 0 },
              { op: "dispatch" },
              { op: "cancel" },
              { op: "dispatch" },
            ]),
          ],
        ],
      },
    )
    // The generator must reach every use case succeeding and failing, or it proves little.
    for (const op of ["dispatch", "preview", "unlock", "accept", "decline", "propose", "cancel"]) {
      expect(reached.get(`${op}:ok`) ?? 0, `${op} succeeded`).toBeGreaterThan(0)
      expect(reached.get(`${op}:failed`) ?? 0, `${op} failed`).toBeGreaterThan(0)
    }
    // ...and every way a request ends, so the homeowner-notice invariant is tested both ways.
    for (const state of ["dispatching", "assigned", "unfulfilled", "cancelled"]) {
      expect(reached.get(`ended:${state}`) ?? 0, `ended ${state}`).toBeGreaterThan(0)
    }
  })
})
