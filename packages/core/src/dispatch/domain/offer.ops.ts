import { Result } from "effect"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import type { OfferId, PartyId } from "../../shared/ids.ts"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import {
  DuplicateSlots,
  OfferLapsed,
  OfferNotDue,
  OfferTransitionNotAllowed,
  OverlappingSlots,
  type ProposedTimesInvalid,
  SlotEndsBeforeStart,
  SlotLengthOutOfBounds,
  SlotNotInFuture,
  SlotTooFarAhead,
  SlotUnavailable,
  WrongNumberOfSlots,
} from "./dispatch.errors.ts"
import { type OfferCommand, type OfferCommandTag, offerTransitions } from "./offer.transitions.ts"
import type { ExpiryCause, Offer, OfferState } from "./offer.ts"
import type { ServiceRequest, TimeWindow } from "./service-request.ts"

const MINUTE_MS = 60_000

export type OfferEventTag =
  | "OfferPreviewed"
  | "LeadUnlocked"
  | "OfferAccepted"
  | "OfferDeclined"
  | "TimesProposed"
  | "OfferExpired"

export interface OfferEvent {
  readonly _tag: OfferEventTag
  readonly at: Instant
  readonly offerId: OfferId
  readonly requestId: ServiceRequest["id"]
  readonly providerId: PartyId
}

export type OfferTransition = readonly [Offer, ReadonlyArray<OfferEvent>]

export type OfferTransitionError =
  | OfferTransitionNotAllowed
  | OfferLapsed
  | OfferNotDue
  | ProposedTimesInvalid
  | SlotUnavailable

export const offerStates = Object.keys(offerTransitions) as ReadonlyArray<OfferState>

/** Where the table lets `command` lead from `state`, if anywhere. */
export const offerTarget = (state: OfferState, command: OfferCommandTag): OfferState | undefined =>
  offerTransitions[state][command]

/** The states from which the table accepts a command, to tell people what would work. */
export const offerStatesAccepting = (command: OfferCommandTag): ReadonlyArray<OfferState> =>
  offerStates.filter((state) => offerTarget(state, command) !== undefined)

/** A fresh offer: it lives for the policy's time-to-live unless the provider unlocks it. */
export const makeOffer = (
  input: { readonly id: OfferId; readonly request: ServiceRequest; readonly providerId: PartyId },
  policy: MarketplacePolicy,
  now: Instant,
): Offer => ({
  id: input.id,
  requestId: input.request.id,
  providerId: input.providerId,
  state: "offered",
  offeredAt: now,
  expiresAt: (now + policy.dispatch.offerTtlMinutes * MINUTE_MS) as Instant,
  updatedAt: now,
})

/**
 * When an open offer runs out: the time-to-live before unlock, the hold after it, and for
 * proposed times the start of the last slot (after that the homeowner has nothing to pick).
 * Closed offers have no deadline.
 */
export const offerDeadline = (offer: Offer): Instant | undefined => {
  switch (offer.state) {
    case "offered":
    case "previewed":
      return offer.expiresAt
    case "unlocked":
      return offer.holdExpiresAt
    case "times_proposed":
      return offer.proposedTimes === undefined || offer.proposedTimes.length === 0
        ? offer.updatedAt
        : (Math.max(...offer.proposedTimes.map((slot) => slot.start)) as Instant)
    default:
      return undefined
  }
}

/**
 * The rule for proposed times: exactly three, each ending after it starts, each starting
 * strictly after `now`, no two the same and no two overlapping (slots are half-open
 * [start, end), so one may start exactly when another ends). Checked in that order, so the
 * error names the first thing to fix; duplicates are reported before the overlap they imply.
 */
/**
 * How far ahead a provider may propose a visit: each proposed time must end within this many
 * days. Further out nobody can hold a plan (and the lead link would outlive its use).
 */
export const proposeDaysAhead = 90

/**
 * How long one proposed time may last, in minutes: at least half an hour (a narrower window
 * is not a time anyone can keep) and at most 12 hours (a day's work; beyond it the homeowner
 * cannot tell when to be home). Decision 0024.
 */
export const proposedSlotMinutes = { min: 30, max: 12 * 60 } as const

/** What is wrong with one proposed time on its own (the `index`th), if anything. */
const checkSlotAlone = (
  slot: TimeWindow,
  index: number,
  now: Instant,
): ProposedTimesInvalid | undefined => {
  if (slot.end <= slot.start) return new SlotEndsBeforeStart({ index })
  if (slot.start <= now) return new SlotNotInFuture({ index, start: slot.start })
  const minutes = Math.floor((slot.end - slot.start) / 60_000)
  if (minutes < proposedSlotMinutes.min || minutes > proposedSlotMinutes.max) {
    return new SlotLengthOutOfBounds({ index, minutes, ...proposedSlotMinutes })
  }
  const latest = now + proposeDaysAhead * DAY_MS
  if (slot.end > latest) return new SlotTooFarAhead({ index, end: slot.end, latest })
  return undefined
}

/** The first earlier time the `index`th is the same as, or overlaps, if any. */
const checkSlotAgainst = (
  slot: TimeWindow,
  index: number,
  earlier: ReadonlyArray<TimeWindow>,
): ProposedTimesInvalid | undefined => {
  for (const [first, a] of earlier.entries()) {
    if (a.start === slot.start && a.end === slot.end) {
      return new DuplicateSlots({ first, second: index })
    }
    if (a.start < slot.end && slot.start < a.end) {
      return new OverlappingSlots({ first, second: index })
    }
  }
  return undefined
}

/**
 * One proposed time as it is typed (the chat asks for them one by one): the rule of
 * `validateProposedTimes` for this time and the ones before it, so a duplicate or an overlap
 * is refused at the step that makes it and the earlier times are kept. Three times that each
 * pass this, in order, pass `validateProposedTimes`, and the other way round.
 */
export const validateNextProposedTime = (
  slot: TimeWindow,
  earlier: ReadonlyArray<TimeWindow>,
  now: Instant,
): Result.Result<TimeWindow, ProposedTimesInvalid> => {
  const wrong =
    checkSlotAlone(slot, earlier.length, now) ?? checkSlotAgainst(slot, earlier.length, earlier)
  return wrong === undefined ? Result.succeed(slot) : Result.fail(wrong)
}

export const validateProposedTimes = (
  slots: ReadonlyArray<TimeWindow>,
  now: Instant,
): Result.Result<ReadonlyArray<TimeWindow>, ProposedTimesInvalid> => {
  if (slots.length !== 3) return Result.fail(new WrongNumberOfSlots({ count: slots.length }))
  for (const [index, slot] of slots.entries()) {
    const alone = checkSlotAlone(slot, index, now)
    if (alone !== undefined) return Result.fail(alone)
  }
  for (let second = 1; second < slots.length; second++) {
    const clash = checkSlotAgainst(slots[second]!, second, slots.slice(0, second))
    if (clash !== undefined) return Result.fail(clash)
  }
  return Result.succeed(slots)
}

const notAllowed = (offer: Offer, command: OfferCommandTag) =>
  new OfferTransitionNotAllowed({
    offerId: offer.id,
    from: offer.state,
    command,
    allowedFrom: offerStatesAccepting(command),
    ...(offer.state === "expired" && offer.expiryCause !== undefined
      ? { expiryCause: offer.expiryCause }
      : {}),
  })

/** The provider acts only before the deadline; at the deadline the scheduler expires it. */
const beforeDeadline = (offer: Offer, now: Instant): Result.Result<void, OfferLapsed> => {
  const deadline = offerDeadline(offer)
  return deadline !== undefined && now >= deadline
    ? Result.fail(new OfferLapsed({ offerId: offer.id, deadline }))
    : Result.void
}

const expiryCause = (state: OfferState): ExpiryCause =>
  state === "unlocked" ? "hold" : state === "times_proposed" ? "slots_passed" : "ttl"

/**
 * Applies one command to an offer. The table decides which commands a state accepts; the
 * guards here hold the clock: a provider's action (preview, unlock, accept, propose) must
 * come before the offer's deadline, the scheduler's Expire at or after it. Declining and
 * withdrawing need no clock: closing an offer early harms nobody.
 */
export const transitionOffer = (
  offer: Offer,
  command: OfferCommand,
  policy: MarketplacePolicy,
  now: Instant,
): Result.Result<OfferTransition, OfferTransitionError> => {
  const to = offerTarget(offer.state, command._tag)
  if (to === undefined) return Result.fail(notAllowed(offer, command._tag))
  const event = (_tag: OfferEventTag): OfferEvent => ({
    _tag,
    at: now,
    offerId: offer.id,
    requestId: offer.requestId,
    providerId: offer.providerId,
  })
  const moved = { ...offer, state: to, updatedAt: now }

  switch (command._tag) {
    case "Preview":
      return Result.map(beforeDeadline(offer, now), () => [
        { ...moved, previewedAt: now },
        [event("OfferPreviewed")],
      ])
    case "Unlock":
      return Result.map(beforeDeadline(offer, now), () => [
        {
          ...moved,
          unlockedAt: now,
          holdExpiresAt: (now + policy.credits.unlockHoldMinutes * MINUTE_MS) as Instant,
          creditsCharged: command.credits,
        },
        [event("LeadUnlocked")],
      ])
    case "Accept":
      return Result.map(beforeDeadline(offer, now), () => [
        { ...moved, decidedAt: now },
        [event("OfferAccepted")],
      ])
    case "ProposeTimes":
      return Result.flatMap(beforeDeadline(offer, now), () =>
        Result.map(validateProposedTimes(command.slots, now), (slots) => [
          { ...moved, proposedTimes: slots, decidedAt: now },
          [event("TimesProposed")],
        ]),
      )
    case "ChooseTime": {
      const slot = offer.proposedTimes?.[command.slot]
      // A slot that has started can no longer be the time the provider comes.
      if (slot === undefined || slot.start <= now) {
        return Result.fail(new SlotUnavailable({ offerId: offer.id, slot: command.slot }))
      }
      return Result.succeed([
        { ...moved, chosenSlot: slot, decidedAt: now },
        [event("OfferAccepted")],
      ])
    }
    case "Decline":
      return Result.succeed([
        {
          ...moved,
          decidedAt: now,
          ...(command.reason === undefined ? {} : { declineReason: command.reason }),
        },
        [event("OfferDeclined")],
      ])
    case "RejectTimes":
      return Result.succeed([
        { ...moved, decidedAt: now, declineReason: "homeowner chose none of the proposed times" },
        [event("OfferDeclined")],
      ])
    case "Expire": {
      const deadline = offerDeadline(offer)
      if (deadline === undefined || now < deadline) {
        return Result.fail(new OfferNotDue({ offerId: offer.id, deadline: deadline ?? now }))
      }
      return Result.succeed([
        { ...moved, decidedAt: now, expiryCause: expiryCause(offer.state) },
        [event("OfferExpired")],
      ])
    }
    case "Withdraw":
      // The reason goes to the audit log and the provider's message, not onto the offer.
      return Result.succeed([
        { ...moved, decidedAt: now, expiryCause: "withdrawn" },
        [event("OfferExpired")],
      ])
  }
}

/**
 * A reason given after declining (the chat asks once the decline has gone through, so
 * dispatch never waits on it): it fills an empty `declineReason` of a declined offer and
 * changes nothing else, state included. Undefined when there is nothing to note: the
 * offer was not declined (by its provider or otherwise), or already has its reason (the
 * one given with the decline, on the lead page, stands).
 */
export const noteDeclineReason = (offer: Offer, reason: string, now: Instant): Offer | undefined =>
  offer.state === "declined" && offer.declineReason === undefined
    ? { ...offer, declineReason: reason, updatedAt: now }
    : undefined
