import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import {
  arbApplication,
  arbApplicationState,
  arbParty,
  arbPartyKind,
  arbStatusCommandTag,
} from "../testing/vetting.arbitraries.ts"
import type { Application } from "./application.ts"
import {
  initialStatus,
  isLeadEligible,
  isVetted,
  statusesAccepting,
  transitionPartyStatus,
} from "./party.ops.ts"
import type { Party, PartyStatus } from "./party.ts"
import { statusTransitions } from "./provider-status.transitions.ts"

const tableEdges = new Set(
  Object.entries(statusTransitions).flatMap(([from, commands]) =>
    Object.entries(commands).map(([command, to]) => `${from} --${command}--> ${to}`),
  ),
)

/** A party with, maybe, a latest application of its own. */
const arbPartyWithLatest = fc
  .tuple(arbParty(), fc.option(arbApplicationState, { nil: undefined }))
  .chain(([party, state]) =>
    fc.tuple(
      fc.constant(party),
      state === undefined
        ? fc.constant(undefined)
        : arbApplication({ state, partyId: party.id, role: party.kind }),
    ),
  )

describe("party status transitions", () => {
  it("no command sequence leaves the table, and a vetted party is never active unapproved", () => {
    const taken = new Set<string>()
    fc.assert(
      fc.property(
        arbPolicy,
        arbPartyWithLatest,
        fc.array(fc.tuple(arbStatusCommandTag, fc.boolean()), { minLength: 5, maxLength: 30 }),
        (policy, [start, latest], steps) => {
          let party: Party = { ...start, status: initialStatus(start.kind, policy) }
          let application: Application | undefined = latest
          for (const [command, approveNow] of steps) {
            // Now and then the latest application gets approved, as ops would do.
            if (approveNow && application !== undefined) {
              application = { ...application, state: "approved" }
            }
            const from = party.status
            const outcome = transitionPartyStatus(
              party,
              { _tag: command, reason: "ops" },
              { policy, latestApplication: application },
              party.updatedAt,
            )
            if (Result.isFailure(outcome)) {
              const error = outcome.failure
              if (statusTransitions[from][command] === undefined) {
                expect(error).toMatchObject({
                  _tag: "TransitionNotAllowed",
                  from,
                  command,
                  allowedFrom: statusesAccepting(command),
                })
              } else {
                expect(error).toMatchObject({ _tag: "ApprovalRequired", partyId: party.id })
              }
              continue
            }
            const [next, events] = outcome.success
            const edge = `${from} --${command}--> ${next.status}`
            expect(tableEdges).toContain(edge)
            taken.add(edge)
            expect(events).toMatchObject([{ _tag: "PartyStatusChanged", from, to: next.status }])
            if (next.status === "active" && isVetted(party.kind, policy)) {
              expect(application?.state).toBe("approved")
            }
            party = next
          }
        },
      ),
      { numRuns: 300 },
    )
    expect(taken).toEqual(tableEdges)
  })

  it("activating from inactive needs an approved latest application for vetted kinds only", () => {
    fc.assert(
      fc.property(arbPolicy, arbPartyWithLatest, arbInstant, (policy, [party, latest], at) => {
        const outcome = transitionPartyStatus(
          { ...party, status: "inactive" },
          { _tag: "Activate", reason: "back from leave" },
          { policy, latestApplication: latest },
          at,
        )
        const allowed = !isVetted(party.kind, policy) || latest?.state === "approved"
        expect(Result.isSuccess(outcome)).toBe(allowed)
        if (!allowed) {
          expect(Result.isFailure(outcome) && outcome.failure).toMatchObject({
            _tag: "ApprovalRequired",
            applicationState: latest?.state ?? "none",
          })
        }
      }),
    )
  })

  it("someone else's approved application does not open the gate", () => {
    fc.assert(
      fc.property(
        arbPolicy,
        arbParty({ kind: "provider", status: "inactive" }),
        arbApplication({ state: "approved" }),
        (policy, party, stranger) => {
          fc.pre(stranger.partyId !== party.id)
          const outcome = transitionPartyStatus(
            party,
            { _tag: "Activate", reason: "x" },
            { policy, latestApplication: stranger },
            party.updatedAt,
          )
          expect(Result.isFailure(outcome)).toBe(true)
        },
      ),
    )
  })

  it("new parties start pending when vetted, active otherwise", () => {
    fc.assert(
      fc.property(arbPolicy, arbPartyKind, (policy, kind) => {
        const vetted = kind === "provider" || policy.vetting.vetCustomers
        expect(initialStatus(kind, policy)).toBe(vetted ? "pending" : "active")
      }),
    )
  })
})

describe("lead eligibility", () => {
  it("only an active provider whose own latest application is approved is eligible", () => {
    fc.assert(
      fc.property(arbPartyWithLatest, ([party, latest]) => {
        expect(isLeadEligible(party, latest)).toBe(
          party.kind === "provider" && party.status === "active" && latest?.state === "approved",
        )
      }),
    )
  })

  it("no pending, rejected, inactive or suspended provider is ever eligible", () => {
    const shutOut: ReadonlyArray<PartyStatus> = ["pending", "inactive", "suspended"]
    fc.assert(
      fc.property(
        arbParty({ kind: "provider" }),
        arbApplication(),
        fc.constantFrom(...shutOut),
        (provider, application, status) => {
          const own = { ...application, partyId: provider.id }
          expect(isLeadEligible({ ...provider, status }, own)).toBe(false)
          expect(isLeadEligible(provider, { ...own, state: "rejected" })).toBe(false)
          expect(isLeadEligible(provider, undefined)).toBe(false)
        },
      ),
    )
  })

  it("customers are never eligible for leads", () => {
    fc.assert(
      fc.property(arbParty({ kind: "customer", status: "active" }), arbApplication(), (c, a) => {
        expect(isLeadEligible(c, { ...a, partyId: c.id, state: "approved" })).toBe(false)
      }),
    )
  })
})
