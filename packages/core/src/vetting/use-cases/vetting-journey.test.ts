import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { DAY_MS } from "../../shared/time.ts"
import { ContactBook } from "../ports/contact-book.ts"
import { layerBackgroundCheckUnavailable } from "../testing/background-check.fake.ts"
import { layerInMemory } from "../testing/layer-in-memory.ts"
import { activateParty } from "./activate-party.ts"
import { approveApplication } from "./approve-application.ts"
import { deactivateParty } from "./deactivate-party.ts"
import { getParty, listApplications, listAudit } from "./queries.ts"
import { reapply } from "./reapply.ts"
import { recordBackgroundCheck } from "./record-background-check.ts"
import { reinstateParty } from "./reinstate-party.ts"
import { rejectApplication } from "./reject-application.ts"
import { requestBackgroundCheck } from "./request-background-check.ts"
import { signUp } from "./sign-up.ts"
import { startReview } from "./start-review.ts"
import { submitApplication } from "./submit-application.ts"
import { suspendParty } from "./suspend-party.ts"
import { updateProfile } from "./update-profile.ts"

const fullProfile = {
  displayName: "Sipho Dube",
  email: "sipho@example.com",
  categories: ["plumbing"],
  serviceAreas: ["soweto"],
  experienceYears: 12,
  bio: "Geysers, burst pipes, blocked drains.",
  documents: ["id/sipho.pdf"],
  availability: "weekdays 08:00-17:00",
}

const ops = (applicationId: string, reason = "checked by ops") => ({
  applicationId,
  operator: "thandi",
  reason,
})

/** A provider with a complete profile and a submitted application. */
const applied = Effect.gen(function* () {
  const party = yield* signUp({ kind: "provider", phone: "+27821234567", profile: fullProfile })
  const application = yield* submitApplication({ partyId: party.id })
  return { party, application }
})

describe("the vetting journey", () => {
  it.effect(
    "sign up, apply, review, check, approve: active, lead-eligible, welcomed, in contacts",
    () =>
      Effect.gen(function* () {
        const party = yield* signUp({ kind: "provider", phone: "+27821234567" })
        expect(party.status).toBe("pending")
        yield* updateProfile({ partyId: party.id, profile: fullProfile })
        const submitted = yield* submitApplication({ partyId: party.id })
        expect(submitted).toMatchObject({ state: "submitted", completeness: 100, role: "provider" })
        yield* startReview(ops(submitted.id))
        const checking = yield* requestBackgroundCheck(ops(submitted.id))
        expect(checking.backgroundCheck?.reference).toBe(`manual-${submitted.id}`)
        const refused = yield* Effect.flip(approveApplication(ops(submitted.id)))
        expect(refused._tag).toBe("BackgroundCheckNotPassed")
        yield* recordBackgroundCheck({ ...ops(submitted.id), result: "passed" })
        const approved = yield* approveApplication(ops(submitted.id, "all documents in order"))
        expect(approved).toMatchObject({ state: "approved", decidedBy: "thandi" })

        const view = yield* getParty({ partyId: party.id })
        expect(view).toMatchObject({
          party: { status: "active" },
          leadEligible: true,
          completeness: 100,
        })
        expect(yield* (yield* ContactBook).list()).toMatchObject([
          { partyId: party.id, phone: party.phone, name: "Sipho Dube" },
        ])
        const messages = yield* (yield* Outbox).list({ partyId: party.id })
        expect(messages.map((m) => [m.channel, m.template, m.to]).sort()).toEqual([
          ["email", "application.approved", "sipho@example.com"],
          ["whatsapp", "application.approved", "+27821234567"],
        ])
        const actions = (yield* listAudit({})).map((e) => e.action).reverse()
        expect(actions).toEqual([
          "party.sign_up",
          "party.update_profile",
          "application.submit",
          "application.start_review",
          "application.request_background_check",
          "application.record_background_check",
          "application.approve",
        ])
        const approval = (yield* listAudit({ action: "application.approve" }))[0]
        expect(approval).toMatchObject({
          actor: { _tag: "operator", name: "thandi" },
          subjectId: submitted.id,
          reason: "all documents in order",
          details: {
            from: "background_check",
            to: "approved",
            party: { from: "pending", to: "active" },
          },
        })
      }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("a failed check locks the provider out until exactly decidedAt + 90 days", () =>
    Effect.gen(function* () {
      const { party, application } = yield* applied
      yield* TestClock.adjust(5 * DAY_MS)
      yield* startReview(ops(application.id))
      yield* requestBackgroundCheck(ops(application.id))
      const rejected = yield* recordBackgroundCheck({
        ...ops(application.id, "criminal record"),
        result: "failed",
      })
      const until = rejected.decidedAt! + 90 * DAY_MS
      expect(rejected).toMatchObject({ state: "rejected", reapplyAfter: until })
      const [message] = yield* (yield* Outbox).list({ partyId: party.id, limit: 1 })
      expect(message?.body).toContain("criminal record")

      yield* TestClock.adjust(90 * DAY_MS - 1)
      const locked = yield* Effect.flip(reapply({ partyId: party.id }))
      expect(locked).toMatchObject({ _tag: "ReapplyLockedOut", partyId: party.id, until })
      yield* TestClock.adjust(1)
      const again = yield* reapply({ partyId: party.id })
      expect(again).toMatchObject({ state: "submitted", partyId: party.id })
      expect(again.id).not.toBe(application.id)
      expect((yield* getParty({ partyId: party.id })).latestApplication?.id).toBe(again.id)
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("an operator's rejection sets no lockout: the provider may re-apply at once", () =>
    Effect.gen(function* () {
      const { party, application } = yield* applied
      yield* rejectApplication(ops(application.id, "photos unreadable"))
      const again = yield* reapply({ partyId: party.id })
      expect(again.state).toBe("submitted")
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("suspend, reinstate, deactivate, activate: eligibility follows the status", () =>
    Effect.gen(function* () {
      const { party, application } = yield* applied
      yield* startReview(ops(application.id))
      yield* requestBackgroundCheck(ops(application.id))
      yield* recordBackgroundCheck({ ...ops(application.id), result: "passed" })
      yield* approveApplication(ops(application.id))
      const act = { partyId: party.id, operator: "sipho", reason: "complaints" }
      expect((yield* suspendParty(act)).status).toBe("suspended")
      expect((yield* getParty({ partyId: party.id })).leadEligible).toBe(false)
      const twice = yield* Effect.flip(suspendParty(act))
      expect(twice).toMatchObject({
        _tag: "TransitionNotAllowed",
        from: "suspended",
        allowedFrom: ["active"],
      })
      expect((yield* reinstateParty(act)).status).toBe("active")
      expect((yield* deactivateParty(act)).status).toBe("inactive")
      expect((yield* getParty({ partyId: party.id })).leadEligible).toBe(false)
      expect((yield* activateParty(act)).status).toBe("active")
      expect((yield* getParty({ partyId: party.id })).leadEligible).toBe(true)
      const templates = (yield* (yield* Outbox).list({ partyId: party.id })).map((m) => m.template)
      expect(templates.filter((t) => t === "party.suspended")).toHaveLength(2)
      expect(templates.filter((t) => t === "party.reinstated")).toHaveLength(2)
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("a pending provider cannot be activated by hand: approval comes first", () =>
    Effect.gen(function* () {
      const { party } = yield* applied
      const refused = yield* Effect.flip(
        activateParty({ partyId: party.id, operator: "thandi", reason: "eager" }),
      )
      expect(refused).toMatchObject({ _tag: "ApprovalRequired", applicationState: "submitted" })
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("customers are active at once where they are not vetted, pending where they are", () =>
    Effect.gen(function* () {
      const notVetted = yield* signUp({ kind: "customer", phone: "+27820000001" }).pipe(
        Effect.provide(layerInMemory(subscriptionPreset)),
      )
      expect(notVetted.status).toBe("active")
      const vetting = {
        ...subscriptionPreset,
        vetting: { ...subscriptionPreset.vetting, vetCustomers: true },
      }
      const vetted = yield* signUp({ kind: "customer", phone: "+27820000001" }).pipe(
        Effect.provide(layerInMemory(vetting)),
      )
      expect(vetted.status).toBe("pending")
    }),
  )

  it.effect("a homeowner where homeowners are not vetted has nothing to apply for", () =>
    Effect.gen(function* () {
      const customer = yield* signUp({
        kind: "customer",
        phone: "+27820000001",
        profile: fullProfile,
      })
      const refused = yield* Effect.flip(submitApplication({ partyId: customer.id }))
      expect(refused).toMatchObject({ _tag: "VettingNotRequired", kind: "customer" })
    }).pipe(Effect.provide(layerInMemory(subscriptionPreset))),
  )

  it.effect("refuses a second application while one is open, and one after approval", () =>
    Effect.gen(function* () {
      const { party, application } = yield* applied
      expect(yield* Effect.flip(submitApplication({ partyId: party.id }))).toMatchObject({
        _tag: "ApplicationAlreadyOpen",
        applicationId: application.id,
      })
      yield* startReview(ops(application.id))
      yield* requestBackgroundCheck(ops(application.id))
      yield* recordBackgroundCheck({ ...ops(application.id), result: "passed" })
      yield* approveApplication(ops(application.id))
      expect((yield* Effect.flip(submitApplication({ partyId: party.id })))._tag).toBe(
        "AlreadyApproved",
      )
      expect((yield* Effect.flip(reapply({ partyId: party.id })))._tag).toBe("NothingToReapply")
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("an incomplete profile cannot apply, and is told what is missing", () =>
    Effect.gen(function* () {
      const party = yield* signUp({
        kind: "provider",
        phone: "+27821234567",
        profile: { displayName: "Sipho", categories: ["plumbing"] },
      })
      const refused = yield* Effect.flip(submitApplication({ partyId: party.id }))
      expect(refused).toMatchObject({
        _tag: "ProfileIncomplete",
        completeness: 35,
        minimum: 60,
        missing: ["serviceAreas", "documents", "experienceYears", "bio", "availability", "email"],
      })
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )

  it.effect("the review queue puts the most complete profiles first", () =>
    Effect.gen(function* () {
      const partial = yield* signUp({
        kind: "provider",
        phone: "+27820000002",
        profile: { bio: "hi" },
      })
      const full = yield* signUp({ kind: "provider", phone: "+27820000003", profile: fullProfile })
      yield* submitApplication({ partyId: partial.id })
      yield* TestClock.adjust(1000)
      yield* submitApplication({ partyId: full.id })
      const queue = yield* listApplications({ states: ["submitted"] })
      expect(queue.map((v) => v.party.id)).toEqual([full.id, partial.id])
    }).pipe(
      Effect.provide(
        layerInMemory({
          ...creditsPreset,
          vetting: { ...creditsPreset.vetting, minimumCompleteness: 0 },
        }),
      ),
    ),
  )

  it.effect("a phone signs up once", () =>
    Effect.gen(function* () {
      const first = yield* signUp({ kind: "provider", phone: "+27821234567" })
      const second = yield* Effect.flip(signUp({ kind: "customer", phone: "+27821234567" }))
      expect(second).toMatchObject({ _tag: "PhoneAlreadyRegistered", partyId: first.id })
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("bad input is refused field by field, and nothing is written", () =>
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const before = yield* store.snapshot
      const error = yield* Effect.flip(
        signUp({
          kind: "plumber",
          phone: "082 123",
          profile: { experienceYears: -1, colour: "red" },
        }),
      )
      expect(error._tag).toBe("InvalidInput")
      const paths = error._tag === "InvalidInput" ? error.issues.map((i) => i.path).sort() : []
      expect(paths).toEqual(["kind", "phone", "profile.colour", "profile.experienceYears"])
      expect(yield* store.snapshot).toEqual(before)
    }).pipe(Effect.provide(layerInMemory())),
  )

  it.effect("when the background-check service is down, nothing changes", () =>
    Effect.gen(function* () {
      const { application } = yield* applied
      yield* startReview(ops(application.id))
      const store = yield* InMemoryStore
      const before = yield* store.snapshot
      const error = yield* Effect.flip(requestBackgroundCheck(ops(application.id)))
      expect(error._tag).toBe("BackgroundCheckUnavailable")
      expect(yield* store.snapshot).toEqual(before)
    }).pipe(
      Effect.provide(
        Layer.merge(layerInMemory(creditsPreset), layerBackgroundCheckUnavailable("timeout")),
      ),
    ),
  )

  it.effect("two submissions at once: exactly one application is opened", () =>
    Effect.gen(function* () {
      const party = yield* signUp({ kind: "provider", phone: "+27821234567", profile: fullProfile })
      const outcomes = yield* Effect.all(
        [submitApplication({ partyId: party.id }), submitApplication({ partyId: party.id })].map(
          Effect.result,
        ),
        { concurrency: "unbounded" },
      )
      expect(outcomes.filter(Result.isSuccess)).toHaveLength(1)
      expect(
        outcomes.filter(Result.isFailure).map((r) => Result.isFailure(r) && r.failure._tag),
      ).toEqual(["ApplicationAlreadyOpen"])
      const audit = yield* (yield* AuditLog).list({ action: "application.submit" })
      expect(audit).toHaveLength(1)
    }).pipe(Effect.provide(layerInMemory(creditsPreset))),
  )
})
