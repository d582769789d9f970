import { Effect, Option, Result } from "effect"
import { Policy } from "../../policy/policy-service.ts"
import type { Actor } from "../../shared/actor.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId } from "../../shared/ids.ts"
import { now } from "../../shared/time.ts"
import { offerDeadline, transitionOffer } from "../domain/offer.ops.ts"
import type { Offer } from "../domain/offer.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ExpireDueOffersInput } from "./offer-inputs.ts"
import { advanceDispatch, type DispatchStep, lockOffer, notify, partyOf } from "./offer-support.ts"
import type { DispatchServices } from "./services.ts"
import { audit, inTransaction } from "./support.ts"

/** Who expires offers, in the audit log. */
export const schedulerActor: Actor = { _tag: "system", process: "scheduler" }

/** Offers one run looks at when the caller does not say. */
export const defaultExpiryBatch = 50

export interface OfferExpiry {
  readonly offer: Offer
  /** What dispatch did next, when the request was still dispatching. */
  readonly next?: DispatchStep
}

export interface ExpiryRun {
  /** How many offers were due when the run looked (at most the limit). */
  readonly due: number
  readonly expired: ReadonlyArray<OfferExpiry>
  /** Closed or moved on by someone else between the look and the lock: left alone. */
  readonly skipped: ReadonlyArray<OfferId>
  /** Offers whose expiry failed (rolled back); the next run tries them again. */
  readonly failed: ReadonlyArray<{ readonly offerId: OfferId; readonly error: string }>
}

/**
 * Expires one due offer in its own transaction, under the request's and then the offer's
 * lock. Another sweeper (or the provider) may have got there first, so the offer is read
 * again under the locks and left alone unless it is still open and due: that is what makes
 * two schedulers safe together (no double expiry, no double offer to the next provider).
 */
const expireOne = (seen: Offer) =>
  inTransaction(
    Effect.gen(function* () {
      const policy = yield* Policy
      const { request, offer } = yield* lockOffer(seen.id, seen.providerId)
      const at = yield* now
      const deadline = offerDeadline(offer)
      if (deadline === undefined || deadline > at) return Option.none<OfferExpiry>()
      const [expired] = yield* Effect.fromResult(
        transitionOffer(offer, { _tag: "Expire" }, policy, at),
      )
      yield* (yield* OfferRepository).update(expired)
      // Expire records ttl, hold or slots_passed ("withdrawn" is Withdraw's alone).
      const cause =
        expired.expiryCause === "hold" || expired.expiryCause === "slots_passed"
          ? expired.expiryCause
          : "ttl"
      yield* audit({
        actor: schedulerActor,
        action: "offer.expire",
        subjectType: "offer",
        subjectId: offer.id,
        details: {
          requestId: request.id,
          providerId: offer.providerId,
          from: offer.state,
          cause,
          deadline,
        },
      })
      yield* notify([
        {
          _tag: "LeadExpired",
          provider: yield* partyOf(offer.providerId),
          category: request.category,
          cause,
        },
      ])
      if (request.state !== "dispatching") return Option.some<OfferExpiry>({ offer: expired })
      const next = yield* advanceDispatch(request, schedulerActor)
      return Option.some<OfferExpiry>({ offer: expired, next })
    }),
  )

/**
 * The scheduler's run: every open offer whose deadline has passed (time-to-live, unlock
 * hold, or the last proposed time) expires, earliest deadline first, and dispatch moves on
 * for its request: the next provider is offered the lead, or with nobody left the request
 * becomes unfulfilled. One transaction per offer, so one failure does not hold up the rest.
 */
export const expireDueOffers: (
  input?: unknown,
) => Effect.Effect<ExpiryRun, InvalidInput | PersistenceUnavailable, DispatchServices> = Effect.fn(
  "expireDueOffers",
)(function* (raw: unknown = {}) {
  const input = yield* decodeInput(ExpireDueOffersInput)(raw)
  const due = yield* (yield* OfferRepository).listDue(yield* now, input.limit ?? defaultExpiryBatch)
  const expired: Array<OfferExpiry> = []
  const skipped: Array<OfferId> = []
  const failed: Array<{ offerId: OfferId; error: string }> = []
  for (const offer of due) {
    const outcome = yield* Effect.result(expireOne(offer))
    if (Result.isFailure(outcome)) {
      failed.push({ offerId: offer.id, error: outcome.failure.message })
    } else if (Option.isSome(outcome.success)) {
      expired.push(outcome.success.value)
    } else {
      skipped.push(offer.id)
    }
  }
  return { due: due.length, expired, skipped, failed }
})
