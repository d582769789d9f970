import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import type { ApplicationId, PartyId } from "../../shared/ids.ts"
import {
  arbApplicationId,
  arbInstant,
  arbOperatorName,
  arbPartyId,
} from "../../shared/testing/shared.arbitraries.ts"
import { addDays, DAY_MS, type Instant } from "../../shared/time.ts"
import {
  arbApplication,
  arbApplicationCommand,
  arbPartyKind,
} from "../testing/vetting.arbitraries.ts"
import { canApply, statesAccepting, transitionApplication } from "./application.ops.ts"
import {
  type ApplicationCommand,
  type ApplicationCommandTag,
  applicationTransitions,
  openApplicationStates,
} from "./application.transitions.ts"
import type { Application, ApplicationState } from "./application.ts"

const draftOf = fc
  .record({ id: arbApplicationId, partyId: arbPartyId, role: arbPartyKind, createdAt: arbInstant })
  .map((a): Application => ({ ...a, state: "draft", completeness: 0, updatedAt: a.createdAt }))

/** Table edges as "from --Command--> to" text, so failures read plainly. */
const tableEdges = new Set(
  Object.entries(applicationTransitions).flatMap(([from, commands]) =>
    Object.entries(commands).flatMap(([command, targets]) =>
      (targets ?? []).map((to) => `${from} --${command}--> ${to}`),
    ),
  ),
)

/** A complete draft taken through review to a background check with `result`, then `last`. */
const throughCheck = (
  result: "passed" | "failed",
  last: ReadonlyArray<ApplicationCommand> = [],
): [MarketplacePolicy, Application, Array<[ApplicationCommand, number]>] => {
  const draft: Application = {
    id: `app_${"0".repeat(20)}` as ApplicationId,
    partyId: `pty_${"0".repeat(20)}` as PartyId,
    role: "provider",
    createdAt: 0 as Instant,
    state: "draft",
    completeness: 0,
    updatedAt: 0 as Instant,
  }
  const commands: ReadonlyArray<ApplicationCommand> = [
    { _tag: "Submit", completeness: 100 },
    { _tag: "StartReview", by: "thandi" },
    { _tag: "RequestBackgroundCheck", by: "thandi", reference: "bg-1" },
    { _tag: "RecordBackgroundCheck", by: "thandi", result, reason: "report" },
    ...last,
  ]
  return [creditsPreset, draft, commands.map((command) => [command, 0])]
}

describe("application transitions", () => {
  it("no command sequence takes a step the table does not list, or is refused one it lists for a reason it does not give", () => {
    const taken = new Set<string>()
    fc.assert(
      fc.property(
        arbPolicy,
        draftOf,
        fc.array(fc.tuple(arbApplicationCommand, fc.nat(5 * DAY_MS)), {
          minLength: 10,
          maxLength: 40,
        }),
        (policy, draft, steps) => {
          let application = draft
          for (const [command, wait] of steps) {
            const at = (application.updatedAt + wait) as Instant
            const from = application.state
            const outcome = transitionApplication(application, command, policy, at)
            const listed = applicationTransitions[from][command._tag]
            if (Result.isSuccess(outcome)) {
              const [next, events] = outcome.success
              const edge = `${from} --${command._tag}--> ${next.state}`
              expect(tableEdges).toContain(edge)
              taken.add(edge)
              expect(next.id).toBe(application.id)
              expect(next.updatedAt).toBe(at)
              expect(events.length).toBeGreaterThan(0)
              expect(events.every((e) => e.partyId === application.partyId && e.at === at)).toBe(
                true,
              )
              application = next
              continue
            }
            const error = outcome.failure
            if (listed === undefined) {
              expect(error).toMatchObject({
                _tag: "TransitionNotAllowed",
                from,
                command: command._tag,
                allowedFrom: statesAccepting(command._tag),
              })
            } else {
              // Refusing a listed command is the guards' business only: profile, or the check.
              expect(
                (command._tag === "Submit" && error._tag === "ProfileIncomplete") ||
                  (command._tag === "Approve" && error._tag === "BackgroundCheckNotPassed"),
              ).toBe(true)
            }
          }
        },
      ),
      {
        numRuns: 300,
        // Run first, so the background check's edges are taken whatever the seed: a passed
        // check then approval, and a failed check. Random sequences take each in only about
        // one run in fifty, so 300 runs missed one of them about one time in 300.
        examples: [
          throughCheck("passed", [{ _tag: "Approve", by: "thandi", reason: "ok" }]),
          throughCheck("failed"),
        ],
      },
    )
    // The sequences explored the whole table, so the check above covered every edge.
    expect(taken).toEqual(tableEdges)
  })

  it("refuses approval without a passed background check when the policy requires one", () => {
    fc.assert(
      fc.property(
        arbApplication(),
        arbPolicy,
        arbOperatorName,
        arbInstant,
        (application, policy, by, at) => {
          const passed = application.backgroundCheck?.result === "passed"
          const outcome = transitionApplication(
            application,
            { _tag: "Approve", by, reason: "looks good" },
            policy,
            at,
          )
          const acceptsApprove = applicationTransitions[application.state].Approve !== undefined
          if (!acceptsApprove) {
            expect(Result.isFailure(outcome) && outcome.failure._tag).toBe("TransitionNotAllowed")
          } else if (policy.vetting.backgroundCheckRequired && !passed) {
            expect(Result.isFailure(outcome) && outcome.failure).toMatchObject({
              _tag: "BackgroundCheckNotPassed",
              applicationId: application.id,
            })
          } else {
            expect(Result.isSuccess(outcome) && outcome.success[0]).toMatchObject({
              state: "approved",
              decidedAt: at,
              decidedBy: by,
            })
          }
        },
      ),
    )
  })

  it("a failed check rejects with re-application exactly cooldown days later; an operator's rejection locks nobody out", () => {
    fc.assert(
      fc.property(
        arbApplication({ state: "background_check" }),
        arbPolicy,
        arbInstant,
        (application, policy, at) => {
          const failed = transitionApplication(
            application,
            { _tag: "RecordBackgroundCheck", by: "amara", result: "failed", reason: "record" },
            policy,
            at,
          )
          expect(Result.isSuccess(failed) && failed.success[0]).toMatchObject({
            state: "rejected",
            decidedAt: at,
            reapplyAfter: at + policy.vetting.reapplyCooldownDays * DAY_MS,
            backgroundCheck: { result: "failed", recordedAt: at },
          })
          const rejected = transitionApplication(
            application,
            { _tag: "Reject", by: "amara", reason: "incomplete documents" },
            policy,
            at,
          )
          expect(Result.isSuccess(rejected) && rejected.success[0].reapplyAfter).toBeUndefined()
          expect(Result.isSuccess(rejected) && rejected.success[0].rejectionReason).toBe(
            "incomplete documents",
          )
        },
      ),
    )
  })

  it("a passed check keeps the application in background_check, ready for approval", () => {
    fc.assert(
      fc.property(arbApplication({ state: "background_check" }), arbInstant, (application, at) => {
        const outcome = transitionApplication(
          application,
          { _tag: "RecordBackgroundCheck", by: "amara", result: "passed", reason: "clear" },
          creditsPreset,
          at,
        )
        expect(Result.isSuccess(outcome) && outcome.success[0]).toMatchObject({
          state: "background_check",
          backgroundCheck: { result: "passed", recordedAt: at },
        })
        const [checked] = Result.getOrThrow(outcome)
        const approved = transitionApplication(
          checked,
          { _tag: "Approve", by: "amara", reason: "ok" },
          creditsPreset,
          at,
        )
        expect(Result.isSuccess(approved)).toBe(true)
      }),
    )
  })

  it("refuses to submit a profile less complete than the policy's minimum", () => {
    fc.assert(
      fc.property(draftOf, arbPolicy, fc.integer({ min: 0, max: 100 }), (draft, policy, score) => {
        const outcome = transitionApplication(
          draft,
          { _tag: "Submit", completeness: score, missing: ["bio"] },
          policy,
          draft.createdAt,
        )
        if (score < policy.vetting.minimumCompleteness) {
          expect(Result.isFailure(outcome) && outcome.failure).toMatchObject({
            _tag: "ProfileIncomplete",
            completeness: score,
            minimum: policy.vetting.minimumCompleteness,
            missing: ["bio"],
          })
        } else {
          expect(Result.isSuccess(outcome) && outcome.success[0]).toMatchObject({
            state: "submitted",
            completeness: score,
            submittedAt: draft.createdAt,
          })
        }
      }),
    )
  })

  it("names, when refusing, the states from which the command would work", () => {
    const tags: ReadonlyArray<ApplicationCommandTag> = [
      "Submit",
      "StartReview",
      "RequestBackgroundCheck",
      "RecordBackgroundCheck",
      "Approve",
      "Reject",
    ]
    for (const tag of tags) {
      const expected = (Object.keys(applicationTransitions) as Array<ApplicationState>).filter(
        (s) => applicationTransitions[s][tag] !== undefined,
      )
      expect(statesAccepting(tag)).toEqual(expected)
      expect(expected.length).toBeGreaterThan(0)
    }
  })
})

describe("canApply", () => {
  it("the lockout ends exactly at decidedAt + cooldown: 1 ms earlier is ReapplyLockedOut{until}", () => {
    fc.assert(
      fc.property(
        arbApplication({ state: "background_check" }),
        arbPolicy,
        arbInstant,
        fc.nat(400 * DAY_MS),
        (application, policy, decidedAt, later) => {
          const [rejected] = Result.getOrThrow(
            transitionApplication(
              application,
              { _tag: "RecordBackgroundCheck", by: "sipho", result: "failed", reason: "record" },
              policy,
              decidedAt,
            ),
          )
          const until = addDays(decidedAt, policy.vetting.reapplyCooldownDays)
          const early = canApply(rejected, (until - 1) as Instant)
          expect(Result.isFailure(early) && early.failure).toMatchObject({
            _tag: "ReapplyLockedOut",
            partyId: application.partyId,
            until,
          })
          expect(Result.isSuccess(canApply(rejected, until))).toBe(true)
          const at = (decidedAt + later) as Instant
          expect(Result.isSuccess(canApply(rejected, at))).toBe(at >= until)
        },
      ),
    )
  })

  it("refuses while an application is open and after approval; allows anyone new", () => {
    fc.assert(
      fc.property(arbApplication(), arbInstant, (latest, at) => {
        const outcome = canApply(latest, at)
        if (openApplicationStates.includes(latest.state)) {
          expect(Result.isFailure(outcome) && outcome.failure._tag).toBe("ApplicationAlreadyOpen")
        } else if (latest.state === "approved") {
          expect(Result.isFailure(outcome) && outcome.failure._tag).toBe("AlreadyApproved")
        } else if (latest.reapplyAfter === undefined) {
          expect(Result.isSuccess(outcome)).toBe(true)
        }
        expect(Result.isSuccess(canApply(undefined, at))).toBe(true)
      }),
    )
  })
})
