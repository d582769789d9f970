import { Schema } from "effect"
import { OfferId, PartyId, RequestId } from "../../shared/ids.ts"
import { Instant } from "../../shared/time.ts"
import { TimeWindow } from "./service-request.ts"

/** See offer.transitions.ts for the allowed moves. */
export const OfferState = Schema.Literals([
  "offered",
  "previewed",
  "unlocked",
  "accepted",
  "declined",
  "times_proposed",
  "expired",
])
export type OfferState = typeof OfferState.Type

/** Why an offer expired: its time-to-live ran out, the unlock hold did, or dispatch closed it. */
export const ExpiryCause = Schema.Literals(["ttl", "hold", "slots_passed", "withdrawn"])
export type ExpiryCause = typeof ExpiryCause.Type

/**
 * A lead offered to one provider for one request (at most one offer per request x provider).
 * Times are set as the offer moves: previewedAt on first view, unlockedAt and holdExpiresAt on
 * unlock, decidedAt when it closes (accepted, declined, expired) or the provider proposes times.
 */
export const Offer = Schema.Struct({
  id: OfferId,
  requestId: RequestId,
  providerId: PartyId,
  state: OfferState,
  offeredAt: Instant,
  /** offeredAt + the policy's offer time-to-live: unlock by then or the offer expires. */
  expiresAt: Instant,
  previewedAt: Schema.optionalKey(Instant),
  unlockedAt: Schema.optionalKey(Instant),
  /** unlockedAt + the policy's unlock hold: accept, decline or propose times by then. */
  holdExpiresAt: Schema.optionalKey(Instant),
  /** Credits debited for the unlock (the lead price when it happened). */
  /** Whole credits the unlock charged (the lead price). */
  creditsCharged: Schema.optionalKey(
    Schema.Number.check(Schema.isInt(), Schema.isGreaterThanOrEqualTo(1)),
  ),
  /** Exactly three slots, once the provider proposed other times. */
  proposedTimes: Schema.optionalKey(Schema.Array(TimeWindow)),
  /** The slot the homeowner picked, when the offer was accepted that way. */
  chosenSlot: Schema.optionalKey(TimeWindow),
  decidedAt: Schema.optionalKey(Instant),
  declineReason: Schema.optionalKey(Schema.String),
  expiryCause: Schema.optionalKey(ExpiryCause),
  updatedAt: Instant,
})
export type Offer = typeof Offer.Type
