import { Result, Schema } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { arbServiceRequest } from "../testing/request-repository.arbitraries.ts"
import { opsAlertTemplates, unfulfilledAlert } from "./ops-alerts.ts"

const decodePolicy = Schema.decodeUnknownResult(MarketplacePolicy)
const arbEmail = fc.emailAddress().filter((e) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(e))

describe("unfulfilledAlert (ops are told when dispatch gives up)", () => {
  it("one email to the policy's ops address naming the request, or nothing without one", () => {
    fc.assert(
      fc.property(
        arbServiceRequest({ state: "unfulfilled" }),
        arbPolicy,
        fc.option(arbEmail, { nil: undefined }),
        fc.nat(20),
        fc.uuid(),
        (request, base, alertEmail, offersMade, eventId) => {
          const decoded = decodePolicy({
            ...base,
            ops: alertEmail === undefined ? {} : { alertEmail },
          })
          expect(Result.isSuccess(decoded)).toBe(true)
          if (Result.isFailure(decoded)) return
          const drafts = unfulfilledAlert(eventId, request, offersMade, decoded.success)
          if (alertEmail === undefined) {
            expect(drafts).toEqual([])
            return
          }
          expect(drafts).toHaveLength(1)
          const [mail] = drafts
          expect(mail).toMatchObject({
            channel: "email",
            to: alertEmail,
            template: opsAlertTemplates.requestUnfulfilled,
            dedupeKey: `${eventId}:email:${opsAlertTemplates.requestUnfulfilled}`,
          })
          // Addressed to ops, not to a party; ops look the homeowner up from the request.
          expect(mail!.partyId).toBeUndefined()
          expect(mail!.body).toContain(request.id)
          // Only what ops can do with an unfulfilled request: dispatch and override refuse it.
          expect(mail!.body).toContain(`fundi ops requests show ${request.id}`)
          expect(mail!.body).not.toContain("fundi ops dispatch")
          expect(mail!.subject).toContain(request.id)
          expect(mail!.body).not.toContain(request.customerId)
        },
      ),
    )
  })

  it("the ops section is optional (presets stay valid) and a bad address is refused", () => {
    for (const preset of [creditsPreset, subscriptionPreset]) {
      expect(Result.isSuccess(decodePolicy(preset))).toBe(true)
      expect(unfulfilledAlert("e", {} as never, 0, preset)).toEqual([])
    }
    expect(Result.isFailure(decodePolicy({ ...creditsPreset, ops: { alertEmail: "ops" } }))).toBe(
      true,
    )
  })
})
