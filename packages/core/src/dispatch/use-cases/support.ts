import { Effect, Option } from "effect"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { newEventId, newMessageId, type PartyId, type RequestId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyNotFound } from "../../vetting/domain/vetting.errors.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { requestNotifications } from "../domain/request.notifications.ts"
import {
  NotRequestOwner,
  type RequestCommand,
  type RequestEvent,
  type RequestEventData,
  RequestNotFound,
  transitionRequest,
} from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { RequestRepository } from "../ports/request-repository.ts"

export { audit, inTransaction } from "../../vetting/use-cases/support.ts"

export const loadRequest = (
  requestId: RequestId,
  options: { readonly forUpdate?: boolean } = {},
): Effect.Effect<ServiceRequest, RequestNotFound | PersistenceUnavailable, RequestRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* RequestRepository).findById(requestId, options)
    if (Option.isNone(found)) return yield* new RequestNotFound({ requestId })
    return found.value
  })

/** A request's homeowner, who exists (they made it): a missing one is a bug. */
export const customerOf = (
  request: ServiceRequest,
): Effect.Effect<Party, PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(request.customerId)
    if (Option.isNone(found)) {
      return yield* Effect.die(new PartyNotFound({ partyId: request.customerId }))
    }
    return found.value
  })

/** Only the homeowner who made a request acts on it as a homeowner. */
export const checkOwner =
  (partyId: PartyId) =>
  (request: ServiceRequest): Effect.Effect<void, NotRequestOwner> =>
    request.customerId === partyId
      ? Effect.void
      : Effect.fail(new NotRequestOwner({ requestId: request.id, partyId }))

/**
 * Loads (and locks) a request, runs `guard` on it (who may act), applies one command to
 * it by the rules, then stores it; the caller audits and publishes.
 */
export const stepRequest = <E = never>(
  requestId: RequestId,
  command: RequestCommand,
  guard: (request: ServiceRequest) => Effect.Effect<void, E> = () => Effect.void,
) =>
  Effect.gen(function* () {
    const before = yield* loadRequest(requestId, { forUpdate: true })
    yield* guard(before)
    const [after, events] = yield* Effect.fromResult(transitionRequest(before, command, yield* now))
    yield* (yield* RequestRepository).update(after)
    return { before, after, events }
  })

/**
 * Gives the rules' events their ids and puts the messages the request notification
 * policy wants into the outbox, in the caller's transaction.
 */
export const publish = (
  events: ReadonlyArray<RequestEventData>,
  request: ServiceRequest,
): Effect.Effect<
  ReadonlyArray<RequestEvent>,
  PersistenceUnavailable,
  Outbox | Policy | PartyRepository
> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const outbox = yield* Outbox
    const at = yield* now
    const published: Array<RequestEvent> = []
    const messages: Array<OutboxMessage> = []
    let customer: Party | undefined
    for (const data of events) {
      const event = { ...data, eventId: yield* newEventId } as RequestEvent
      published.push(event)
      customer ??= yield* customerOf(request)
      for (const draft of requestNotifications(event, request, customer, policy)) {
        messages.push({
          ...draft,
          id: yield* newMessageId,
          status: "pending",
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        })
      }
    }
    if (messages.length > 0) yield* outbox.enqueue(messages)
    return published
  })
