import type {
  acceptLead,
  chooseProposedTime,
  confirmPayment,
  declineLead,
  getOffer,
  openHandoverLink,
  openLeadLink,
  openLeadPhoto,
  openPaymentCheckout,
  paymentPage,
  proposeTimes,
  rejectProposedTimes,
  unlockLead,
} from "@fundi/core"
import { proposeDaysAhead, proposedSlotMinutes } from "@fundi/core"
import type { Effect } from "effect"
import { html } from "hono/html"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import { type Html, layout } from "./layout.ts"

type ErrorOf<F> = F extends (input: never) => Effect.Effect<unknown, infer E, unknown> ? E : never

/** Every tagged error the link pages can meet; `pageErrors` must give each a page. */
export type PageError =
  | ErrorOf<typeof openLeadLink>
  | ErrorOf<typeof openLeadPhoto>
  | ErrorOf<typeof openHandoverLink>
  | ErrorOf<typeof unlockLead>
  | ErrorOf<typeof acceptLead>
  | ErrorOf<typeof declineLead>
  | ErrorOf<typeof proposeTimes>
  | ErrorOf<typeof getOffer>
  | ErrorOf<typeof chooseProposedTime>
  | ErrorOf<typeof rejectProposedTimes>
  | ErrorOf<typeof openPaymentCheckout>
  | ErrorOf<typeof paymentPage>
  | ErrorOf<typeof confirmPayment>

interface ErrorPage {
  readonly status: ContentfulStatusCode
  readonly title: string
  readonly text: string
}

const gone = (title: string, text: string): ErrorPage => ({ status: 410, title, text })
const notFound: ErrorPage = {
  status: 404,
  title: "This link does not work",
  text: "Check that you opened the whole link from your message. If it still does not work, reply to the message and we will send a new one.",
}
const conflict = (title: string, text: string): ErrorPage => ({ status: 409, title, text })
const closedLead = conflict(
  "This has moved on",
  "It was already decided, closed, or its time ran out before your answer reached us.",
)
// An offer that ran out on its own is not one someone else took (decision 0018's words).
const expiredLead = conflict(
  "This lead has expired",
  "Its time to answer ran out before your answer reached us, so it was passed on. We will send you the next lead.",
)
const expiredHold = conflict(
  "This lead has expired",
  "Your hold on it ran out before your answer reached us, so it was passed on. We will send you the next lead.",
)
const timesPassed = conflict(
  "These times have passed",
  "The proposed times have all started, so none can be chosen now. Reply to our message and we will help.",
)
const withdrawnLead = conflict(
  "This lead is no longer available",
  "It was given to another provider or closed. We will send you the next lead.",
)
const badTimes = (text: string): ErrorPage => ({ status: 400, title: "Check the times", text })
const unlockFirst = conflict(
  "Unlock this lead first",
  "Unlock the lead to see the whole job; then you can accept it or propose other times.",
)
const homeownerChoosing = conflict(
  "The homeowner is choosing a time",
  "You proposed three times. We will tell you which one they pick, or if none suits them.",
)

/**
 * The page for each error, typed as a total map over the tags so a use case that gains
 * an error fails the typecheck until it has one. Unknown and tampered tokens are 404, an
 * expired or revoked link 410, a state that no longer allows the action 409, bad form
 * input 400 naming the field (InvalidInput pages list the issues themselves).
 */
export const pageErrors: { readonly [K in PageError["_tag"]]: ErrorPage } = {
  InvalidInput: {
    status: 400,
    title: "Please check the form",
    text: "Something is missing or wrong.",
  },
  LinkInvalid: notFound,
  LinkScopeMismatch: notFound,
  LinkExpired: gone(
    "This link has expired",
    "Links last a limited time. Reply to your message and we will send a new one.",
  ),
  LinkRevoked: gone(
    "This link was switched off",
    "It no longer opens anything. Reply to your message if you still need help.",
  ),
  OfferNotFound: notFound,
  PhotoNotShown: {
    status: 404,
    title: "No photo here",
    text: "Photos are shared once you unlock the lead, and only while it is open to you.",
  },
  ObjectNotFound: {
    status: 404,
    title: "This photo is missing",
    text: "We could not find the photo. Reply to your message if you need it.",
  },
  NotOfferProvider: notFound,
  RequestNotFound: notFound,
  NotRequestOwner: notFound,
  PartyNotFound: notFound,
  NotAProvider: notFound,
  PersistenceUnavailable: {
    status: 503,
    title: "We could not do that just now",
    text: "Our system is busy. Please try again in a minute.",
  },
  RequestNotDispatching: closedLead,
  OfferTransitionNotAllowed: closedLead,
  OfferLapsed: expiredLead,
  OfferNotDue: closedLead,
  TransitionNotAllowed: closedLead,
  LeadAlreadyAssigned: conflict("Already taken", "This job has already been given to a provider."),
  UnlockCapReached: conflict(
    "This lead is fully unlocked",
    "The most providers allowed have already unlocked it.",
  ),
  ProviderIneligible: conflict(
    "You cannot take leads right now",
    "Your account is not active for leads. Please contact us.",
  ),
  LeadsNotSold: conflict(
    "Leads are not sold here",
    "This marketplace does not unlock leads with credits.",
  ),
  LeadPriceMissing: conflict(
    "This lead has no price yet",
    "We cannot unlock it right now. Please contact us.",
  ),
  InsufficientFunds: conflict(
    "Not enough credits",
    "Top up your credits, then open this link again to unlock the lead.",
  ),
  WeeklyBudgetExceeded: conflict(
    "Weekly budget reached",
    "You have reached the credit budget you set for this week.",
  ),
  IdempotencyConflict: conflict(
    "Already done",
    "This lead was already paid for in a different way. Please contact us.",
  ),
  SlotUnavailable: conflict(
    "That time is no longer available",
    "Pick another time, or none of them.",
  ),
  WrongNumberOfSlots: badTimes("Propose exactly three times."),
  SlotEndsBeforeStart: badTimes("Each time must end after it starts."),
  SlotNotInFuture: badTimes("Each time must be in the future."),
  SlotTooFarAhead: badTimes(`Each time must end within the next ${proposeDaysAhead} days.`),
  SlotLengthOutOfBounds: badTimes(
    `Each time must last at least ${proposedSlotMinutes.min} minutes and at most ${proposedSlotMinutes.max / 60} hours.`,
  ),
  DuplicateSlots: badTimes("The three times must be different."),
  OverlappingSlots: badTimes("The three times must not overlap."),
  PaymentNotFound: notFound,
  PaymentClosed: conflict(
    "There is nothing to pay",
    "This payment is already settled or closed. Reply to our message if you need a new link.",
  ),
  PaymentGatewayUnavailable: {
    status: 503,
    title: "The payment page is not available right now",
    text: "Nothing was charged. Please try again in a minute.",
  },
  // The gateway said no to a request retrying will not fix: ours to sort out, not the payer's.
  PaymentGatewayRefused: {
    status: 502,
    title: "We could not open the payment page",
    text: "Nothing was charged. Please reply to our message and we will help.",
  },
  PaymentMismatch: conflict(
    "There is a problem with this payment",
    "What the payment provider reports does not match what you owe. Our team has been told and will contact you.",
  ),
}

/**
 * The page for an error: its tag's, or a more specific one where the error says more (an
 * offer that expired, by its own deadline or withdrawn, says which; one not unlocked yet, or
 * whose times the homeowner is still choosing from, is not a lead that has moved on).
 */
export const pageFor = (e: PageError): ErrorPage => {
  if (e._tag === "OfferTransitionNotAllowed") {
    switch (e.expiryCause) {
      case "ttl":
        return expiredLead
      case "hold":
        return expiredHold
      case "slots_passed":
        return timesPassed
      case "withdrawn":
        return withdrawnLead
    }
    if ((e.from === "offered" || e.from === "previewed") && e.allowedFrom.includes("unlocked")) {
      return unlockFirst
    }
    if (e.from === "times_proposed" && (e.command === "Accept" || e.command === "ProposeTimes")) {
      return homeownerChoosing
    }
  }
  return pageErrors[e._tag]
}

/** Which form field a rule error is about, so the page can name it. */
export const fieldOf = (e: PageError): string | undefined => {
  switch (e._tag) {
    case "SlotEndsBeforeStart":
    case "SlotNotInFuture":
    case "SlotTooFarAhead":
    case "SlotLengthOutOfBounds":
      return `slot${e.index + 1}`
    case "DuplicateSlots":
    case "OverlappingSlots":
      return `slot${e.second + 1}`
    default:
      return undefined
  }
}

export interface ErrorView {
  readonly status: ContentfulStatusCode
  readonly title: string
  readonly text: string
  /** Field-level problems, by form field name. */
  readonly issues?: ReadonlyArray<{ readonly field: string; readonly message: string }>
  /** Where "Back" goes (the link's page), when there is one to go back to. */
  readonly back?: string | undefined
  /** The reference of an unexpected failure, as logged. */
  readonly errorId?: string
}

export const errorPage = (e: ErrorView): Html =>
  layout({
    title: e.title,
    body: html`<h1>${e.title}</h1>
<div class="card"><p>${e.text}</p>
${
  e.issues === undefined || e.issues.length === 0
    ? ""
    : html`<ul>${e.issues.map((i) => html`<li><strong>${i.field}</strong>: ${i.message}</li>`)}</ul>`
}
${e.errorId === undefined ? "" : html`<p class="note">Reference: ${e.errorId}</p>`}
${e.back === undefined ? "" : html`<a class="button secondary" href="${e.back}">Back</a>`}
</div>`,
  })
