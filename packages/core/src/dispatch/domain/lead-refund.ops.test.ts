import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  applyTransfer,
  balanceOf,
  checkLedgerState,
  creditIssuanceAccount,
  creditIssuanceAccountId,
  creditsAccount,
  creditsAccountId,
  emptyLedger,
  type LedgerState,
  openAccount,
  platformRevenueAccount,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import type { Amount, Transfer, TransferRequest } from "../../ledger/domain/ledger.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import type { PartyId } from "../../shared/ids.ts"
import { arbInstant, arbOperatorName, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbOfferState } from "../testing/dispatch.arbitraries.ts"
import {
  arbLeadRefund,
  arbLeadRefundState,
  arbRefundReason,
  arbValidRefundClaim,
  type RefundClaimScenario,
  refundReasonList,
} from "../testing/lead-refund.arbitraries.ts"
import { arbRequestState, arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import { unlockTransferId } from "../use-cases/unlock-lead.ts"
import type { DuplicateProblem } from "./lead-refund.errors.ts"
import {
  checkRefundClaim,
  checkRefundDecision,
  duplicateRequestWindowMs,
  leadRefundStates,
  makeLeadRefund,
  type RefundClaimFacts,
  refundClaimWindowMs,
  refundTransfer,
  refundTransferId,
  transitionLeadRefund,
} from "./lead-refund.ops.ts"
import { leadRefundTransitions } from "./lead-refund.transitions.ts"
import type { LeadRefund } from "./lead-refund.ts"

const HOUR = 3_600_000

const failureOf = <A, E>(result: Result.Result<A, E>): E | undefined =>
  Result.isFailure(result) ? result.failure : undefined

/** The preconditions restated from the issue, independently of the implementation. */
const modelAccepts = ({ facts, policy, now }: RefundClaimScenario): boolean => {
  const { offer, request, duplicate } = facts
  const reasonHolds = (() => {
    switch (facts.reason) {
      case "invalid_contact":
        return offer.state === "accepted"
      case "duplicate_request":
        return (
          duplicate !== undefined &&
          facts.duplicateOf === duplicate.id &&
          duplicate.id !== request.id &&
          duplicate.customerId === request.customerId &&
          duplicate.category === request.category &&
          duplicate.createdAt < request.createdAt &&
          request.createdAt - duplicate.createdAt <= duplicateRequestWindowMs(policy)
        )
      case "withdrawn_before_contact":
        return request.state === "cancelled" && offer.state !== "accepted"
      case "expired":
        return offer.state === "expired"
    }
  })()
  return (
    policy.model === "credits" &&
    policy.credits.refundReasons.includes(facts.reason) &&
    offer.providerId === facts.providerId &&
    offer.creditsCharged !== undefined &&
    offer.unlockedAt !== undefined &&
    facts.existing === undefined &&
    now < offer.unlockedAt + refundClaimWindowMs(policy) &&
    reasonHolds
  )
}

/** Mostly null: each disturbance is rare, so that claims with none of them occur too. */
const sometimes = <A>(arb: fc.Arbitrary<A>): fc.Arbitrary<A | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: arb, weight: 1 })

const without = <A extends object, K extends keyof A>(a: A, key: K): Omit<A, K> => {
  const { [key]: _dropped, ...rest } = a
  return rest
}

/**
 * Claims near the boundary: a valid one with each precondition independently disturbed
 * (about a quarter of the time each), so every combination of holding and failing occurs.
 */
const arbAnyClaim: fc.Arbitrary<RefundClaimScenario> = fc
  .record({
    valid: arbValidRefundClaim(),
    subscription: sometimes(fc.constant(true)),
    dropReason: sometimes(fc.constant(true)),
    otherProvider: sometimes(arbPartyId),
    notUnlocked: sometimes(
      fc.constantFrom("creditsCharged", "unlockedAt") as fc.Arbitrary<
        "creditsCharged" | "unlockedAt"
      >,
    ),
    existing: sometimes(arbLeadRefund()),
    late: sometimes(fc.integer({ min: 0, max: 10 * HOUR })),
    offerState: sometimes(arbOfferState),
    requestState: sometimes(arbRequestState),
    reason: sometimes(arbRefundReason),
    duplicate: sometimes(
      fc.record({
        named: fc.boolean(),
        request: arbServiceRequest(),
        sameCustomer: fc.boolean(),
        sameCategory: fc.boolean(),
        gap: fc.integer({ min: -2 * HOUR, max: 400 * HOUR }),
      }),
    ),
  })
  .map((r): RefundClaimScenario => {
    let policy: MarketplacePolicy = r.valid.policy
    let facts: RefundClaimFacts = r.valid.facts
    let now = r.valid.now
    if (r.subscription !== null) policy = { ...policy, model: "subscription" }
    if (r.dropReason !== null) {
      policy = {
        ...policy,
        credits: {
          ...policy.credits,
          refundReasons: policy.credits.refundReasons.filter((x) => x !== facts.reason),
        },
      }
    }
    if (r.reason !== null) {
      // Another reason keeps this one's facts: now they may or may not fit.
      facts = { ...facts, reason: r.reason }
    }
    if (r.otherProvider !== null) facts = { ...facts, providerId: r.otherProvider }
    if (r.late !== null) {
      now = (facts.offer.unlockedAt! + refundClaimWindowMs(policy) + r.late) as Instant
    }
    if (r.notUnlocked !== null) facts = { ...facts, offer: without(facts.offer, r.notUnlocked) }
    if (r.existing !== null) facts = { ...facts, existing: r.existing }
    if (r.offerState !== null) facts = { ...facts, offer: { ...facts.offer, state: r.offerState } }
    if (r.requestState !== null) {
      facts = { ...facts, request: { ...facts.request, state: r.requestState } }
    }
    if (r.duplicate !== null) {
      const d = r.duplicate
      const duplicate = {
        ...d.request,
        customerId: d.sameCustomer ? facts.request.customerId : d.request.customerId,
        category: d.sameCategory ? facts.request.category : d.request.category,
        createdAt: (facts.request.createdAt - d.gap) as Instant,
      }
      facts = { ...without(facts, "duplicate"), duplicateOf: duplicate.id }
      if (d.named) facts = { ...facts, duplicate }
    }
    return { facts, policy, now }
  })

describe("checkRefundClaim: the claim preconditions", () => {
  it("accepts a claim exactly when every precondition holds, and then grants the unlock's credits", () => {
    let accepted = 0
    let runs = 0
    fc.assert(
      fc.property(arbAnyClaim, (scenario) => {
        const result = checkRefundClaim(scenario.facts, scenario.policy, scenario.now)
        expect(Result.isSuccess(result)).toBe(modelAccepts(scenario))
        runs++
        if (Result.isSuccess(result)) {
          accepted++
          expect(result.success).toBe(scenario.facts.offer.creditsCharged)
        }
      }),
      { numRuns: 2_000 },
    )
    // Both outcomes must be common, or the equivalence above says little.
    expect(accepted).toBeGreaterThan(runs / 50)
    expect(accepted).toBeLessThan(runs - runs / 50)
  })

  it("accepts every valid claim, for every reason", () => {
    fc.assert(
      fc.property(arbValidRefundClaim(), ({ facts, policy, now }) => {
        expect(Result.isSuccess(checkRefundClaim(facts, policy, now))).toBe(true)
      }),
    )
  })

  /** One precondition broken, everything else valid: the error names exactly that one. */
  const broken = (
    scenario: RefundClaimScenario,
    which: number,
    other: PartyId,
  ):
    | {
        readonly scenario: RefundClaimScenario
        readonly tag: string
        readonly problem?: DuplicateProblem
      }
    | undefined => {
    const { facts, policy, now } = scenario
    const reasonCase = (): ReturnType<typeof broken> => {
      switch (facts.reason) {
        case "invalid_contact":
          return {
            scenario: {
              ...scenario,
              facts: { ...facts, offer: { ...facts.offer, state: "expired" } },
            },
            tag: "ContactNotReleased",
          }
        case "expired":
          return {
            scenario: {
              ...scenario,
              facts: { ...facts, offer: { ...facts.offer, state: "accepted" } },
            },
            tag: "LeadNotExpired",
          }
        case "withdrawn_before_contact":
          return Math.floor(which / 7) % 2 === 0
            ? {
                scenario: {
                  ...scenario,
                  facts: { ...facts, request: { ...facts.request, state: "dispatching" } },
                },
                tag: "RequestNotWithdrawn",
              }
            : {
                scenario: {
                  ...scenario,
                  facts: { ...facts, offer: { ...facts.offer, state: "accepted" } },
                },
                tag: "ContactAlreadyReleased",
              }
        case "duplicate_request": {
          const dup = facts.duplicate!
          const problems: ReadonlyArray<readonly [DuplicateProblem, RefundClaimFacts]> = [
            ["not_named", without(without(facts, "duplicateOf"), "duplicate")],
            ["unknown", without(facts, "duplicate")],
            ["same_request", { ...facts, duplicateOf: facts.request.id, duplicate: facts.request }],
            ["other_homeowner", { ...facts, duplicate: { ...dup, customerId: other } }],
            ["other_category", { ...facts, duplicate: { ...dup, category: `${dup.category}-x` } }],
            [
              "not_earlier",
              { ...facts, duplicate: { ...dup, createdAt: facts.request.createdAt } },
            ],
            [
              "too_far_apart",
              {
                ...facts,
                duplicate: {
                  ...dup,
                  createdAt: (facts.request.createdAt -
                    duplicateRequestWindowMs(policy) -
                    1) as Instant,
                },
              },
            ],
          ]
          const [problem, changed] = problems[Math.floor(which / 7) % problems.length]!
          if (problem === "other_homeowner" && other === facts.request.customerId) return undefined
          return { scenario: { ...scenario, facts: changed }, tag: "NotADuplicate", problem }
        }
      }
    }
    switch (which % 7) {
      case 0:
        return { scenario: { ...scenario, policy: subscriptionPreset }, tag: "LeadsNotSold" }
      case 1:
        return {
          scenario: {
            ...scenario,
            policy: {
              ...policy,
              credits: {
                ...policy.credits,
                refundReasons: refundReasonList.filter((r) => r !== facts.reason),
              },
            },
          },
          tag: "RefundReasonNotAllowed",
        }
      case 2:
        return other === facts.offer.providerId
          ? undefined
          : {
              scenario: { ...scenario, facts: { ...facts, providerId: other } },
              tag: "NotOfferProvider",
            }
      case 3:
        return {
          scenario: {
            ...scenario,
            facts: { ...facts, offer: without(facts.offer, "creditsCharged") },
          },
          tag: "LeadNotUnlocked",
        }
      case 4:
        return {
          scenario: {
            ...scenario,
            facts: {
              ...facts,
              existing: makeLeadRefund(
                { id: "lrf_00000000000000000000" as LeadRefund["id"], facts, credits: 1 },
                now,
              ),
            },
          },
          tag: "RefundAlreadyClaimed",
        }
      case 5:
        return {
          scenario: {
            ...scenario,
            now: (facts.offer.unlockedAt! + refundClaimWindowMs(policy)) as Instant,
          },
          tag: "RefundWindowClosed",
        }
      default:
        return reasonCase()
    }
  }

  it("refuses a claim that breaks one precondition with that precondition's error", () => {
    fc.assert(
      fc.property(arbValidRefundClaim(), fc.nat(1_000), arbPartyId, (valid, which, other) => {
        const broke = broken(valid, which, other)
        fc.pre(broke !== undefined)
        const { facts, policy, now } = broke!.scenario
        const result = checkRefundClaim(facts, policy, now)
        expect(Result.isFailure(result)).toBe(true)
        if (Result.isFailure(result)) {
          expect(result.failure._tag).toBe(broke!.tag)
          if (broke!.problem !== undefined) {
            expect(result.failure).toMatchObject({ problem: broke!.problem })
          }
        }
      }),
      { numRuns: 1_000 },
    )
  })

  it("a decision re-checks the policy and the facts, but not the claim window or the claim itself", () => {
    fc.assert(
      fc.property(
        arbValidRefundClaim(),
        fc.integer({ min: 0, max: 1_000 * HOUR }),
        (valid, later) => {
          const { facts, policy, now } = valid
          const claim = makeLeadRefund(
            { id: "lrf_00000000000000000000" as LeadRefund["id"], facts, credits: 1 },
            now,
          )
          // Decided long after the window closed, with the claim on file: still fine.
          const decided = { ...facts, existing: claim }
          expect(Result.isSuccess(checkRefundDecision(decided, policy))).toBe(true)
          expect(
            Result.isSuccess(
              checkRefundClaim(
                decided,
                policy,
                (now + refundClaimWindowMs(policy) + later) as Instant,
              ),
            ),
          ).toBe(false)
          // The policy stopped taking the reason since the claim: refused.
          const stricter: MarketplacePolicy = {
            ...policy,
            credits: { ...policy.credits, refundReasons: [] },
          }
          expect(failureOf(checkRefundDecision(decided, stricter))).toMatchObject({
            _tag: "RefundReasonNotAllowed",
          })
        },
      ),
    )
  })

  it("the claim records the offer's provider, request, the unlock's credits and the duplicate named", () => {
    fc.assert(
      fc.property(arbValidRefundClaim(), ({ facts, policy, now }) => {
        const credits = Result.getOrThrow(checkRefundClaim(facts, policy, now))
        const claim = makeLeadRefund(
          { id: "lrf_00000000000000000000" as LeadRefund["id"], facts, credits, note: "n" },
          now,
        )
        expect(claim).toMatchObject({
          offerId: facts.offer.id,
          requestId: facts.request.id,
          providerId: facts.offer.providerId,
          credits: facts.offer.creditsCharged,
          state: "requested",
          requestedAt: now,
          note: "n",
        })
        expect(claim.duplicateOf).toBe(
          facts.reason === "duplicate_request" ? facts.duplicateOf : undefined,
        )
      }),
    )
  })
})

const arbCommand = fc.record({
  _tag: fc.constantFrom("Approve" as const, "Reject" as const),
  operator: arbOperatorName,
  reason: fc.string({ minLength: 1, maxLength: 40 }),
})

describe("the refund claim transition table", () => {
  it("only a requested claim can be decided; approve leads to approved, reject to rejected", () => {
    fc.assert(
      fc.property(arbLeadRefund(), arbCommand, arbInstant, (refund, command, now) => {
        const result = transitionLeadRefund(refund, command, now)
        if (refund.state !== "requested") {
          expect(failureOf(result)).toMatchObject({
            _tag: "RefundAlreadyDecided",
            refundId: refund.id,
            state: refund.state,
          })
          return
        }
        expect(Result.getOrThrow(result)).toEqual({
          ...refund,
          state: command._tag === "Approve" ? "approved" : "rejected",
          decidedAt: now,
          decidedBy: command.operator,
          decisionReason: command.reason,
          updatedAt: now,
        })
      }),
    )
  })

  it("no sequence of commands decides a claim twice or reaches a state outside the table", () => {
    fc.assert(
      fc.property(
        arbLeadRefund().map((r) => ({ ...r, state: "requested" as const })),
        fc.array(arbCommand, { maxLength: 6 }),
        arbInstant,
        (start, commands, now) => {
          let refund: LeadRefund = start
          let decisions = 0
          for (const command of commands) {
            const result = transitionLeadRefund(refund, command, now)
            if (Result.isSuccess(result)) {
              expect(leadRefundTransitions[refund.state][command._tag]).toBe(result.success.state)
              refund = result.success
              decisions++
            }
            expect(leadRefundStates).toContain(refund.state)
          }
          expect(decisions).toBe(commands.length === 0 ? 0 : 1)
        },
      ),
    )
  })
})

describe("the money of a decision", () => {
  /** A provider granted credits who then unlocked a lead: the ledger as the unlock left it. */
  const afterUnlock = (providerId: PartyId, granted: number, price: number, at: Instant) => {
    let state: LedgerState = emptyLedger
    for (const account of [
      creditsAccount(providerId, at),
      platformRevenueAccount("CREDIT", at),
      creditIssuanceAccount(at),
    ]) {
      state = Result.getOrThrow(openAccount(state, account))[0]
    }
    const grant: TransferRequest = {
      id: `grant:${providerId}`,
      debitAccountId: creditIssuanceAccountId,
      creditAccountId: creditsAccountId(providerId),
      amount: BigInt(granted) as Amount,
      unit: "CREDIT",
      reason: "grant",
      links: {},
    }
    state = Result.getOrThrow(applyTransfer(state, grant, at))[0]
    const [unlocked, unlock] = Result.getOrThrow(
      applyTransfer(
        state,
        {
          id: unlockTransferId("ofr_00000000000000000001"),
          debitAccountId: creditsAccountId(providerId),
          creditAccountId: platformRevenueAccountId("CREDIT"),
          amount: BigInt(price) as Amount,
          unit: "CREDIT",
          reason: "lead_unlock",
          links: { leadId: "ofr_00000000000000000001" },
        },
        at,
      ),
    )
    return { state: unlocked, unlock }
  }

  const balance = (state: LedgerState, id: Parameters<typeof balanceOf>[1]) =>
    Result.getOrThrow(balanceOf(state, id))

  it("an approved refund gives back exactly the unlock's credits, once however often it is applied; other claims move nothing", () => {
    fc.assert(
      fc.property(
        arbLeadRefund(),
        arbLeadRefundState,
        arbPartyId,
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 4 }),
        arbInstant,
        (claim, state, providerId, extra, price, replays, at) => {
          const { state: ledger, unlock } = afterUnlock(providerId, price + extra, price, at)
          const refund: LeadRefund = {
            ...claim,
            offerId: "ofr_00000000000000000001" as LeadRefund["offerId"],
            providerId,
            credits: price,
            state,
          }
          const transfer = refundTransfer(refund, unlock as Transfer)
          if (state !== "approved") {
            expect(transfer).toBeUndefined()
            return
          }
          expect(transfer).toMatchObject({
            id: refundTransferId(refund.offerId),
            debitAccountId: platformRevenueAccountId("CREDIT"),
            creditAccountId: creditsAccountId(providerId),
            amount: BigInt(price),
            reason: "lead_refund",
          })
          let after = ledger
          for (let i = 0; i < replays; i++) {
            after = Result.getOrThrow(applyTransfer(after, transfer!, at))[0]
          }
          expect(balance(after, creditsAccountId(providerId))).toBe(BigInt(price + extra))
          expect(balance(after, platformRevenueAccountId("CREDIT"))).toBe(0n)
          expect(after.transfers.size).toBe(ledger.transfers.size + 1)
          expect(checkLedgerState(after).ok).toBe(true)
        },
      ),
    )
  })

  it("a claim whose credits disagree with the unlock's transfer yields no transfer", () => {
    fc.assert(
      fc.property(
        arbLeadRefund(),
        arbPartyId,
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 50 }),
        arbInstant,
        (claim, providerId, price, off, at) => {
          const { unlock } = afterUnlock(providerId, price, price, at)
          const refund: LeadRefund = {
            ...claim,
            providerId,
            credits: price + off,
            state: "approved",
          }
          expect(refundTransfer(refund, unlock as Transfer)).toBeUndefined()
        },
      ),
    )
  })
})

describe("policy defaults", () => {
  it("the presets take claims for a week and count duplicates within a week", () => {
    expect(refundClaimWindowMs(creditsPreset)).toBe(168 * HOUR)
    expect(duplicateRequestWindowMs(creditsPreset)).toBe(168 * HOUR)
    expect(
      refundClaimWindowMs({
        ...creditsPreset,
        credits: { ...creditsPreset.credits, refundClaimWindowHours: 2 },
      }),
    ).toBe(2 * HOUR)
  })
})
