import { Effect, Option, Result, Schema } from "effect"
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
import { latestApplication } from "../../vetting/use-cases/support.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import { spentThisWeek } from "../../wallet/use-cases/wallet-view.ts"
import { discloseLead } from "../domain/disclosure.ops.ts"
import type { LeadPriceMissing, RequestNotDispatching } from "../domain/dispatch.errors.ts"
import { type DispatchDecision, leadPrice, nextOffers } from "../domain/dispatch.ops.ts"
import { type ShortlistCandidate, shortlist } from "../domain/matching.ops.ts"
import { type OfferNotice, offerNotifications } from "../domain/offer.notifications.ts"
import { makeOffer, transitionOffer } from "../domain/offer.ops.ts"
import { openOfferStates } from "../domain/offer.transitions.ts"
import type { Offer } from "../domain/offer.ts"
import type { ProviderReach } from "../domain/provider-reach.ts"
import { type RequestNotFound, transitionRequest } from "../domain/service-request.ops.ts"
import type { ServiceRequest } from "../domain/service-request.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"
import type { DispatchServices } from "./services.ts"
import { audit, customerOf, loadRequest } from "./support.ts"

export class OfferNotFound extends Schema.TaggedError<OfferNotFound>()("OfferNotFound", {
  offerId: Schema.String,
}) {
  override get message() {
    return `no offer ${this.offerId}`
  }
}

/** A provider acted on an offer made to someone else. */
export class NotOfferProvider extends Schema.TaggedError<NotOfferProvider>()("NotOfferProvider", {
  offerId: Schema.String,
  partyId: Schema.String,
}) {
  override get message() {
    return `offer ${this.offerId} was not made to ${this.partyId}`
  }
}

/** Leads are unlocked with credits only where the marketplace sells them. */
export class LeadsNotSold extends Schema.TaggedError<LeadsNotSold>()("LeadsNotSold", {
  model: Schema.String,
}) {
  override get message() {
    return `this marketplace (${this.model}) does not sell leads for credits`
  }
}

/**
 * Until providers publish their reach (base, radius, hours, capacity), matching treats
 * each as covering the areas of their profile, available at any time, and taking up to
 * this many jobs at once.
 */
export const defaultMaxOpenAssignments = 3

export const reachOf = (provider: Party): ProviderReach => ({
  providerId: provider.id,
  availability: { _tag: "always" },
  maxOpenAssignments: defaultMaxOpenAssignments,
})

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

/**
 * Loads an offer for its provider to act on, locking the request first and then the offer,
 * the same order every offer use case takes (so two of them never wait on each other).
 */
export const lockOffer = (
  offerId: OfferId,
  providerId: PartyId,
): Effect.Effect<
  { readonly request: ServiceRequest; readonly offer: Offer },
  OfferNotFound | NotOfferProvider | RequestNotFound | PersistenceUnavailable,
  OfferRepository | RequestRepository
> =>
  Effect.gen(function* () {
    const offers = yield* OfferRepository
    const seen = yield* offers.findById(offerId)
    if (Option.isNone(seen)) return yield* new OfferNotFound({ offerId })
    if (seen.value.providerId !== providerId) {
      return yield* new NotOfferProvider({ offerId, partyId: providerId })
    }
    const request = yield* loadRequest(seen.value.requestId, { forUpdate: true })
    const locked = yield* offers.findById(offerId, { forUpdate: true })
    if (Option.isNone(locked)) return yield* new OfferNotFound({ offerId })
    return { request, offer: locked.value }
  })

/** Puts the messages the offer notification policy wants into the outbox. */
export const notify = (
  notices: ReadonlyArray<OfferNotice>,
): Effect.Effect<void, PersistenceUnavailable, Outbox | Policy> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const at = yield* now
    const messages = []
    for (const notice of notices) {
      const eventId = yield* newEventId
      for (const draft of offerNotifications(eventId, notice, policy) as Array<MessageDraft>) {
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

/** Every active provider of the request's cohort, with what matching needs to know of them. */
const candidatesFor = (request: ServiceRequest) =>
  Effect.gen(function* () {
    const providers = yield* (yield* PartyRepository).list({
      kind: "provider",
      status: "active",
      cohort: request.cohort,
    })
    const offers = yield* OfferRepository
    const settings = yield* WalletSettings
    const candidates: Array<ShortlistCandidate> = []
    for (const provider of providers) {
      const { weeklyCreditBudget } = yield* settings.get(provider.id)
      candidates.push({
        provider,
        latestApplication: yield* latestApplication(provider.id),
        reach: reachOf(provider),
        openAssignments: yield* offers.countOpenAssignments(provider.id),
        spentThisWeek: (yield* spentThisWeek(provider)).spent,
        ...(weeklyCreditBudget === undefined ? {} : { weeklyBudget: weeklyCreditBudget }),
      })
    }
    return candidates
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
 * for offers in play, or gives up (unfulfilled, audited for ops to follow up).
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
    const listed = shortlist(
      request,
      yield* candidatesFor(request),
      {
        now: at,
        policy,
        offersOnRequest: offersSoFar,
        ...(price === undefined ? {} : { leadPriceCredits: price }),
      },
      new Map(),
    )
    const decision = yield* Effect.fromResult(
      nextOffers(
        request,
        policy,
        listed.ranked.map((r) => r.providerId),
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
        notices.push({ _tag: "LeadOffered", provider: yield* partyOf(providerId), preview })
      }
      yield* notify(notices)
      return { request, decision, offered: made }
    }
    if (decision._tag === "Unfulfilled") {
      const [after] = yield* Effect.fromResult(transitionRequest(request, { _tag: "GiveUp" }, at))
      yield* (yield* RequestRepository).update(after)
      // Ops follow up on unfulfilled requests from the audit log (`request.unfulfilled`).
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
          ineligible: listed.ineligible.length,
        },
      })
      return { request: after, decision, offered: [] }
    }
    return { request, decision, offered: [] }
  })

/** Closes every other offer still open on the request (it was assigned), telling each provider. */
export const withdrawOthers = (
  request: ServiceRequest,
  acceptedId: OfferId,
  reason: string,
  actor: Actor,
): Effect.Effect<ReadonlyArray<Offer>, PersistenceUnavailable, DispatchServices> =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const offers = yield* OfferRepository
    const at = yield* now
    const open = (yield* offers.listForRequest(request.id)).filter(
      (o) => o.id !== acceptedId && openOfferStates.includes(o.state),
    )
    const withdrawn: Array<Offer> = []
    const notices: Array<OfferNotice> = []
    for (const offer of open) {
      const locked = Option.getOrElse(
        yield* offers.findById(offer.id, { forUpdate: true }),
        () => offer,
      )
      const moved = transitionOffer(locked, { _tag: "Withdraw", reason }, policy, at)
      // Every open state allows Withdraw; a row closed meanwhile is left as it is.
      if (Result.isFailure(moved)) continue
      const [after] = moved.success
      yield* offers.update(after)
      yield* audit({
        actor,
        action: "offer.withdraw",
        subjectType: "offer",
        subjectId: after.id,
        reason,
        details: { requestId: request.id, providerId: after.providerId, from: locked.state },
      })
      withdrawn.push(after)
      notices.push({
        _tag: "LeadWithdrawn",
        provider: yield* partyOf(after.providerId),
        category: request.category,
      })
    }
    yield* notify(notices)
    return withdrawn
  })
