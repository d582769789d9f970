import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isLeadEligible } from "../../vetting/domain/party.ops.ts"
import { arbEligibilityCase } from "../testing/eligibility.arbitraries.ts"
import type { IneligibleReason } from "./dispatch.errors.ts"
import { isEligible } from "./matching.ops.ts"
import { checkOverride, overridableGates } from "./override.ops.ts"

const neverOverridden: ReadonlyArray<IneligibleReason> = [
  "not_lead_eligible",
  "cohort",
  "unreachable",
  "already_offered",
]

describe("checkOverride (ops offer a request to a named provider)", () => {
  it("refuses exactly when the application gate, the cohort, reachability or a previous offer says no", () => {
    fc.assert(
      fc.property(arbEligibilityCase, ({ request, provider, application, context }) => {
        const override = checkOverride(provider, application, request, context)
        const matching = isEligible(provider, application, request, context)
        const hardFailure =
          Result.isFailure(matching) && neverOverridden.includes(matching.failure.reason)
        if (Result.isFailure(override)) {
          expect(neverOverridden).toContain(override.failure.reason)
          // The gate it names does fail: matching refuses too (maybe for an earlier reason).
          expect(Result.isFailure(matching)).toBe(true)
        }
        // Matching checks the hard gates first, except "already offered", so a hard refusal
        // by matching is a refusal of the override for the same reason.
        if (hardFailure) {
          expect(Result.isFailure(override)).toBe(true)
          if (Result.isFailure(override)) {
            expect(override.failure.reason).toBe(matching.failure.reason)
          }
        }
        const hardGatesPass =
          isLeadEligible(provider, application) &&
          provider.cohort === request.cohort &&
          (!context.whatsAppOptedOut || provider.profile.email !== undefined) &&
          !context.offersOnRequest.some(
            (o) => o.providerId === provider.id && o.requestId === request.id,
          )
        expect(Result.isSuccess(override)).toBe(hardGatesPass)
      }),
      { numRuns: 500 },
    )
  })

  it("lists no bypassed gate exactly when matching would offer, and always the one matching names", () => {
    fc.assert(
      fc.property(arbEligibilityCase, ({ request, provider, application, context }) => {
        const override = checkOverride(provider, application, request, context)
        fc.pre(Result.isSuccess(override))
        if (Result.isFailure(override)) return
        const bypassed = override.success
        const matching = isEligible(provider, application, request, context)
        expect(bypassed.length === 0).toBe(Result.isSuccess(matching))
        if (Result.isFailure(matching)) {
          expect(bypassed).toContain(matching.failure.reason)
        }
        // In the documented order, each at most once.
        expect(bypassed).toEqual(overridableGates.filter((g) => bypassed.includes(g)))
      }),
      { numRuns: 500 },
    )
  })

  it("bypasses a gate only when it fails: fixing the provider's categories clears `category`", () => {
    fc.assert(
      fc.property(arbEligibilityCase, ({ request, provider, application, context }) => {
        const fixed = {
          ...provider,
          profile: {
            ...provider.profile,
            categories: [...provider.profile.categories, request.category],
          },
        }
        const override = checkOverride(fixed, application, request, context)
        if (Result.isSuccess(override)) expect(override.success).not.toContain("category")
      }),
    )
  })
})
