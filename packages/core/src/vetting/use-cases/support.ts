import { Effect, Option } from "effect"
import type { AuditEntry } from "../../audit/domain/audit-entry.ts"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import {
  type ApplicationId,
  newAuditId,
  newEventId,
  newMessageId,
  type PartyId,
} from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import { Transactions } from "../../shared/transactions.ts"
import { type TransitionErrorOf, transitionApplication } from "../domain/application.ops.ts"
import type { ApplicationCommand } from "../domain/application.transitions.ts"
import type { Application } from "../domain/application.ts"
import type { Party } from "../domain/party.ts"
import { ApplicationNotFound, PartyNotFound } from "../domain/vetting.errors.ts"
import type { VettingEvent, VettingEventData } from "../domain/vetting.events.ts"
import { vettingNotifications } from "../domain/vetting.notifications.ts"
import { ApplicationRepository } from "../ports/application-repository.ts"
import { PartyRepository } from "../ports/party-repository.ts"

/** One use case, one transaction: everything it writes commits together or not at all. */
export const inTransaction = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, E | PersistenceUnavailable, R | Transactions> =>
  Effect.gen(function* () {
    const tx = yield* Transactions
    return yield* tx.run(effect)
  })

/** Loads a party the use case is about to change, locking it until the transaction ends. */
export const lockParty = (
  partyId: PartyId,
): Effect.Effect<Party, PartyNotFound | PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const parties = yield* PartyRepository
    const found = yield* parties.findById(partyId, { forUpdate: true })
    if (Option.isNone(found)) return yield* new PartyNotFound({ partyId })
    return found.value
  })

export const lockApplication = (
  applicationId: ApplicationId,
): Effect.Effect<
  Application,
  ApplicationNotFound | PersistenceUnavailable,
  ApplicationRepository
> =>
  Effect.gen(function* () {
    const applications = yield* ApplicationRepository
    const found = yield* applications.findById(applicationId, { forUpdate: true })
    if (Option.isNone(found)) return yield* new ApplicationNotFound({ applicationId })
    return found.value
  })

export const latestApplication = (
  partyId: PartyId,
): Effect.Effect<Application | undefined, PersistenceUnavailable, ApplicationRepository> =>
  Effect.gen(function* () {
    const applications = yield* ApplicationRepository
    return Option.getOrUndefined(yield* applications.latestForParty(partyId))
  })

/** Records who did what; the id and the time come from Random and Clock. */
export const audit = (
  entry: Omit<AuditEntry, "id" | "at">,
): Effect.Effect<void, PersistenceUnavailable, AuditLog> =>
  Effect.gen(function* () {
    const log = yield* AuditLog
    yield* log.record({ ...entry, id: yield* newAuditId, at: yield* now })
  })

/**
 * Gives the rules' events their ids and puts the messages the notification policy wants
 * into the outbox, in the caller's transaction.
 */
export const publish = (
  events: ReadonlyArray<VettingEventData>,
  party: Party,
): Effect.Effect<ReadonlyArray<VettingEvent>, PersistenceUnavailable, Outbox | Policy> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const outbox = yield* Outbox
    const at: Instant = yield* now
    const published: Array<VettingEvent> = []
    const messages: Array<OutboxMessage> = []
    for (const data of events) {
      const event = { ...data, eventId: yield* newEventId } as VettingEvent
      published.push(event)
      for (const draft of vettingNotifications(event, party, policy)) {
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

/**
 * Loads (and locks) an application and its party and applies one command to it by the
 * rules; the caller writes, audits and publishes.
 */
export const stepApplication = <C extends ApplicationCommand>(
  applicationId: ApplicationId,
  command: C,
): Effect.Effect<
  {
    readonly before: Application
    readonly after: Application
    readonly party: Party
    readonly events: ReadonlyArray<VettingEventData>
  },
  TransitionErrorOf<C> | ApplicationNotFound | PartyNotFound | PersistenceUnavailable,
  ApplicationRepository | PartyRepository | Policy
> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const before = yield* lockApplication(applicationId)
    const party = yield* lockParty(before.partyId)
    const [after, events] = yield* Effect.fromResult(
      transitionApplication(before, command, policy, yield* now),
    )
    return { before, after, party, events }
  })

/** The audit entry of an operator's decision on an application. */
export const auditApplicationStep = (
  operator: string,
  action: string,
  reason: string,
  step: { readonly before: Application; readonly after: Application },
  details: Record<string, unknown> = {},
): Effect.Effect<void, PersistenceUnavailable, AuditLog> =>
  audit({
    actor: { _tag: "operator", name: operator },
    action,
    subjectType: "application",
    subjectId: step.after.id,
    reason,
    details: {
      partyId: step.after.partyId,
      from: step.before.state,
      to: step.after.state,
      ...details,
    },
  })
