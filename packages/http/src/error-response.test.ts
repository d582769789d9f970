import {
  AlreadyApproved,
  ApplicationAlreadyOpen,
  ApplicationNotFound,
  ApprovalRequired,
  BackgroundCheckNotPassed,
  BackgroundCheckUnavailable,
  InvalidInput,
  NothingToReapply,
  PartyNotFound,
  PersistenceUnavailable,
  PhoneAlreadyRegistered,
  ProfileIncomplete,
  ReapplyLockedOut,
  TransitionNotAllowed,
  VettingNotRequired,
} from "@fundi/core"
import { Cause } from "effect"
import { describe, expect, it } from "vitest"
import {
  causeResponse,
  type DomainError,
  domainErrorResponse,
  errorCode,
  type UnexpectedError,
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
    [new PersistenceUnavailable({ detail: "connection refused" }), 503, "persistence_unavailable"],
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
