import { Effect, Option, Result } from "effect"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { reachableChannels } from "../../notifications/domain/party-messages.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId, PartyId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { transitionOffer } from "../domain/offer.ops.ts"
import type { Offer, OfferState } from "../domain/offer.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { advanceDispatch, type DispatchStep, lockOffer, partyOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/**
 * The offers an unreachable provider loses: those they have not paid for. An unlocked lead
 * (or one whose times the homeowner is choosing from) was bought; it keeps its hold, which
 * is short, and the provider can still act on the lead page its link opens.
 */
export const unpaidOfferStates: ReadonlyArray<OfferState> = ["offered", "previewed"]

/** What the audit log and `fundi ops leads show` say closed the offer. */
export const unreachableReason = "the provider opted out of WhatsApp and has no email address"

/** Who closes them, in the audit log. */
const dispatcher: Actor = { _tag: "system", process: "dispatcher" }

export interface UnreachableWithdrawal {
  readonly offer: Offer
  /** What dispatch did next, when the request was still dispatching. */
  readonly next?: DispatchStep
}

export interface UnreachableRun {
  readonly withdrawn: ReadonlyArray<UnreachableWithdrawal>
  /** Offers whose closing failed (rolled back): they are left to their time-to-live. */
  readonly failed: ReadonlyArray<{ readonly offerId: OfferId; readonly error: string }>
}

/** No channel a lead offer uses reaches the provider any more (decision 0019). */
const unreachable = (providerId: PartyId) =>
  Effect.gen(function* () {
    const provider = yield* partyOf(providerId)
    const session = yield* (yield* ConversationStore).find(provider.phone)
    const optedOut = Option.exists(session, (s) => s.optedOut)
    return reachableChannels(provider, optedOut).length === 0
  })

/**
 * Withdraws one offer in its own transaction, under the request's and then the offer's
 * lock, if it is still unpaid and its provider still unreachable (they may have said
 * "start" or added an email address since); then dispatch moves on for its request.
 */
const withdrawOne = (seen: Offer) =>
  inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(seen.id, seen.providerId)
      if (!unpaidOfferStates.includes(offer.state)) return Option.none<UnreachableWithdrawal>()
      if (!(yield* unreachable(offer.providerId))) return Option.none<UnreachableWithdrawal>()
      const moved = transitionOffer(
        offer,
        { _tag: "Withdraw", reason: unreachableReason },
        policy,
        yield* now,
      )
      // Every open state allows Withdraw; a table that stopped allowing it leaves the TTL.
      if (Result.isFailure(moved)) return Option.none<UnreachableWithdrawal>()
      const [after] = moved.success
      yield* (yield* OfferRepository).update(after)
      yield* audit({
        actor: dispatcher,
        action: "offer.withdraw",
        subjectType: "offer",
        subjectId: offer.id,
        reason: unreachableReason,
        details: { requestId: request.id, providerId: offer.providerId, from: offer.state },
      })
      // No "no longer available" notice: nothing we send reaches them.
      if (request.state !== "dispatching") return Option.some({ offer: after })
      const next = yield* advanceDispatch(request, dispatcher)
      return Option.some<UnreachableWithdrawal>({ offer: after, next })
    }),
  )

/**
 * A provider no lead offer can reach any more (they said "stop" on WhatsApp and have no
 * email address) loses their unpaid open offers at once, instead of holding each lead
 * until its time-to-live: each is withdrawn and dispatch moves on (sequential: the next
 * provider; nobody left and nothing in play: unfulfilled). One transaction per offer, like
 * the scheduler, so one refusal does not hold up the rest; a refused one keeps its
 * time-to-live. An outage fails the run (what it withdrew stays withdrawn). Idempotent: a provider still reachable, or with no such offers, is a no-op.
 */
export const withdrawUnreachableOffers: (
  providerId: PartyId,
) => Effect.Effect<UnreachableRun, PersistenceUnavailable, DispatchServices> = Effect.fn(
  "withdrawUnreachableOffers",
)(function* (providerId: PartyId) {
  const open = yield* (yield* OfferRepository).listForProvider(providerId, {
    states: unpaidOfferStates,
  })
  const withdrawn: Array<UnreachableWithdrawal> = []
  const failed: Array<{ offerId: OfferId; error: string }> = []
  if (open.length === 0 || !(yield* unreachable(providerId))) return { withdrawn, failed }
  for (const offer of open) {
    const outcome = yield* Effect.result(withdrawOne(offer))
    // An outage fails the run, so the caller's retry tries again; a refusal leaves the TTL.
    if (Result.isFailure(outcome) && outcome.failure._tag === "PersistenceUnavailable") {
      return yield* outcome.failure
    }
    if (Result.isFailure(outcome)) {
      failed.push({ offerId: offer.id, error: outcome.failure.message })
    } else if (Option.isSome(outcome.success)) {
      withdrawn.push(outcome.success.value)
    }
  }
  return { withdrawn, failed }
})
