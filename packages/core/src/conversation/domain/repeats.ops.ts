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
