import {
  AccountNotFound,
  AlreadyApproved,
  AlreadySubscribed,
  ApplicationAlreadyOpen,
  ApplicationNotFound,
  ApprovalRequired,
  BackgroundCheckNotPassed,
  BackgroundCheckUnavailable,
  ContactAlreadyReleased,
  ContactNotReleased,
  ContentTooLarge,
  CustomerNotActive,
  DuplicateSlots,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidInput,
  InvalidTransfer,
  LeadAlreadyAssigned,
  LeadNotExpired,
  LeadNotUnlocked,
  LeadPriceMissing,
  LeadRefundNotFound,
  LeadsNotSold,
  NoProofOfPayment,
  NotADuplicate,
  NotAProvider,
  NothingToReapply,
  NotOfferProvider,
  NotRequestOwner,
  NotTopUpOwner,
  OfferLapsed,
  OfferNotDue,
  OfferNotFound,
  OfferTransitionNotAllowed,
  OverlappingSlots,
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
  RefundAlreadyClaimed,
  RefundAlreadyDecided,
  RefundReasonNotAllowed,
  RefundWindowClosed,
  RequestNotDispatching,
  RequestNotFound,
  RequestNotWithdrawn,
  SlotEndsBeforeStart,
  SlotLengthOutOfBounds,
  SlotNotInFuture,
  SlotTooFarAhead,
  SlotUnavailable,
  SubscriptionNotFound,
  TopUpNotFound,
  TopUpOutOfRange,
  TransitionNotAllowed,
  UnknownPlan,
  UnsupportedContent,
  VettingNotRequired,
  WeeklyBudgetExceeded,
  WrongNumberOfSlots,
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
  | NotAProvider
  | TopUpNotFound
  | NotTopUpOwner
  | TopUpOutOfRange
  | NoProofOfPayment
  | InsufficientFunds
  | WeeklyBudgetExceeded
  | IdempotencyConflict
  | AccountNotFound
  | InvalidTransfer
  | UnsupportedContent
  | ContentTooLarge
  | RequestNotFound
  | NotRequestOwner
  | CustomerNotActive
  // Offers (dispatch): the homeowner answering proposed times, and what they can meet.
  | DuplicateSlots
  | LeadAlreadyAssigned
  | LeadPriceMissing
  | OfferLapsed
  | OfferNotDue
  | OfferNotFound
  | OfferTransitionNotAllowed
  | OverlappingSlots
  | RequestNotDispatching
  | SlotEndsBeforeStart
  | SlotNotInFuture
  | SlotLengthOutOfBounds
  | SlotTooFarAhead
  | SlotUnavailable
  | WrongNumberOfSlots
  // Lead refund claims (a provider's, over HTTP) and their decisions (ops, from the CLI).
  | ContactAlreadyReleased
  | ContactNotReleased
  | LeadNotExpired
  | LeadNotUnlocked
  | LeadRefundNotFound
  | LeadsNotSold
  | NotADuplicate
  | NotOfferProvider
  | RefundAlreadyClaimed
  | RefundAlreadyDecided
  | RefundReasonNotAllowed
  | RefundWindowClosed
  | RequestNotWithdrawn
  // Subscriptions and their payments (payment links, the gateway's webhook).
  | SubscriptionNotFound
  | PaymentNotFound
  | UnknownPlan
  | AlreadySubscribed
  | PaymentClosed
  | PaymentGatewayUnavailable
  | PaymentGatewayRefused
  | PaymentMismatch

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
  NotAProvider,
  TopUpNotFound,
  NotTopUpOwner,
  TopUpOutOfRange,
  NoProofOfPayment,
  InsufficientFunds,
  WeeklyBudgetExceeded,
  IdempotencyConflict,
  AccountNotFound,
  InvalidTransfer,
  UnsupportedContent,
  ContentTooLarge,
  RequestNotFound,
  NotRequestOwner,
  CustomerNotActive,
  DuplicateSlots,
  LeadAlreadyAssigned,
  LeadPriceMissing,
  OfferLapsed,
  OfferNotDue,
  OfferNotFound,
  OfferTransitionNotAllowed,
  OverlappingSlots,
  RequestNotDispatching,
  SlotEndsBeforeStart,
  SlotNotInFuture,
  SlotLengthOutOfBounds,
  SlotTooFarAhead,
  SlotUnavailable,
  WrongNumberOfSlots,
  ContactAlreadyReleased,
  ContactNotReleased,
  LeadNotExpired,
  LeadNotUnlocked,
  LeadRefundNotFound,
  LeadsNotSold,
  NotADuplicate,
  NotOfferProvider,
  RefundAlreadyClaimed,
  RefundAlreadyDecided,
  RefundReasonNotAllowed,
  RefundWindowClosed,
  RequestNotWithdrawn,
  SubscriptionNotFound,
  PaymentNotFound,
  UnknownPlan,
  AlreadySubscribed,
  PaymentClosed,
  PaymentGatewayUnavailable,
  PaymentGatewayRefused,
  PaymentMismatch,
] as const

export const isDomainError = (u: unknown): u is DomainError =>
  domainErrorClasses.some((C) => u instanceof C)

/** "ReapplyLockedOut" -> "reapply_locked_out", "NotAProvider" -> "not_a_provider": the `error` code clients see. */
export const errorCode = (tag: string): string =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()

/**
 * The HTTP status of each domain error. Typed as a total map over the tags, so adding an
 * error to `DomainError` without deciding its status fails the typecheck.
 *
 * Wallet choices: InsufficientFunds is 409, not 402 — 402 is "reserved for future use",
 * and some clients and proxies treat it as a paywall; the request was fine, the wallet's
 * state conflicts with it. NotAProvider is 404: a customer has no wallet or top-ups, so the
 * resource named by the URL does not exist. NotTopUpOwner is 404 too, so a URL cannot
 * probe another provider's top-ups. TopUpOutOfRange is a 400 naming `credits`, like any
 * other bad field.
 */
export const statusOf: { readonly [K in DomainError["_tag"]]: ContentfulStatusCode } = {
  InvalidInput: 400,
  TopUpOutOfRange: 400,
  PartyNotFound: 404,
  ApplicationNotFound: 404,
  NotAProvider: 404,
  TopUpNotFound: 404,
  NotTopUpOwner: 404,
  AccountNotFound: 404,
  InsufficientFunds: 409,
  WeeklyBudgetExceeded: 409,
  IdempotencyConflict: 409,
  NoProofOfPayment: 409,
  InvalidTransfer: 422,
  ContentTooLarge: 413,
  UnsupportedContent: 415,
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
  RequestNotFound: 404,
  // Like NotTopUpOwner: answered as an unknown request, so ids cannot be probed.
  NotRequestOwner: 404,
  CustomerNotActive: 409,
  OfferNotFound: 404,
  LeadAlreadyAssigned: 409,
  RequestNotDispatching: 409,
  OfferTransitionNotAllowed: 409,
  OfferLapsed: 409,
  OfferNotDue: 409,
  SlotUnavailable: 409,
  // Proposed times that break the rule are well-formed JSON with the wrong content.
  WrongNumberOfSlots: 422,
  SlotEndsBeforeStart: 422,
  SlotNotInFuture: 422,
  SlotTooFarAhead: 422,
  SlotLengthOutOfBounds: 422,
  DuplicateSlots: 422,
  OverlappingSlots: 422,
  // The policy, not the caller, is at fault: nobody can take the lead until ops fix it.
  LeadPriceMissing: 503,
  // Like NotRequestOwner: answered as an unknown offer, so ids cannot be probed.
  NotOfferProvider: 404,
  LeadRefundNotFound: 404,
  // Refund preconditions that depend on the state of the offer, request or claim: the
  // request was well-formed, the world does not (or no longer) allow it.
  LeadsNotSold: 409,
  LeadNotUnlocked: 409,
  RefundAlreadyClaimed: 409,
  RefundWindowClosed: 409,
  ContactNotReleased: 409,
  RequestNotWithdrawn: 409,
  ContactAlreadyReleased: 409,
  LeadNotExpired: 409,
  RefundAlreadyDecided: 409,
  // The claim's own content is what is wrong: a reason the policy refuses, or a request
  // named as the duplicate that is not one.
  RefundReasonNotAllowed: 422,
  NotADuplicate: 422,
  SubscriptionNotFound: 404,
  PaymentNotFound: 404,
  // A plan id the policy does not sell: the content is wrong, like a refused refund reason.
  UnknownPlan: 422,
  AlreadySubscribed: 409,
  PaymentClosed: 409,
  PaymentGatewayUnavailable: 503,
  // The gateway, not the caller, said no (a duplicate reference, a misconfigured key): the
  // upstream answer is what failed, and retrying as is will not help.
  PaymentGatewayRefused: 502,
  // What the gateway took differs from what was owed: a conflict for ops, not a retry.
  PaymentMismatch: 409,
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
    case "NotAProvider":
      return { partyId: e.partyId }
    case "TopUpNotFound":
    case "NoProofOfPayment":
      return { topUpId: e.topUpId }
    // The same answer as for an unknown id: whose top-up it is stays private.
    case "NotTopUpOwner":
      return { topUpId: e.topUpId }
    case "TopUpOutOfRange":
      return {
        issues: [{ path: "credits", message: `must be from ${e.min} to ${e.max}` }],
        min: e.min,
        max: e.max,
      }
    case "InsufficientFunds":
      return {
        balance: e.balance.toString(),
        requested: e.requested.toString(),
        unit: e.unit,
      }
    case "WeeklyBudgetExceeded":
      return {
        budget: e.budget,
        spent: e.spent,
        requested: e.requested,
        resetsAt: new Date(e.resetsAt).toISOString(),
      }
    case "IdempotencyConflict":
      return { transferId: e.transferId }
    case "AccountNotFound":
      return { accountId: e.accountId }
    case "InvalidTransfer":
      return { problem: e.problem }
    case "UnsupportedContent":
      return { detected: e.detected, allowed: [...e.allowed] }
    case "ContentTooLarge":
      return { size: e.size, limit: e.limit }
    case "RequestNotFound":
    case "NotRequestOwner":
      return { requestId: e.requestId }
    case "CustomerNotActive":
      return { partyId: e.partyId, kind: e.kind, status: e.status }
    case "OfferNotFound":
      return { offerId: e.offerId }
    // Who got the lead stays between the homeowner and that provider.
    case "LeadAlreadyAssigned":
      return { requestId: e.requestId }
    case "RequestNotDispatching":
      return { requestId: e.requestId, state: e.state }
    case "OfferTransitionNotAllowed":
      return {
        offerId: e.offerId,
        from: e.from,
        command: e.command,
        allowedFrom: [...e.allowedFrom],
        ...(e.expiryCause === undefined ? {} : { expiryCause: e.expiryCause }),
      }
    case "OfferLapsed":
    case "OfferNotDue":
      return { offerId: e.offerId, deadline: new Date(e.deadline).toISOString() }
    case "SlotUnavailable":
      return { offerId: e.offerId, slot: e.slot }
    case "WrongNumberOfSlots":
      return { count: e.count }
    case "SlotEndsBeforeStart":
    case "SlotNotInFuture":
      return { index: e.index }
    case "SlotTooFarAhead":
      return { index: e.index, latest: new Date(e.latest).toISOString() }
    case "SlotLengthOutOfBounds":
      return { index: e.index, minutes: e.minutes, min: e.min, max: e.max }
    case "DuplicateSlots":
    case "OverlappingSlots":
      return { first: e.first, second: e.second }
    case "LeadPriceMissing":
      return {}
    case "NotOfferProvider":
      return { offerId: e.offerId }
    case "LeadRefundNotFound":
      return { refundId: e.refundId }
    case "LeadsNotSold":
      return { model: e.model }
    case "LeadNotUnlocked":
    case "ContactNotReleased":
    case "LeadNotExpired":
      return { offerId: e.offerId, state: e.state }
    case "RefundAlreadyClaimed":
      return { offerId: e.offerId, refundId: e.refundId }
    case "RefundWindowClosed":
      return { offerId: e.offerId, closedAt: new Date(e.closedAt).toISOString() }
    case "ContactAlreadyReleased":
      return { offerId: e.offerId }
    case "RequestNotWithdrawn":
      return { requestId: e.requestId, state: e.state }
    case "RefundAlreadyDecided":
      return { refundId: e.refundId, state: e.state }
    case "RefundReasonNotAllowed":
      return { reason: e.reason, allowed: [...e.allowed] }
    case "SubscriptionNotFound":
      return { subscriptionId: e.subscriptionId }
    case "PaymentNotFound":
      return { reference: e.reference }
    case "UnknownPlan":
      return { planId: e.planId, known: [...e.known] }
    case "AlreadySubscribed":
      return { subscriptionId: e.subscriptionId, planId: e.planId }
    case "PaymentClosed":
      return { reference: e.reference, state: e.state }
    case "PaymentGatewayRefused":
      return { code: e.code }
    case "PaymentMismatch":
      return { reference: e.reference }
    case "NotADuplicate":
      return {
        requestId: e.requestId,
        duplicateOf: e.duplicateOf ?? null,
        problem: e.problem,
        issues: [{ path: "duplicateOf", message: e.message }],
      }
    case "NothingToReapply":
    case "BackgroundCheckNotPassed":
    case "VettingNotRequired":
    case "PersistenceUnavailable":
    case "BackgroundCheckUnavailable":
    case "PaymentGatewayUnavailable":
      return {}
  }
}

export const domainErrorResponse = (e: DomainError): ErrorResponse =>
  // Someone else's top-up or request is answered exactly like an unknown one: a URL must
  // not reveal which ids exist.
  e._tag === "NotTopUpOwner"
    ? domainErrorResponse(new TopUpNotFound({ topUpId: e.topUpId }))
    : e._tag === "NotRequestOwner"
      ? domainErrorResponse(new RequestNotFound({ requestId: e.requestId }))
      : e._tag === "NotOfferProvider"
        ? domainErrorResponse(new OfferNotFound({ offerId: e.offerId }))
        : {
            status: statusOf[e._tag],
            body: { error: errorCode(e._tag), message: e.message, ...detailsOf(e) },
            // Outages are temporary: tell well-behaved clients to come back rather than give up.
            ...(statusOf[e._tag] === 503 ? { headers: { "Retry-After": "5" } } : {}),
          }

/** What the server logs about an unexpected failure; the client only sees `errorId`. */
export interface UnexpectedError {
  readonly errorId: string
  readonly method: string
  readonly path: string
  /** The full cause (stack included): for the log, never for the response. */
  readonly detail: string
}

export type ErrorLogger = (entry: UnexpectedError) => void

/**
 * A request path as it may be logged or echoed: the bearer token of a link path (`/l/…`,
 * `/h/…`, `/p/…`) left out, since whoever reads a log must not be able to open the page.
 */
export const pathForLog = (path: string): string => path.replace(/^\/(l|h|p)\/[^/]+/, "/$1/[token]")

/** `log` with every entry's path passed through `pathForLog`. */
export const withoutTokens =
  (log: ErrorLogger): ErrorLogger =>
  (entry) =>
    log({ ...entry, path: pathForLog(entry.path) })

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
