import type { TimeWindow } from "../../dispatch/domain/service-request.ts"
import { showWindow } from "./availability.ops.ts"

/**
 * Taps that repeat what the person already did (a double tap, or the same step taken on
 * the link page first): the use cases refuse them, and the chat says it is done already,
 * as the link pages do (`refusedFrom` / `doneAlready` in pages.routes.ts), never "taken by
 * someone else" to the person who has it.
 */

/** A use case's refusal, as the chat reads it (fields set by the offer errors). */
export interface Refusal {
  readonly _tag: string
  readonly message: string
  readonly from?: string
  readonly command?: string
  readonly assignedProviderId?: string
}

/** The offer refused `command` because it already is in one of `states`. */
export const refusedFrom = (
  error: Refusal,
  command: string,
  states: ReadonlyArray<string>,
): boolean =>
  error._tag === "OfferTransitionNotAllowed" &&
  error.command === command &&
  error.from !== undefined &&
  states.includes(error.from)

/** The provider's Accept was done already: the job is theirs (their own tap, or the page). */
export const acceptedAlready = (error: Refusal, providerId: string): boolean =>
  refusedFrom(error, "Accept", ["accepted"]) ||
  (error._tag === "LeadAlreadyAssigned" && error.assignedProviderId === providerId)

/** The provider's Decline was done already. */
export const declinedAlready = (error: Refusal): boolean =>
  refusedFrom(error, "Decline", ["declined"])

/** What the chat knew of the offer and its request when the homeowner picked. */
export interface PickFacts {
  readonly offer?: {
    readonly state: string
    readonly providerId: string
    readonly chosenSlot?: TimeWindow
  }
  readonly request?: { readonly state: string; readonly assignedProviderId?: string }
}

/**
 * Why a homeowner's pick of a proposed time (or "none") was refused, in a homeowner's
 * words: never the provider's ("another provider has already taken this job", "that
 * lead"). Booked already with this provider says so, with the agreed time.
 */
export const homeownerPickRefusal = (
  error: Refusal,
  facts: PickFacts,
  timeZone: string,
): string => {
  const { offer, request } = facts
  if (offer !== undefined && request?.state === "assigned") {
    if (request.assignedProviderId === offer.providerId) {
      return offer.chosenSlot === undefined
        ? "You have already booked this provider. Their details are in our handover message."
        : `You have already booked this provider for ${showWindow(offer.chosenSlot, timeZone)}. Their details are in our handover message.`
    }
    return "Your request is already booked with another provider, so these times no longer apply."
  }
  if (offer?.state === "declined") return "You already told us none of these times suit you."
  if (request?.state === "cancelled")
    return "Your request is cancelled, so these times no longer apply."
  if (request?.state === "unfulfilled") {
    return "We have stopped looking for a provider for this request, so these times no longer apply."
  }
  if (offer?.state === "expired") {
    return "These times are no longer available: the provider's offer has closed."
  }
  switch (error._tag) {
    case "SlotUnavailable":
      return "Sorry, that time is no longer available."
    case "OfferLapsed":
      return "Sorry, these times are no longer available: the provider's offer has closed."
    case "NotRequestOwner":
      return "That request belongs to someone else."
    case "CustomerNotActive":
      return "Your account is not active yet. We will message you as soon as it is approved."
    default:
      return 'Sorry, these times no longer apply. Type "status" to see your requests.'
  }
}

/** What an open propose-times flow knows of its offer when the provider's next message comes. */
export interface ProposeFacts {
  readonly offer?: {
    readonly state: string
    readonly providerId: string
    readonly expiryCause?: string
  }
  readonly requestState?: string
  /** The offer's deadline (hold) has passed, even if no sweep has expired it yet. */
  readonly lapsed: boolean
}

/**
 * Why a propose-times flow must stop asking (the offer is no longer open to propose times
 * on), in a provider's words; undefined while it is.
 */
export const proposeClosedReason = (
  facts: ProposeFacts,
  providerId: string,
): string | undefined => {
  const { offer } = facts
  const stop = "so I have stopped asking for times."
  if (offer === undefined || offer.providerId !== providerId) {
    return `I could not find that lead any more, ${stop}`
  }
  switch (offer.state) {
    case "unlocked":
      break
    case "accepted":
      return `You accepted this job already, ${stop}`
    case "declined":
      return `You declined this lead, ${stop}`
    case "times_proposed":
      return "You have proposed times for this lead already, so I have stopped asking."
    case "expired":
      return offer.expiryCause === "withdrawn"
        ? `This lead is no longer available (the request was taken or cancelled), ${stop}`
        : `Your hold on this lead ran out, ${stop}`
    default:
      return `This lead is no longer open for times, ${stop}`
  }
  if (facts.requestState !== "dispatching") {
    return `This lead is no longer available (the request was taken or cancelled), ${stop}`
  }
  return facts.lapsed ? `Your hold on this lead ran out, ${stop}` : undefined
}
