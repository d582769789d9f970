import { Data, Effect } from "effect"
import {
  OfferTransitionNotAllowed,
  SlotNotInFuture,
  SlotTooFarAhead,
} from "../../dispatch/domain/dispatch.errors.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { showDateTime } from "../../shared/local-time.ts"
import { ReapplyLockedOut } from "../../vetting/domain/vetting.errors.ts"
import { WeeklyBudgetExceeded } from "../../wallet/domain/wallet.errors.ts"
import type { Reply } from "../domain/replies.ts"
import type { ConversationSession } from "../domain/session.ts"

/** What one message leads to: the session to keep and the replies to send. */
export interface Turn {
  readonly session: ConversationSession
  readonly replies: ReadonlyArray<Reply>
}

/**
 * A use case refused what the person asked for. Whatever it wrote is rolled back with the
 * transaction (a refusal may come after a write: an unlock refused for want of credits
 * has already moved the offer), and the answer goes out in a transaction of its own.
 */
export class Refused extends Data.TaggedError("Refused")<{ readonly turn: Turn }> {}

type Failure = { readonly _tag: string; readonly message: string }

/** What to tell a person when a use case says no; anything else is the error's own message. */
const refusalText: Readonly<Record<string, (error: Failure) => string>> = {
  // Said to a provider who did not get the job (the one who has it is told it is theirs):
  // their lead.withdrawn notice says the lead is no longer available; this agrees.
  LeadAlreadyAssigned: () =>
    "Sorry, another provider took this job first, so it is no longer available. We will send you the next lead.",
  InsufficientFunds: () =>
    "You do not have enough credits to unlock this lead. Top up your wallet and try again.",
  UnlockCapReached: () => "Sorry, enough providers have already unlocked this lead.",
  OfferNotFound: () => "I could not find that lead.",
  NotOfferProvider: () => "That lead was offered to someone else.",
  OfferTransitionNotAllowed: (error) => {
    const cause = error instanceof OfferTransitionNotAllowed ? error.expiryCause : undefined
    switch (cause) {
      case "ttl":
        return "Sorry, that lead has expired: the time to answer it ran out, so that button no longer applies. We will send you the next lead."
      case "hold":
        return "Sorry, that lead has expired: your hold on it ran out, so that button no longer applies. We will send you the next lead."
      case "slots_passed":
        return "Sorry, those proposed times have passed, so that button no longer applies."
      // Closed by dispatch: taken by another provider, cancelled, or the provider was
      // unreachable. As the lead.withdrawn notice says.
      case "withdrawn":
        return "Sorry, that lead is no longer available, so that button no longer applies. We will send you the next lead."
      default:
        return "That lead has moved on, so that button no longer applies."
    }
  },
  OfferLapsed: () => "Sorry, that lead has expired.",
  RequestNotDispatching: () => "That request is no longer looking for a provider.",
  ProviderIneligible: () =>
    'Your account cannot take leads right now. Type "status" or contact our team.',
  LeadsNotSold: () => "Leads are not unlocked with credits on this marketplace.",
  SlotUnavailable: () => "Sorry, that time is no longer available.",
  NotRequestOwner: () => "That request belongs to someone else.",
  CustomerNotActive: () =>
    "Your account is not active yet. We will message you as soon as it is approved.",
  PhoneAlreadyRegistered: () => 'This number is already registered. Type "menu" to carry on.',
  ApplicationAlreadyOpen: () => "Your application is already with our team; we will message you.",
  AlreadyApproved: () => "Your application is already approved.",
}

/**
 * The refusals that name a time, on the marketplace's clock (`timeZone`, the policy's): the
 * errors' own messages print UTC (ISO) for ops and the API, never for the chat.
 */
export const onTheClock = (error: Failure, timeZone: string): string | undefined => {
  const at = (instant: number) => showDateTime(instant, timeZone)
  if (error instanceof ReapplyLockedOut) return `You may apply again from ${at(error.until)}.`
  if (error instanceof WeeklyBudgetExceeded) {
    return `This would spend ${error.spent + error.requested} credits this week, more than your weekly budget of ${error.budget}. It resets on ${at(error.resetsAt)}.`
  }
  if (error instanceof SlotNotInFuture) {
    return `time ${error.index + 1} (${at(error.start)}) is not in the future`
  }
  if (error instanceof SlotTooFarAhead) {
    return `time ${error.index + 1} ends ${at(error.end)}; each time must end by ${at(error.latest)}`
  }
  return undefined
}

export const refusalReason = (error: Failure, timeZone: string): string =>
  onTheClock(error, timeZone) ??
  refusalText[error._tag]?.(error) ??
  `Sorry, that did not work: ${error.message}`

const isPersistence = (error: { readonly _tag: string }): error is PersistenceUnavailable =>
  error._tag === "PersistenceUnavailable"

/**
 * Runs a use case for the conversation: an outage stays an outage (the inbox retries the
 * message), any other failure becomes the turn `onRefusal` builds from it.
 */
export const attempt = <A, E extends Failure, R>(
  effect: Effect.Effect<A, E, R>,
  onRefusal: (error: Exclude<E, PersistenceUnavailable>) => Turn,
): Effect.Effect<A, PersistenceUnavailable | Refused, R> =>
  Effect.catch(
    effect,
    (error): Effect.Effect<never, PersistenceUnavailable | Refused> =>
      isPersistence(error)
        ? Effect.fail(error)
        : Effect.fail(
            new Refused({ turn: onRefusal(error as Exclude<E, PersistenceUnavailable>) }),
          ),
  )
