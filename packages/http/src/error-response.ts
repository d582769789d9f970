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
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"

/**
 * The one error shape of the JSON API: `error` is a stable snake_case code clients branch
 * on, `message` is for people. Some errors add fields (`issues`, `until`, `missing`…).
 */
export interface ErrorBody {
  readonly error: string
  readonly message: string
  readonly [extra: string]: unknown
}

export interface ErrorResponse {
  readonly status: ContentfulStatusCode
  readonly body: ErrorBody
  readonly headers?: Readonly<Record<string, string>>
}

/** Every tagged error a use case reachable from HTTP can fail with. */
export type DomainError =
  | InvalidInput
  | PersistenceUnavailable
  | PartyNotFound
  | ApplicationNotFound
  | PhoneAlreadyRegistered
  | TransitionNotAllowed
  | ApplicationAlreadyOpen
  | ReapplyLockedOut
  | ProfileIncomplete
  | NothingToReapply
  | BackgroundCheckNotPassed
  | BackgroundCheckUnavailable
  | AlreadyApproved
  | ApprovalRequired
  | VettingNotRequired

const domainErrorClasses = [
  InvalidInput,
  PersistenceUnavailable,
  PartyNotFound,
  ApplicationNotFound,
  PhoneAlreadyRegistered,
  TransitionNotAllowed,
  ApplicationAlreadyOpen,
  ReapplyLockedOut,
  ProfileIncomplete,
  NothingToReapply,
  BackgroundCheckNotPassed,
  BackgroundCheckUnavailable,
  AlreadyApproved,
  ApprovalRequired,
  VettingNotRequired,
] as const

export const isDomainError = (u: unknown): u is DomainError =>
  domainErrorClasses.some((C) => u instanceof C)

/** "ReapplyLockedOut" -> "reapply_locked_out": the `error` code clients see. */
export const errorCode = (tag: string): string =>
  tag.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()

/**
 * The HTTP status of each domain error. Typed as a total map over the tags, so adding an
 * error to `DomainError` without deciding its status fails the typecheck.
 */
export const statusOf: { readonly [K in DomainError["_tag"]]: ContentfulStatusCode } = {
  InvalidInput: 400,
  PartyNotFound: 404,
  ApplicationNotFound: 404,
  PhoneAlreadyRegistered: 409,
  TransitionNotAllowed: 409,
  ApplicationAlreadyOpen: 409,
  ReapplyLockedOut: 409,
  NothingToReapply: 409,
  BackgroundCheckNotPassed: 409,
  AlreadyApproved: 409,
  ApprovalRequired: 409,
  VettingNotRequired: 409,
  ProfileIncomplete: 422,
  PersistenceUnavailable: 503,
  BackgroundCheckUnavailable: 503,
}

/** Fields beyond `error` and `message` that help a client act on the error. */
const detailsOf = (e: DomainError): Record<string, unknown> => {
  switch (e._tag) {
    case "InvalidInput":
      return { issues: e.issues.map((i) => ({ path: i.path, message: i.message })) }
    case "PartyNotFound":
      return { partyId: e.partyId }
    case "ApplicationNotFound":
      return { applicationId: e.applicationId }
    case "PhoneAlreadyRegistered":
      return { partyId: e.partyId }
    case "TransitionNotAllowed":
      return { from: e.from, command: e.command, allowedFrom: [...e.allowedFrom] }
    case "ApplicationAlreadyOpen":
      return { applicationId: e.applicationId, state: e.state }
    case "ReapplyLockedOut":
      return { until: new Date(e.until).toISOString() }
    case "ProfileIncomplete":
      return { completeness: e.completeness, minimum: e.minimum, missing: [...e.missing] }
    case "AlreadyApproved":
      return { applicationId: e.applicationId }
    case "ApprovalRequired":
      return { applicationState: e.applicationState }
    case "NothingToReapply":
    case "BackgroundCheckNotPassed":
    case "VettingNotRequired":
    case "PersistenceUnavailable":
    case "BackgroundCheckUnavailable":
      return {}
  }
}

export const domainErrorResponse = (e: DomainError): ErrorResponse => ({
  status: statusOf[e._tag],
  body: { error: errorCode(e._tag), message: e.message, ...detailsOf(e) },
  // Outages are temporary: tell well-behaved clients to come back rather than give up.
  ...(statusOf[e._tag] === 503 ? { headers: { "Retry-After": "5" } } : {}),
})

/** What the server logs about an unexpected failure; the client only sees `errorId`. */
export interface UnexpectedError {
  readonly errorId: string
  readonly method: string
  readonly path: string
  /** The full cause (stack included): for the log, never for the response. */
  readonly detail: string
}

export type ErrorLogger = (entry: UnexpectedError) => void

export const logToConsole: ErrorLogger = (entry) => {
  console.error(
    `[fundi http] unexpected error ${entry.errorId} on ${entry.method} ${entry.path}\n${entry.detail}`,
  )
}

export const internalErrorResponse = (errorId: string): ErrorResponse => ({
  status: 500,
  body: {
    error: "internal_error",
    message: `an unexpected error occurred; quote reference ${errorId} when reporting it`,
    errorId,
  },
})

/**
 * Turns the cause of a failed effect into a response. A domain error maps through
 * `statusOf`; anything else (a defect, an unknown failure) is logged with a fresh id and
 * answered with a generic 500, so no stack or internal detail reaches the client.
 */
export const causeResponse = (
  cause: Cause.Cause<unknown>,
  request: { readonly method: string; readonly path: string },
  log: ErrorLogger,
): ErrorResponse => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some" && isDomainError(failure.value) && !Cause.hasDies(cause)) {
    return domainErrorResponse(failure.value)
  }
  if (Cause.hasInterruptsOnly(cause)) {
    // Only happens while the runtime shuts down: the work was abandoned, not done.
    return {
      status: 503,
      body: { error: "unavailable", message: "the server is shutting down; try again" },
      headers: { "Retry-After": "5" },
    }
  }
  const errorId = crypto.randomUUID()
  log({ errorId, method: request.method, path: request.path, detail: Cause.pretty(cause) })
  return internalErrorResponse(errorId)
}

/** Errors raised by the HTTP layer itself, before a use case runs. */
export const httpError = (
  status: ContentfulStatusCode,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorResponse => ({ status, body: { error, message, ...extra } })

/** Sends an error response through hono, so headers set by earlier middleware survive. */
export const sendError = (c: Context, e: ErrorResponse): Response =>
  c.json(e.body, e.status, e.headers ?? {})
