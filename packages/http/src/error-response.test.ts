import {
  AccountNotFound,
  AlreadyApproved,
  AlreadySubscribed,
  ApplicationAlreadyOpen,
  ApplicationNotFound,
  ApprovalRequired,
  BackgroundCheckNotPassed,
  BackgroundCheckUnavailable,
  ContentTooLarge,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidInput,
  InvalidTransfer,
  NoProofOfPayment,
  NotAProvider,
  NothingToReapply,
  NotTopUpOwner,
  PartyNotFound,
  PaymentClosed,
  PaymentGatewayRefused,
  PaymentGatewayUnavailable,
  PaymentMismatch,
  PaymentNotFound,
  PersistenceUnavailable,
  PhoneAlreadyRegistered,
  ProfileIncomplete,
  ReapplyLockedOut,
  SubscriptionNotFound,
  TopUpNotFound,
  TopUpOutOfRange,
  TransitionNotAllowed,
  UnknownPlan,
  UnsupportedContent,
  VettingNotRequired,
  WeeklyBudgetExceeded,
} from "@fundi/core"
import { Cause } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  causeResponse,
  type DomainError,
  domainErrorResponse,
  errorCode,
  pathForLog,
  type UnexpectedError,
  withoutTokens,
} from "./error-response.ts"

const request = { method: "POST", path: "/api/v1/parties" }

const collect = () => {
  const logged: Array<UnexpectedError> = []
  return { logged, log: (e: UnexpectedError) => void logged.push(e) }
}

describe("errorCode", () => {
  it("turns a tag into snake_case", () => {
    expect(errorCode("InvalidInput")).toBe("invalid_input")
    expect(errorCode("ReapplyLockedOut")).toBe("reapply_locked_out")
    expect(errorCode("PersistenceUnavailable")).toBe("persistence_unavailable")
    expect(errorCode("NotAProvider")).toBe("not_a_provider")
    expect(errorCode("TopUpNotFound")).toBe("top_up_not_found")
  })
})

describe("domainErrorResponse", () => {
  const cases: ReadonlyArray<readonly [DomainError, number, string]> = [
    [new InvalidInput({ issues: [{ path: "phone", message: "bad" }] }), 400, "invalid_input"],
    [new PartyNotFound({ partyId: "pty_x" }), 404, "party_not_found"],
    [new ApplicationNotFound({ applicationId: "app_x" }), 404, "application_not_found"],
    [
      new PhoneAlreadyRegistered({ phone: "+27821234567", partyId: "pty_x" }),
      409,
      "phone_already_registered",
    ],
    [
      new TransitionNotAllowed({
        entity: "application",
        id: "app_x",
        from: "approved",
        command: "Submit",
        allowedFrom: ["draft"],
      }),
      409,
      "transition_not_allowed",
    ],
    [
      new ApplicationAlreadyOpen({ applicationId: "app_x", state: "submitted" }),
      409,
      "application_already_open",
    ],
    [new ReapplyLockedOut({ partyId: "pty_x", until: 0 }), 409, "reapply_locked_out"],
    [new NothingToReapply({ partyId: "pty_x" }), 409, "nothing_to_reapply"],
    [
      new BackgroundCheckNotPassed({ applicationId: "app_x", result: "failed" }),
      409,
      "background_check_not_passed",
    ],
    [new AlreadyApproved({ partyId: "pty_x", applicationId: "app_x" }), 409, "already_approved"],
    [
      new ApprovalRequired({ partyId: "pty_x", applicationState: "none" }),
      409,
      "approval_required",
    ],
    [new VettingNotRequired({ partyId: "pty_x", kind: "customer" }), 409, "vetting_not_required"],
    [
      new ProfileIncomplete({ completeness: 40, minimum: 60, missing: ["bio"] }),
      422,
      "profile_incomplete",
    ],
    [new TopUpOutOfRange({ credits: 2, min: 5, max: 1000 }), 400, "top_up_out_of_range"],
    [new NotAProvider({ partyId: "pty_x" }), 404, "not_a_provider"],
    [new TopUpNotFound({ topUpId: "tpu_x" }), 404, "top_up_not_found"],
    [new AccountNotFound({ accountId: "credits:pty_x" }), 404, "account_not_found"],
    [
      new InsufficientFunds({
        accountId: "credits:pty_x",
        balance: 1n,
        requested: 5n,
        unit: "CREDIT",
      }),
      409,
      "insufficient_funds",
    ],
    [
      new WeeklyBudgetExceeded({ budget: 10, spent: 8, requested: 5, resetsAt: 0 }),
      409,
      "weekly_budget_exceeded",
    ],
    [new IdempotencyConflict({ transferId: "t" }), 409, "idempotency_conflict"],
    [new NoProofOfPayment({ topUpId: "tpu_x" }), 409, "no_proof_of_payment"],
    [new InvalidTransfer({ transferId: "t", problem: "unit" }), 422, "invalid_transfer"],
    [new ContentTooLarge({ size: 10, limit: 5 }), 413, "content_too_large"],
    [
      new UnsupportedContent({ detected: "image/gif", allowed: ["application/pdf"] }),
      415,
      "unsupported_content",
    ],
    [new PersistenceUnavailable({ detail: "connection refused" }), 503, "persistence_unavailable"],
    [new SubscriptionNotFound({ subscriptionId: "sub_x" }), 404, "subscription_not_found"],
    [new PaymentNotFound({ reference: "FND-SUB-X" }), 404, "payment_not_found"],
    [new UnknownPlan({ planId: "gold", known: ["premium"] }), 422, "unknown_plan"],
    [
      new AlreadySubscribed({ subscriptionId: "sub_x", planId: "premium" }),
      409,
      "already_subscribed",
    ],
    [new PaymentClosed({ reference: "FND-SUB-X", state: "paid" }), 409, "payment_closed"],
    [new PaymentGatewayUnavailable({ detail: "timeout" }), 503, "payment_gateway_unavailable"],
    [
      new PaymentGatewayRefused({ code: "duplicate_reference", detail: "Duplicate" }),
      502,
      "payment_gateway_refused",
    ],
    [new PaymentMismatch({ reference: "FND-SUB-X", detail: "amount" }), 409, "payment_mismatch"],
    [new BackgroundCheckUnavailable({ detail: "timeout" }), 503, "background_check_unavailable"],
  ]

  it.each(cases)("%s maps to its status, code and own message", (error, status, code) => {
    const response = domainErrorResponse(error)
    expect(response.status).toBe(status)
    expect(response.body.error).toBe(code)
    expect(response.body.message).toBe(error.message)
  })

  it("lists field-level issues for invalid input", () => {
    const response = domainErrorResponse(
      new InvalidInput({
        issues: [
          { path: "phone", message: "must be an E.164 phone number such as +27821234567" },
          { path: "kind", message: "is required" },
        ],
      }),
    )
    expect(response.body).toEqual({
      error: "invalid_input",
      message: "phone: must be an E.164 phone number such as +27821234567; kind: is required",
      issues: [
        { path: "phone", message: "must be an E.164 phone number such as +27821234567" },
        { path: "kind", message: "is required" },
      ],
    })
  })

  it("gives the lockout end as ISO-8601", () => {
    const until = Date.UTC(2025, 5, 1, 12, 0, 0)
    const response = domainErrorResponse(new ReapplyLockedOut({ partyId: "pty_x", until }))
    expect(response.body.until).toBe("2025-06-01T12:00:00.000Z")
  })

  it("names what an incomplete profile is missing", () => {
    const response = domainErrorResponse(
      new ProfileIncomplete({ completeness: 40, minimum: 60, missing: ["bio", "documents"] }),
    )
    expect(response.body).toMatchObject({
      missing: ["bio", "documents"],
      completeness: 40,
      minimum: 60,
    })
  })

  it("gives ledger amounts as strings of digits, exact past 2^53", () => {
    const response = domainErrorResponse(
      new InsufficientFunds({
        accountId: "earnings:pty_x",
        balance: 9007199254740993n,
        requested: 9007199254740995n,
        unit: "ZAR",
      }),
    )
    expect(response.body).toMatchObject({
      balance: "9007199254740993",
      requested: "9007199254740995",
      unit: "ZAR",
    })
    expect(() => JSON.stringify(response.body)).not.toThrow()
  })

  it("says when a weekly budget resets, as ISO-8601", () => {
    const resetsAt = Date.UTC(2026, 2, 16)
    const response = domainErrorResponse(
      new WeeklyBudgetExceeded({ budget: 10, spent: 8, requested: 5, resetsAt }),
    )
    expect(response.body).toMatchObject({
      budget: 10,
      spent: 8,
      requested: 5,
      resetsAt: "2026-03-16T00:00:00.000Z",
    })
  })

  it("names what an unsupported file was detected as, and the limit of a large one", () => {
    expect(
      domainErrorResponse(
        new UnsupportedContent({
          detected: "image/gif",
          allowed: ["application/pdf", "image/png"],
        }),
      ).body,
    ).toMatchObject({ detected: "image/gif", allowed: ["application/pdf", "image/png"] })
    expect(domainErrorResponse(new ContentTooLarge({ size: 10, limit: 5 })).body).toMatchObject({
      size: 10,
      limit: 5,
    })
  })

  it("names credits when a top-up is out of range, like any bad field", () => {
    const body = domainErrorResponse(new TopUpOutOfRange({ credits: 2, min: 5, max: 1000 })).body
    expect(body.issues).toEqual([{ path: "credits", message: "must be from 5 to 1000" }])
  })

  it("answers another provider's top-up exactly like an unknown one", () => {
    const owned = domainErrorResponse(new NotTopUpOwner({ topUpId: "tpu_x", partyId: "pty_y" }))
    const unknown = domainErrorResponse(new TopUpNotFound({ topUpId: "tpu_x" }))
    expect(owned).toEqual(unknown)
    expect(JSON.stringify(owned)).not.toContain("pty_y")
  })

  it("asks clients to retry after an outage", () => {
    const response = domainErrorResponse(new PersistenceUnavailable({ detail: "down" }))
    expect(response.headers?.["Retry-After"]).toBeDefined()
  })
})

describe("causeResponse", () => {
  it("maps a typed failure through the table without logging", () => {
    const { logged, log } = collect()
    const response = causeResponse(
      Cause.fail(new PartyNotFound({ partyId: "pty_x" })),
      request,
      log,
    )
    expect(response.status).toBe(404)
    expect(logged).toEqual([])
  })

  it("answers a defect with a generic 500 and logs the stack under the same id", () => {
    const { logged, log } = collect()
    const defect = new Error("secret connection string postgres://user:pw@db")
    const response = causeResponse(Cause.die(defect), request, log)
    expect(response.status).toBe(500)
    expect(response.body.error).toBe("internal_error")
    expect(JSON.stringify(response.body)).not.toContain("secret")
    expect(JSON.stringify(response.body)).not.toMatch(/\\n\s+at /)
    expect(logged).toHaveLength(1)
    expect(logged[0]!.errorId).toBe(response.body.errorId)
    expect(logged[0]!.detail).toContain("secret connection string")
    expect(logged[0]!.path).toBe("/api/v1/parties")
  })

  it("treats an unknown failure value as unexpected", () => {
    const { logged, log } = collect()
    const response = causeResponse(Cause.fail(new Error("boom")), request, log)
    expect(response.status).toBe(500)
    expect(logged).toHaveLength(1)
  })

  it("treats a domain failure that came with a defect as unexpected", () => {
    const { log } = collect()
    const cause = Cause.combine(
      Cause.fail(new PartyNotFound({ partyId: "pty_x" })),
      Cause.die("bug"),
    )
    expect(causeResponse(cause, request, log).status).toBe(500)
  })

  it("answers an interruption with 503", () => {
    const { logged, log } = collect()
    expect(causeResponse(Cause.interrupt(), request, log).status).toBe(503)
    expect(logged).toEqual([])
  })
})

describe("pathForLog", () => {
  it("leaves the bearer token of a link path out of what is logged, and keeps the rest", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("l", "h", "p"),
        fc.stringMatching(/^[A-Za-z0-9_.~-]{1,300}$/),
        fc.constantFrom("", "/unlock", "/return", "/choose-time"),
        (kind, token, rest) => {
          const logged = pathForLog(`/${kind}/${token}${rest}`)
          expect(logged).toBe(`/${kind}/[token]${rest}`)
          const entries: Array<UnexpectedError> = []
          withoutTokens((e) => void entries.push(e))({
            errorId: "e1",
            method: "POST",
            path: `/${kind}/${token}${rest}`,
            detail: "boom",
          })
          expect(entries.map((e) => e.path)).toEqual([logged])
        },
      ),
    )
  })

  it("changes no other path", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\/[a-z0-9/_-]{0,60}$/).filter((p) => !/^\/(l|h|p)\/[^/]/.test(p)),
        (path) => {
          expect(pathForLog(path)).toBe(path)
        },
      ),
    )
  })
})
