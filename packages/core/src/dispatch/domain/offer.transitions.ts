import type { OfferState } from "./offer.ts"
import type { TimeWindow } from "./service-request.ts"

/** What can be done to an offer. Guards beyond the table live in offer.ops.ts. */
export type OfferCommand =
  /** The provider opens the lead link and sees the preview. */
  | { readonly _tag: "Preview" }
  /** The provider pays the lead price (checked and debited by the use case) to see the details. */
  | { readonly _tag: "Unlock"; readonly credits: number }
  | { readonly _tag: "Accept" }
  | { readonly _tag: "Decline"; readonly reason?: string }
  | { readonly _tag: "ProposeTimes"; readonly slots: ReadonlyArray<TimeWindow> }
  /** The homeowner picks one of the three proposed slots (by position)... */
  | { readonly _tag: "ChooseTime"; readonly slot: number }
  /** ...or none of them. */
  | { readonly _tag: "RejectTimes" }
  /** The scheduler: the offer's deadline (see `offerDeadline`) has passed. */
  | { readonly _tag: "Expire" }
  /** Dispatch closes an open offer because the request was assigned elsewhere or cancelled. */
  | { readonly _tag: "Withdraw"; readonly reason: string }

export type OfferCommandTag = OfferCommand["_tag"]

/**
 * The offer (lead) state machine (DESIGN.md):
 *
 *   offered -> previewed -> unlocked -> accepted | declined | times_proposed | expired
 *
 * Precisely:
 * - offered: the provider may preview it, decline it, or let it expire (time-to-live).
 * - previewed: the provider may unlock it, decline it, or let it expire (time-to-live).
 *   Unlocking needs the preview first: nobody pays for a lead they have not seen.
 * - unlocked: the lead is held for this provider until holdExpiresAt; the provider
 *   accepts, declines, proposes three other times, or the hold expires.
 * - times_proposed: the homeowner picks one slot (accepted) or none (declined); when the
 *   last proposed slot has started unpicked, it expires.
 * - Withdraw closes any open offer as expired (request assigned elsewhere or cancelled).
 * - accepted, declined and expired are final.
 */
export const offerTransitions: {
  readonly [S in OfferState]: { readonly [C in OfferCommandTag]?: OfferState }
} = {
  offered: { Preview: "previewed", Decline: "declined", Expire: "expired", Withdraw: "expired" },
  previewed: { Unlock: "unlocked", Decline: "declined", Expire: "expired", Withdraw: "expired" },
  unlocked: {
    Accept: "accepted",
    Decline: "declined",
    ProposeTimes: "times_proposed",
    Expire: "expired",
    Withdraw: "expired",
  },
  times_proposed: {
    ChooseTime: "accepted",
    RejectTimes: "declined",
    Expire: "expired",
    Withdraw: "expired",
  },
  accepted: {},
  declined: {},
  expired: {},
}

/** Offers still in play: they block a sequential dispatch from moving on. */
export const openOfferStates: ReadonlyArray<OfferState> = [
  "offered",
  "previewed",
  "unlocked",
  "times_proposed",
]

/** Offers whose provider has paid for the lead and still holds it: they count against the cap. */
export const holdingOfferStates: ReadonlyArray<OfferState> = [
  "unlocked",
  "times_proposed",
  "accepted",
]
