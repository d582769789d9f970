import { Clock, Effect, Option, Result } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { PartyId } from "../../shared/ids.ts"
import { InMemoryStore, type StoreSnapshot } from "../../shared/testing/in-memory-store.ts"
import { DAY_MS } from "../../shared/time.ts"
import { applicationTransitions, openApplicationStates } from "../domain/application.transitions.ts"
import type { Application } from "../domain/application.ts"
import { isVetted } from "../domain/party.ops.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { PartyRepository } from "../ports/party-repository.ts"
import { applicationsTable } from "../testing/application-repository.fake.ts"
import { layerInMemory } from "../testing/layer-in-memory.ts"
import { arbPartyKind, arbProfilePatch } from "../testing/vetting.arbitraries.ts"
import { activateParty } from "./activate-party.ts"
import { approveApplication } from "./approve-application.ts"
import { deactivateParty } from "./deactivate-party.ts"
import { getParty } from "./queries.ts"
import { reapply } from "./reapply.ts"
import { recordBackgroundCheck } from "./record-background-check.ts"
import { reinstateParty } from "./reinstate-party.ts"
import { rejectApplication } from "./reject-application.ts"
import { requestBackgroundCheck } from "./request-background-check.ts"
import type { VettingServices } from "./services.ts"
import { signUp } from "./sign-up.ts"
import { startReview } from "./start-review.ts"
import { submitApplication } from "./submit-application.ts"
import { suspendParty } from "./suspend-party.ts"
import { updateProfile } from "./update-profile.ts"

/**
 * One thing someone does. Parties are picked by index among those that exist; an
 * operator's step on an application acts on that party's latest application.
 */
type Step =
  | {
      readonly op: "signUp"
      readonly kind: "customer" | "provider"
      readonly phone: number
      readonly profile: object
    }
  | { readonly op: "updateProfile"; readonly party: number; readonly profile: object }
  | { readonly op: "submit" | "reapply"; readonly party: number }
  | { readonly op: "activate" | "deactivate" | "suspend" | "reinstate"; readonly party: number }
  | { readonly op: "startReview" | "requestCheck" | "approve" | "reject"; readonly party: number }
  | { readonly op: "recordCheck"; readonly party: number; readonly result: "passed" | "failed" }
  | { readonly op: "wait"; readonly ms: number }

interface Attempt {
  readonly step: Step
  /** Let this many writes through, then fail the next: a crash half-way. */
  readonly crashAfter: number | undefined
}

const arbSignUp = fc.record({
  op: fc.constant("signUp" as const),
  kind: arbPartyKind,
  phone: fc.nat(3),
  profile: arbProfilePatch,
})
const party = (op: "submit" | "reapply" | "activate" | "deactivate" | "suspend" | "reinstate") =>
  fc.record({ op: fc.constant(op), party: fc.nat(3) })
const application = (op: "startReview" | "requestCheck" | "approve" | "reject") =>
  fc.record({ op: fc.constant(op), party: fc.nat(3) })

/** Weighted towards the review path, so random runs get as far as approval and re-application. */
const arbStep: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: arbSignUp, weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant("updateProfile" as const),
      party: fc.nat(3),
      profile: arbProfilePatch,
    }),
    weight: 2,
  },
  { arbitrary: party("submit"), weight: 4 },
  { arbitrary: party("reapply"), weight: 3 },
  { arbitrary: application("startReview"), weight: 4 },
  { arbitrary: application("requestCheck"), weight: 4 },
  {
    arbitrary: fc.record({
      op: fc.constant("recordCheck" as const),
      party: fc.nat(3),
      result: fc.constantFrom("passed" as const, "failed" as const),
    }),
    weight: 4,
  },
  { arbitrary: application("approve"), weight: 4 },
  { arbitrary: application("reject"), weight: 1 },
  { arbitrary: party("activate"), weight: 1 },
  { arbitrary: party("deactivate"), weight: 1 },
  { arbitrary: party("suspend"), weight: 1 },
  { arbitrary: party("reinstate"), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant("wait" as const),
      ms: fc.oneof(fc.nat(DAY_MS), fc.constant(90 * DAY_MS - 1), fc.constant(1)),
    }),
    weight: 2,
  },
)

const arbAttempt: fc.Arbitrary<Attempt> = fc.record({
  step: arbStep,
  crashAfter: fc.option(fc.nat(5), { nil: undefined, freq: 10 }),
})

/**
 * The whole review of one party's application, then what may follow: status changes, a
 * wait around the lockout's end, and re-application. Every step may crash.
 */
const arbReview: fc.Arbitrary<ReadonlyArray<Attempt>> = fc
  .record({
    party: fc.nat(3),
    result: fc.constantFrom("passed" as const, "failed" as const),
    decision: fc.constantFrom("approve" as const, "approve" as const, "reject" as const),
    statusOps: fc.shuffledSubarray(["suspend", "reinstate", "deactivate", "activate"] as const),
    wait: fc.constantFrom(0, 1, 90 * DAY_MS - 1, 90 * DAY_MS, 400 * DAY_MS),
    crashes: fc.infiniteStream(fc.option(fc.nat(5), { nil: undefined, freq: 10 })),
  })
  .map(({ party, result, decision, statusOps, wait, crashes }) => {
    const steps: ReadonlyArray<Step> = [
      { op: "submit", party },
      { op: "startReview", party },
      { op: "requestCheck", party },
      { op: "recordCheck", party, result },
      { op: decision, party },
      ...statusOps.map((op) => ({ op, party })),
      { op: "wait", ms: wait },
      { op: "reapply", party },
    ]
    const crash = crashes[Symbol.iterator]()
    return steps.map((step): Attempt => ({ step, crashAfter: crash.next().value }))
  })

/** Journeys start with people signing up; then single steps and whole reviews, interleaved. */
const arbJourney = fc
  .tuple(
    fc.array(
      arbSignUp.map((step): Attempt => ({ step, crashAfter: undefined })),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    fc.array(
      fc.oneof(
        arbAttempt.map((a) => [a]),
        arbReview,
      ),
      { minLength: 5, maxLength: 25 },
    ),
  )
  .map(([signUps, rest]) => [...signUps, ...rest.flat()])

/** A well-formed id that names nothing, so "not found" paths are exercised too. */
const nobody = "pty_00000000000000000000"
const nothing = "app_00000000000000000000"

const pick = <A>(items: ReadonlyArray<A>, index: number): A | undefined =>
  items.length === 0 ? undefined : items[index % items.length]

const run = (step: Step): Effect.Effect<unknown, { readonly _tag: string }, VettingServices> =>
  Effect.gen(function* () {
    const parties = yield* (yield* PartyRepository).list({})
    const partyId = "party" in step ? (pick(parties, step.party)?.id ?? nobody) : nobody
    const latest = yield* (yield* ApplicationRepository).latestForParty(partyId as PartyId)
    const applicationId = Option.match(latest, { onNone: () => nothing, onSome: (a) => a.id })
    const byOps = { operator: "thandi", reason: "property test" }
    switch (step.op) {
      case "signUp":
        return yield* signUp({
          kind: step.kind,
          phone: `+2782000000${step.phone}`,
          profile: step.profile,
        })
      case "updateProfile":
        return yield* updateProfile({ partyId, profile: step.profile })
      case "submit":
        return yield* submitApplication({ partyId })
      case "reapply":
        return yield* reapply({ partyId })
      case "activate":
        return yield* activateParty({ partyId, ...byOps })
      case "deactivate":
        return yield* deactivateParty({ partyId, ...byOps })
      case "suspend":
        return yield* suspendParty({ partyId, ...byOps })
      case "reinstate":
        return yield* reinstateParty({ partyId, ...byOps })
      case "startReview":
        return yield* startReview({ applicationId, ...byOps })
      case "requestCheck":
        return yield* requestBackgroundCheck({ applicationId, ...byOps })
      case "approve":
        return yield* approveApplication({ applicationId, ...byOps })
      case "reject":
        return yield* rejectApplication({ applicationId, ...byOps })
      case "recordCheck":
        return yield* recordBackgroundCheck({ applicationId, result: step.result, ...byOps })
      case "wait":
        return yield* TestClock.adjust(step.ms)
    }
  })

const tableAllows = (from: Application["state"], to: Application["state"]) =>
  Object.values(applicationTransitions[from]).some((targets) => targets?.includes(to))

const applicationsIn = (snapshot: StoreSnapshot) =>
  (snapshot.tables.get(applicationsTable) ?? new Map()) as ReadonlyMap<string, Application>

/** The rules that must hold after every step, whatever happened before. */
const checkInvariants = (policy: MarketplacePolicy, before: StoreSnapshot, after: StoreSnapshot) =>
  Effect.gen(function* () {
    // Applications only move along the table; new ones start submitted.
    for (const [id, next] of applicationsIn(after)) {
      const previous = applicationsIn(before).get(id)
      if (previous === undefined) expect(next.state).toBe("submitted")
      else if (previous.state !== next.state)
        expect(tableAllows(previous.state, next.state)).toBe(true)
    }
    const at = yield* Clock.currentTimeMillis
    for (const party of yield* (yield* PartyRepository).list({})) {
      const view = yield* getParty({ partyId: party.id })
      const latest = view.latestApplication
      // The lead gate: no pending, inactive, suspended or unapproved provider is eligible.
      if (party.status !== "active" || latest?.state !== "approved" || party.kind !== "provider") {
        expect(view.leadEligible).toBe(false)
      } else {
        expect(view.leadEligible).toBe(true)
      }
      // A vetted party is active only with an approved application.
      if (party.status === "active" && isVetted(party.kind, policy)) {
        expect(latest?.state).toBe("approved")
      }
      const mine = [...applicationsIn(after).values()].filter((a) => a.partyId === party.id)
      expect(
        mine.filter((a) => openApplicationStates.includes(a.state)).length,
      ).toBeLessThanOrEqual(1)
      // A party with a lockout still running has not applied again.
      const newest = mine.sort((a, b) => b.createdAt - a.createdAt)[0]
      const locked = mine.filter((a) => a.reapplyAfter !== undefined && a.reapplyAfter > at)
      for (const lock of locked) expect(newest?.id).toBe(lock.id)
    }
  })

/** What the runs got up to, so the test can insist the interesting paths were taken. */
const seen = new Map<string, number>()
const note = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1)

const simulate = (policy: MarketplacePolicy, attempts: ReadonlyArray<Attempt>) =>
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const audit = yield* AuditLog
    for (const { step, crashAfter } of attempts) {
      const before = yield* store.snapshot
      const auditBefore = (yield* audit.list({})).length
      yield* store.failAfterWrites(crashAfter)
      const outcome = yield* Effect.result(run(step))
      yield* store.failAfterWrites(undefined)
      const after = yield* store.snapshot
      const auditAfter = (yield* audit.list({})).length
      note(`${step.op}: ${Result.isFailure(outcome) ? outcome.failure._tag : "ok"}`)
      if (Result.isFailure(outcome)) {
        // Failed use cases leave no trace: not a row, not an audit entry, not a message.
        expect(after).toEqual(before)
      } else if (step.op !== "wait") {
        expect(auditAfter - auditBefore).toBe(1)
      }
      yield* checkInvariants(policy, before, after)
    }
  })

describe("vetting use cases, random journeys", () => {
  it("every change writes exactly one audit row, failures write nothing, and the gates hold", async () => {
    await fc.assert(
      fc.asyncProperty(arbPolicy, arbJourney, (policy, attempts) =>
        Effect.runPromise(
          simulate(policy, attempts).pipe(
            Effect.provide(layerInMemory(policy)),
            Effect.provide(TestClock.layer()),
          ),
        ),
      ),
      { numRuns: 150 },
    )
    // The runs went down every road that matters, so the checks above were put to work.
    for (const outcome of [
      "approve: ok",
      "approve: BackgroundCheckNotPassed",
      "recordCheck: ok",
      "reject: ok",
      "reapply: ok",
      "reapply: ReapplyLockedOut",
      "submit: ProfileIncomplete",
      "suspend: ok",
      "reinstate: ok",
      "deactivate: ok",
      "activate: ok",
      "activate: ApprovalRequired",
      "approve: PersistenceUnavailable",
      "submit: PersistenceUnavailable",
    ]) {
      expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(0)
    }
  })
})

describe("the re-application lockout, through the use cases", () => {
  it("ends exactly at decidedAt + cooldown: 1 ms earlier fails with ReapplyLockedOut{until}", async () => {
    const provider = {
      kind: "provider",
      phone: "+27821234567",
      profile: {
        displayName: "Lindiwe",
        categories: ["electrical"],
        serviceAreas: ["soweto"],
        documents: ["id.pdf"],
        experienceYears: 4,
        bio: "Wiring and DB boards",
      },
    }
    await fc.assert(
      fc.asyncProperty(
        arbPolicy,
        fc.nat(30 * DAY_MS),
        fc.integer({ min: 1, max: 400 }),
        (base, startAt, cooldownDays) => {
          const policy = {
            ...base,
            vetting: { ...base.vetting, reapplyCooldownDays: cooldownDays, minimumCompleteness: 0 },
          }
          const byOps = { operator: "amara", reason: "check came back" }
          return Effect.runPromise(
            Effect.gen(function* () {
              yield* TestClock.adjust(startAt)
              const party = yield* signUp(provider)
              const { id: applicationId } = yield* submitApplication({ partyId: party.id })
              yield* startReview({ applicationId, ...byOps })
              yield* requestBackgroundCheck({ applicationId, ...byOps })
              const rejected = yield* recordBackgroundCheck({
                applicationId,
                result: "failed",
                ...byOps,
              })
              const until = rejected.decidedAt! + cooldownDays * DAY_MS
              expect(rejected.reapplyAfter).toBe(until)
              yield* TestClock.setTime(until - 1)
              for (const attempt of [reapply, submitApplication]) {
                const refused = yield* Effect.flip(attempt({ partyId: party.id }))
                expect(refused).toMatchObject({
                  _tag: "ReapplyLockedOut",
                  partyId: party.id,
                  until,
                })
              }
              yield* TestClock.setTime(until)
              expect((yield* reapply({ partyId: party.id })).state).toBe("submitted")
            }).pipe(Effect.provide(layerInMemory(policy)), Effect.provide(TestClock.layer())),
          )
        },
      ),
      { numRuns: 50 },
    )
  })
})
