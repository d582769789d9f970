import { Effect, Option, Result } from "effect"
import { SecureLinks } from "../../links/ports/secure-links.ts"
import type { MessageDraft } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import {
  newEventId,
  newMessageId,
  newOfferId,
  type OfferId,
  type PartyId,
} from "../../shared/ids.ts"
import { type Instant, now } from "../../shared/time.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyNotFound, type TransitionNotAllowed } from "../../vetting/domain/vetting.errors.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { discloseLead, type LeadView } from "../domain/disclosure.ops.ts"
import {
  type LeadAlreadyAssigned,
  type LeadPriceMissing,
  NotOfferProvider,
  OfferNotFound,
  type RequestNotDispatching,
} from "../domain/dispatch.errors.ts"
import {
  acceptLead as acceptLeadRule,
  type DispatchDecision,
  leadPrice,
  nextOffers,
} from "../domain/dispatch.ops.ts"
import {
  linkGrantFor,
  type OfferNotice,
  offerNotifications,
  visitEndsAt,
} from "../domain/offer.notifications.ts"
import { makeOffer, type OfferTransitionError, transitionOffer } from "../domain/offer.ops.ts"
import { openOfferStates } from "../domain/offer.transitions.ts"
import type { Offer } from "../domain/offer.ts"
import {
  type NotRequestOwner,
  type RequestNotFound,
  transitionRequest,
} from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { LeadStore, type LockedLead } from "../ports/lead-store.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import { alertOpsUnfulfilled } from "./ops-alerts.ts"
import type { DispatchServices } from "./services.ts"
import { audit, checkOwner, customerOf, loadRequest, publish } from "./support.ts"

/** The lead price where the marketplace sells leads; undefined otherwise. */
export const priceOf = (
  request: ServiceRequest,
  policy: MarketplacePolicy,
): Result.Result<number | undefined, LeadPriceMissing> =>
  policy.model === "credits"
    ? leadPrice(policy, request.category, request.urgency)
    : Result.succeed(undefined)

/** A party the data refers to (an offer's provider, a request's homeowner): missing is a bug. */
export const partyOf = (
  partyId: PartyId,
): Effect.Effect<Party, PersistenceUnavailable, PartyRepository> =>
  Effect.gen(function* () {
    const found = yield* (yield* PartyRepository).findById(partyId)
    if (Option.isNone(found)) return yield* Effect.die(new PartyNotFound({ partyId }))
    return found.value
  })

type LockedOffer = { readonly request: ServiceRequest; readonly offer: Offer }

/**
 * Loads an offer and locks its request and then the offer, the same order every offer use
 * case takes (so two of them never wait on each other); `check` (who may act) runs under
 * the request's lock, before the offer's.
 */
const lockOfferWith = <E>(
  offerId: OfferId,
  check: (offer: Offer, request: ServiceRequest) => Effect.Effect<void, E>,
): Effect.Effect<
  LockedOffer,
  E | OfferNotFound | RequestNotFound | PersistenceUnavailable,
  OfferRepository | RequestRepository
> =>
  Effect.gen(function* () {
    const offers = yield* OfferRepository
    const seen = yield* offers.findById(offerId)
    if (Option.isNone(seen)) return yield* new OfferNotFound({ offerId })
    const request = yield* loadRequest(seen.value.requestId, { forUpdate: true })
    yield* check(seen.value, request)
    const locked = yield* offers.findById(offerId, { forUpdate: true })
    if (Option.isNone(locked)) return yield* new OfferNotFound({ offerId })
    return { request, offer: locked.value }
  })

/** Loads and locks an offer for its provider to act on. */
export const lockOffer = (
  offerId: OfferId,
  providerId: PartyId,
): Effect.Effect<
  LockedOffer,
  OfferNotFound | NotOfferProvider | RequestNotFound | PersistenceUnavailable,
  OfferRepository | RequestRepository
> =>
  lockOfferWith(offerId, (offer) =>
    offer.providerId === providerId
      ? Effect.void
      : Effect.fail(new NotOfferProvider({ offerId, partyId: providerId })),
  )

/**
 * Puts the messages the offer notification policy wants into the outbox, issuing the
 * secure link a message carries (lead or handover) in the same transaction.
 */
export const notify = (
  notices: ReadonlyArray<OfferNotice>,
): Effect.Effect<void, PersistenceUnavailable, Outbox | Policy | SecureLinks> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const at = yield* now
    const messages = []
    for (const notice of notices) {
      const eventId = yield* newEventId
      const grant = linkGrantFor(notice, at)
      const linkUrl =
        grant === undefined ? undefined : (yield* (yield* SecureLinks).issue(grant)).url
      const drafts = offerNotifications(eventId, notice, policy, linkUrl) as Array<MessageDraft>
      for (const draft of drafts) {
        messages.push({
          ...draft,
          id: yield* newMessageId,
          status: "pending" as const,
          attempts: 0,
          nextAttemptAt: at,
          createdAt: at,
        })
      }
    }
    if (messages.length > 0) yield* (yield* Outbox).enqueue(messages)
  })

export interface DispatchStep {
  readonly request: ServiceRequest
  readonly decision: DispatchDecision
  /** The offers made by this step (empty unless the decision was Offer). */
  readonly offered: ReadonlyArray<Offer>
}

/**
 * One step of dispatch for a request that is dispatching (the caller holds its lock):
 * shortlists the eligible providers, then offers the lead by the policy's strategy, waits
 * for offers in play, or gives up (unfulfilled, audited for ops to follow up, and the
 * homeowner told in the same transaction).
 */
export const advanceDispatch = (
  request: ServiceRequest,
  actor: Actor,
): Effect.Effect<
  DispatchStep,
  PersistenceUnavailable | LeadPriceMissing | RequestNotDispatching | TransitionNotAllowed,
  DispatchServices
> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const offers = yield* OfferRepository
    const at: Instant = yield* now
    const offersSoFar = yield* offers.listForRequest(request.id)
    const price = yield* Effect.fromResult(priceOf(request, policy))
    const ranked = yield* (yield* ProviderDirectory).shortlist(request, {
      now: at,
      policy,
      ...(price === undefined ? {} : { leadPriceCredits: price }),
      // No step offers more than this many at once (see nextOffers).
      limit: policy.dispatch.strategy === "sequential" ? 1 : policy.dispatch.broadcastSize,
    })
    const decision = yield* Effect.fromResult(
      nextOffers(
        request,
        policy,
        ranked.map((r) => r.providerId),
        offersSoFar,
        at,
      ),
    )
    if (decision._tag === "Offer") {
      const customer = yield* customerOf(request)
      const preview = discloseLead(request, customer, "preview", price)
      const made: Array<Offer> = []
      const notices: Array<OfferNotice> = []
      for (const providerId of decision.providerIds) {
        const offer = makeOffer({ id: yield* newOfferId, request, providerId }, policy, at)
        yield* offers.insert(offer)
        yield* audit({
          actor,
          action: "offer.create",
          subjectType: "offer",
          subjectId: offer.id,
          details: { requestId: request.id, providerId, expiresAt: offer.expiresAt },
        })
        made.push(offer)
        notices.push({
          _tag: "LeadOffered",
          provider: yield* partyOf(providerId),
          preview,
          offer,
        })
      }
      yield* notify(notices)
      return { request, decision, offered: made }
    }
    if (decision._tag === "Unfulfilled") {
      const [after, events] = yield* Effect.fromResult(
        transitionRequest(request, { _tag: "GiveUp" }, at),
      )
      yield* (yield* RequestRepository).update(after)
      // Ops follow up on unfulfilled requests from the audit log (`request.unfulfilled`),
      // and by email when the policy names an ops address.
      yield* audit({
        actor,
        action: "request.unfulfilled",
        subjectType: "request",
        subjectId: request.id,
        details: {
          customerId: request.customerId,
          from: request.state,
          to: after.state,
          offersMade: offersSoFar.length,
        },
      })
      // The homeowner hears it too (request notification policy), once per request.
      yield* publish(events, after)
      yield* alertOpsUnfulfilled(after, offersSoFar.length)
      return { request: after, decision, offered: [] }
    }
    return { request, decision, offered: [] }
  })

/** Loads and locks an offer for the request's homeowner to act on (proposed times). */
export const lockOfferForHomeowner = (
  offerId: OfferId,
  customerId: PartyId,
): Effect.Effect<
  LockedOffer,
  OfferNotFound | NotRequestOwner | RequestNotFound | PersistenceUnavailable,
  OfferRepository | RequestRepository
> => lockOfferWith(offerId, (_, request) => checkOwner(customerId)(request))

/**
 * Locks an offer's lead (its request, then the request's offers: the order every offer use
 * case takes) and reads it; `check` (who may act) runs on what was read.
 */
const lockLeadWith = <E>(
  offerId: OfferId,
  check: (lead: LockedLead) => Effect.Effect<void, E>,
  options: { readonly lockProvider?: boolean } = {},
): Effect.Effect<LockedLead, E | OfferNotFound | PersistenceUnavailable, LeadStore> =>
  Effect.gen(function* () {
    const found = yield* (yield* LeadStore).lock(offerId, options)
    if (Option.isNone(found)) return yield* new OfferNotFound({ offerId })
    yield* check(found.value)
    return found.value
  })

/**
 * Locks an offer's lead for the offer's provider to act on; with `lockProvider`, the
 * provider's row too (to spend from its wallet, see `LeadStore.lock`).
 */
export const lockLead = (
  offerId: OfferId,
  providerId: PartyId,
  options: { readonly lockProvider?: boolean } = {},
): Effect.Effect<
  LockedLead,
  OfferNotFound | NotOfferProvider | PersistenceUnavailable,
  LeadStore
> =>
  lockLeadWith(
    offerId,
    ({ offer }) =>
      offer.providerId === providerId
        ? Effect.void
        : Effect.fail(new NotOfferProvider({ offerId, partyId: providerId })),
    options,
  )

/** Locks an offer's lead for the request's homeowner to act on (proposed times). */
export const lockLeadForHomeowner = (
  offerId: OfferId,
  customerId: PartyId,
): Effect.Effect<LockedLead, OfferNotFound | NotRequestOwner | PersistenceUnavailable, LeadStore> =>
  lockLeadWith(offerId, ({ request }) => checkOwner(customerId)(request))

/** A party of a locked lead (its homeowner, a provider of one of its offers): missing is a bug. */
export const partyIn = (lead: LockedLead, partyId: PartyId): Effect.Effect<Party> => {
  const party = lead.parties.get(partyId)
  return party === undefined ? Effect.die(new PartyNotFound({ partyId })) : Effect.succeed(party)
}

/**
 * Closes each of `offers` still open (Withdraw, one audit entry each): the offers to save,
 * and one "no longer available" notice per provider. The caller holds the request's lock
 * and the offers' (every offer writer takes the request's first), and saves and notifies.
 */
export const withdrawOpenOffers = (
  offers: ReadonlyArray<Offer>,
  context: {
    readonly request: ServiceRequest
    readonly actor: Actor
    readonly reason: string
    readonly partyOf: (
      partyId: PartyId,
    ) => Effect.Effect<Party, PersistenceUnavailable, DispatchServices>
  },
): Effect.Effect<
  { readonly withdrawn: ReadonlyArray<Offer>; readonly notices: ReadonlyArray<OfferNotice> },
  PersistenceUnavailable,
  DispatchServices
> =>
  Effect.gen(function* () {
    const { request, actor, reason } = context
    const policy = yield* Policy
    const at = yield* now
    const withdrawn: Array<Offer> = []
    const notices: Array<OfferNotice> = []
    for (const other of offers) {
      if (!openOfferStates.includes(other.state)) continue
      const moved = transitionOffer(other, { _tag: "Withdraw", reason }, policy, at)
      // Every open state allows Withdraw, so nothing is skipped unless the table changes.
      if (Result.isFailure(moved)) continue
      const after = moved.success[0]
      yield* audit({
        actor,
        action: "offer.withdraw",
        subjectType: "offer",
        subjectId: after.id,
        reason,
        details: { requestId: request.id, providerId: after.providerId, from: other.state },
      })
      withdrawn.push(after)
      notices.push({
        _tag: "LeadWithdrawn",
        provider: yield* context.partyOf(after.providerId),
        category: request.category,
      })
    }
    return { withdrawn, notices }
  })

/**
 * The acceptance handover gate, however the offer is accepted (the provider accepts, or
 * the homeowner chooses one of the proposed times), on a locked lead: the assignment is
 * made only if the request is still unassigned; the other open offers are withdrawn (each
 * provider told) and both sides get each other's contact details. Every change is written
 * in one `LeadStore.save`, after the audit entries and messages it carries.
 */
export const handOver = (
  lead: LockedLead,
  how: { readonly _tag: "Accept" } | { readonly _tag: "ChooseTime"; readonly slot: number },
  actor: Actor,
): Effect.Effect<
  { readonly view: LeadView; readonly request: ServiceRequest; readonly offer: Offer },
  LeadAlreadyAssigned | RequestNotDispatching | OfferTransitionError | PersistenceUnavailable,
  DispatchServices
> =>
  Effect.gen(function* () {
    const { request, offer } = lead
    const policy = yield* Policy
    const at = yield* now
    const [assigned, accepted] = yield* Effect.fromResult(
      acceptLeadRule(request, offer, how, policy, at),
    )
    yield* audit({
      actor,
      action: how._tag === "Accept" ? "offer.accept" : "offer.choose_time",
      subjectType: "offer",
      subjectId: offer.id,
      details: {
        requestId: request.id,
        from: offer.state,
        to: accepted.state,
        ...(accepted.chosenSlot === undefined ? {} : { chosenSlot: accepted.chosenSlot }),
      },
    })
    yield* audit({
      actor,
      action: "request.assign",
      subjectType: "request",
      subjectId: request.id,
      details: {
        customerId: request.customerId,
        providerId: offer.providerId,
        offerId: offer.id,
        from: request.state,
        to: assigned.state,
      },
    })
    // The other open offers close: the request is assigned.
    const { withdrawn, notices } = yield* withdrawOpenOffers(
      lead.offers.filter((other) => other.id !== offer.id),
      {
        request,
        actor,
        reason: "assigned to another provider",
        partyOf: (id) => partyIn(lead, id),
      },
    )
    const customer = yield* partyIn(lead, request.customerId)
    const provider = yield* partyIn(lead, offer.providerId)
    const view = discloseLead(assigned, customer, "assigned", accepted.creditsCharged)
    const visitEnd = visitEndsAt(assigned.availability, accepted.chosenSlot)
    const visit = {
      ...(visitEnd === undefined ? {} : { visitEndsAt: visitEnd }),
      ...(accepted.chosenSlot === undefined ? {} : { agreedTime: accepted.chosenSlot }),
    }
    yield* notify([
      ...notices,
      {
        _tag: "ProviderAssigned",
        requestId: assigned.id,
        customer,
        provider,
        category: assigned.category,
        ...visit,
      },
      { _tag: "CustomerHandover", provider, assigned: view, offerId: accepted.id, ...visit },
    ])
    yield* (yield* LeadStore).save({ offers: [accepted, ...withdrawn], request: assigned })
    return { view, request: assigned, offer: accepted }
  })
