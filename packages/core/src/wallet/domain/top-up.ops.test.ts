import { Effect, Random, Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { arbInstant } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbTopUp, arbTopUpCommand } from "../testing/wallet.arbitraries.ts"
import {
  checkTopUpCommand,
  isTopUpReference,
  priceTopUp,
  randomTopUpReference,
  topUpStatesAccepting,
  transitionTopUp,
} from "./top-up.ops.ts"
import { type TopUp, type TopUpCommandTag, topUpTransitions } from "./top-up.ts"

const commandTags: ReadonlyArray<TopUpCommandTag> = ["SubmitProof", "Approve", "Reject", "Cancel"]

describe("top-up transitions", () => {
  it("no command sequence takes a step the table does not list, and approval happens at most once", () => {
    fc.assert(
      fc.property(
        arbTopUp({ state: "awaiting_proof" }),
        fc.array(fc.tuple(arbTopUpCommand, fc.nat(86_400_000)), { maxLength: 12 }),
        (start, commands) => {
          let topUp: TopUp = start
          let at = topUp.createdAt
          let approvals = 0
          for (const [command, wait] of commands) {
            at = (at + wait) as Instant
            const target = topUpTransitions[topUp.state][command._tag]
            const outcome = transitionTopUp(topUp, command, at)
            if (target === undefined) {
              // Refused, saying from where it would have worked.
              expect(Result.isFailure(outcome)).toBe(true)
              if (Result.isFailure(outcome)) {
                expect(outcome.failure).toMatchObject({
                  _tag: "TransitionNotAllowed",
                  entity: "top_up",
                  id: topUp.id,
                  from: topUp.state,
                  command: command._tag,
                  allowedFrom: topUpStatesAccepting(command._tag),
                })
              }
              continue
            }
            expect(Result.isSuccess(outcome)).toBe(true)
            if (Result.isFailure(outcome)) continue
            const [after, events] = outcome.success
            expect(after.state).toBe(target)
            expect(after.updatedAt).toBe(at)
            // What never changes: the money, the reference, the owner.
            expect(after).toMatchObject({
              id: topUp.id,
              partyId: topUp.partyId,
              reference: topUp.reference,
              credits: topUp.credits,
              amountMinor: topUp.amountMinor,
              currency: topUp.currency,
              createdAt: topUp.createdAt,
            })
            expect(events).toHaveLength(1)
            expect(events[0]).toMatchObject({ at, partyId: topUp.partyId, topUpId: topUp.id })
            if (command._tag === "Approve") {
              approvals++
              expect(events[0]?._tag).toBe("TopUpApproved")
              expect(after).toMatchObject({ decidedAt: at, decidedBy: command.by })
            }
            if (command._tag === "Reject") {
              expect(events[0]).toMatchObject({ _tag: "TopUpRejected", reason: command.reason })
              expect(after).toMatchObject({
                decidedBy: command.by,
                rejectionReason: command.reason,
              })
            }
            if (command._tag === "SubmitProof") expect(after.proof).toEqual(command.proof)
            topUp = after
          }
          expect(approvals).toBeLessThanOrEqual(1)
          // Only an approved top-up was ever approved, and it was approved with a proof.
          expect(approvals === 1).toBe(topUp.state === "approved")
          if (topUp.state === "approved") expect(topUp.proof).toBeDefined()
        },
      ),
      { numRuns: 500 },
    )
  })

  it("checkTopUpCommand agrees with transitionTopUp for any top-up and command", () => {
    fc.assert(
      fc.property(arbTopUp(), arbTopUpCommand, arbInstant, (topUp, command, at) => {
        expect(Result.isSuccess(checkTopUpCommand(topUp, command._tag))).toBe(
          Result.isSuccess(transitionTopUp(topUp, command, at)),
        )
      }),
    )
  })

  it("decided and cancelled top-ups accept nothing", () => {
    for (const state of ["approved", "rejected", "cancelled"] as const) {
      for (const tag of commandTags) expect(topUpTransitions[state][tag]).toBeUndefined()
    }
    expect(topUpStatesAccepting("Approve")).toEqual(["proof_submitted"])
  })
})

describe("top-up price", () => {
  it("is credits x price per credit, exactly, within [min, max]; refused outside", () => {
    fc.assert(
      fc.property(
        arbPolicy,
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.constant(9_007_199_254_740_991)),
        fc.integer({ min: -10, max: 3_000 }),
        (base, min, span, creditPriceMinor, credits) => {
          const policy = {
            ...base,
            credits: {
              ...base.credits,
              creditPriceMinor,
              topUpMinCredits: min,
              topUpMaxCredits: min + span,
            },
          }
          const price = priceTopUp(credits, policy)
          if (credits < min || credits > min + span) {
            expect(Result.isFailure(price)).toBe(true)
            if (Result.isFailure(price)) {
              expect(price.failure).toMatchObject({
                _tag: "TopUpOutOfRange",
                credits,
                min,
                max: min + span,
              })
            }
            return
          }
          expect(Result.isSuccess(price)).toBe(true)
          if (Result.isFailure(price)) return
          // Dividing back gives the credits with nothing left over, past 2^53 too.
          expect(price.success % BigInt(creditPriceMinor)).toBe(0n)
          expect(price.success / BigInt(creditPriceMinor)).toBe(BigInt(credits))
        },
      ),
    )
  })

  it("refuses fractional credits", () => {
    expect(Result.isFailure(priceTopUp(5.5, { credits: { ...policyCredits } }))).toBe(true)
  })
})

const policyCredits = {
  leadPrice: {},
  unlocksPerLead: 1,
  unlockHoldMinutes: 1,
  creditPriceMinor: 1_000,
  topUpMinCredits: 1,
  topUpMaxCredits: 100,
  refundReasons: [],
}

describe("top-up references", () => {
  it("are FND- and six Crockford base-32 characters, from the seeded Random", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const make = Effect.runSync(
          Effect.all([randomTopUpReference, randomTopUpReference]).pipe(Random.withSeed(seed)),
        )
        const again = Effect.runSync(
          Effect.all([randomTopUpReference, randomTopUpReference]).pipe(Random.withSeed(seed)),
        )
        expect(make).toEqual(again)
        for (const reference of make) expect(isTopUpReference(reference)).toBe(true)
      }),
    )
  })

  it("use every character of the alphabet and no ambiguous letter", () => {
    const references = Effect.runSync(
      Effect.all(Array.from({ length: 400 }, () => randomTopUpReference)).pipe(
        Random.withSeed("alphabet"),
      ),
    )
    const used = new Set(references.flatMap((r) => [...r.slice(4)]))
    expect([...used].sort().join("")).toBe("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    expect(isTopUpReference("FND-ILOU00")).toBe(false)
    expect(isTopUpReference("FND-7K3Q9")).toBe(false)
    expect(isTopUpReference("fnd-7k3q9x")).toBe(false)
  })
})
