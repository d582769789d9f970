import { Result, Schema } from "effect"
import { InvalidInput } from "../../shared/errors.ts"
import type { EventId, PartyId, RequestId } from "../../shared/ids.ts"
import type { Instant } from "../../shared/time.ts"
import { TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { type RequestCommandTag, requestTransitions } from "./service-request.transitions.ts"
import type { Availability, RequestState, ServiceRequest } from "./service-request.ts"

/** What can be done to a request; the table in service-request.transitions.ts says from where. */
export type RequestCommand =
  | { readonly _tag: "AskClarification"; readonly by: string; readonly question: string }
  | { readonly _tag: "Answer"; readonly text: string }
  | { readonly _tag: "MarkReady"; readonly by: string }
  | { readonly _tag: "StartDispatch" }
  | { readonly _tag: "Assign"; readonly providerId: PartyId }
  | { readonly _tag: "GiveUp" }
  | { readonly _tag: "Cancel"; readonly byCustomer: boolean; readonly reason: string }

interface RequestEventBase {
  readonly eventId: EventId
  readonly at: Instant
  readonly requestId: RequestId
  readonly customerId: PartyId
}

/** What happened to a request; the request notification policy reads these. */
export type RequestEvent = RequestEventBase &
  (
    | { readonly _tag: "RequestSubmitted" }
    | { readonly _tag: "ClarificationRequested"; readonly question: string }
    | { readonly _tag: "ClarificationAnswered"; readonly text: string }
    | { readonly _tag: "RequestMarkedReady" }
    | { readonly _tag: "RequestDispatchStarted" }
    | { readonly _tag: "RequestAssigned"; readonly providerId: PartyId }
    | { readonly _tag: "RequestUnfulfilled" }
    | {
        readonly _tag: "RequestCancelled"
        readonly reason: string
        /** Whether the homeowner cancelled it themselves (else ops or the system did). */
        readonly byCustomer: boolean
      }
  )

/** An event before it gets its id: what the pure rules return. */
export type RequestEventData = RequestEvent extends infer E
  ? E extends RequestEvent
    ? Omit<E, "eventId">
    : never
  : never

export type RequestTransition = readonly [ServiceRequest, ReadonlyArray<RequestEventData>]

export class RequestNotFound extends Schema.TaggedError<RequestNotFound>()("RequestNotFound", {
  requestId: Schema.String,
}) {
  override get message() {
    return `no request with id ${this.requestId}`
  }
}

/** Only the homeowner who made a request may answer or cancel it as a homeowner. */
export class NotRequestOwner extends Schema.TaggedError<NotRequestOwner>()("NotRequestOwner", {
  requestId: Schema.String,
  partyId: Schema.String,
}) {
  override get message() {
    return `request ${this.requestId} is not a request of party ${this.partyId}`
  }
}

/** Requests come from homeowners (customers) whose account is active. */
export class CustomerNotActive extends Schema.TaggedError<CustomerNotActive>()(
  "CustomerNotActive",
  { partyId: Schema.String, kind: Schema.String, status: Schema.String },
) {
  override get message() {
    return this.kind === "customer"
      ? `homeowner ${this.partyId} is ${this.status}: only an active homeowner can make a request`
      : `party ${this.partyId} is a ${this.kind}: only homeowners make requests`
  }
}

export const requestStates = Object.keys(requestTransitions) as ReadonlyArray<RequestState>

/** Where the table lets `command` lead from `state`, if anywhere. */
export const requestTarget = (
  state: RequestState,
  command: RequestCommandTag,
): RequestState | undefined => requestTransitions[state][command]

/** The states from which the table accepts a command, to tell people what would work. */
export const requestStatesAccepting = (command: RequestCommandTag): ReadonlyArray<RequestState> =>
  requestStates.filter((state) => requestTarget(state, command) !== undefined)

/** The ops review queue: requests waiting for a decision or an answer. */
export const reviewQueueStates: ReadonlyArray<RequestState> = ["submitted", "needs_clarification"]

const notAllowed = (request: ServiceRequest, command: RequestCommandTag) =>
  new TransitionNotAllowed({
    entity: "request",
    id: request.id,
    from: request.state,
    command,
    allowedFrom: requestStatesAccepting(command),
  })

/**
 * Applies one command to a request by the table. A question is kept while the request
 * waits for the answer and cleared once it is answered; a cancellation keeps its reason.
 */
export const transitionRequest = (
  request: ServiceRequest,
  command: RequestCommand,
  now: Instant,
): Result.Result<RequestTransition, TransitionNotAllowed> => {
  const state = requestTarget(request.state, command._tag)
  if (state === undefined) return Result.fail(notAllowed(request, command._tag))
  const base = { at: now, requestId: request.id, customerId: request.customerId } as const
  const moved: ServiceRequest = { ...request, state, updatedAt: now }
  switch (command._tag) {
    case "AskClarification":
      return Result.succeed([
        { ...moved, clarificationQuestion: command.question },
        [{ _tag: "ClarificationRequested", ...base, question: command.question }],
      ])
    case "Answer": {
      const { clarificationQuestion: _answered, ...rest } = moved
      return Result.succeed([
        rest,
        [{ _tag: "ClarificationAnswered", ...base, text: command.text }],
      ])
    }
    case "MarkReady": {
      // A question still open is closed by ops (answered another way): nothing waits for it.
      const { clarificationQuestion: _closed, ...rest } = moved
      return Result.succeed([rest, [{ _tag: "RequestMarkedReady", ...base }]])
    }
    case "StartDispatch":
      return Result.succeed([moved, [{ _tag: "RequestDispatchStarted", ...base }]])
    case "Assign":
      return Result.succeed([
        { ...moved, assignedProviderId: command.providerId },
        [{ _tag: "RequestAssigned", ...base, providerId: command.providerId }],
      ])
    case "GiveUp":
      return Result.succeed([moved, [{ _tag: "RequestUnfulfilled", ...base }]])
    case "Cancel":
      return Result.succeed([
        { ...moved, cancellationReason: command.reason },
        [
          {
            _tag: "RequestCancelled",
            ...base,
            reason: command.reason,
            byCustomer: command.byCustomer,
          },
        ],
      ])
  }
}

/** The most availability windows one request may give. */
export const maxAvailabilityWindows = 5

/**
 * The guard on availability: `now`, or 1 to 5 windows, each ending after it starts and
 * not yet over (a window already under way is still useful). Issues name the field.
 */
export const checkAvailability = (
  availability: Availability,
  now: Instant,
): Result.Result<void, InvalidInput> => {
  if (availability._tag === "now") return Result.void
  const issues: Array<{ path: string; message: string }> = []
  const windows = availability.windows
  if (windows.length === 0) {
    issues.push({ path: "availability.windows", message: "must list at least one window" })
  }
  if (windows.length > maxAvailabilityWindows) {
    issues.push({
      path: "availability.windows",
      message: `must list at most ${maxAvailabilityWindows} windows`,
    })
  }
  windows.forEach((w, i) => {
    if (w.end <= w.start) {
      issues.push({ path: `availability.windows[${i}].end`, message: "must be after start" })
    } else if (w.end <= now) {
      issues.push({ path: `availability.windows[${i}].end`, message: "must be in the future" })
    }
  })
  return issues.length === 0 ? Result.void : Result.fail(new InvalidInput({ issues }))
}
