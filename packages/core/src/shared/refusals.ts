import type { LeadRefundCommandTag } from "../dispatch/domain/lead-refund.transitions.ts"
import type { OfferCommandTag } from "../dispatch/domain/offer.transitions.ts"
import type { RequestCommandTag } from "../dispatch/domain/service-request.transitions.ts"
import type { SubscriptionCommandTag } from "../subscriptions/domain/subscription.ts"
import type { ApplicationCommandTag } from "../vetting/domain/application.transitions.ts"
import type { StatusCommandTag } from "../vetting/domain/provider-status.transitions.ts"
import type { TopUpCommandTag } from "../wallet/domain/top-up.ts"

/**
 * A state machine command in people's words. Command tags ("StartDispatch") are the
 * code's names; a refusal read by a homeowner's client, a provider or an operator says
 * what was tried ("dispatch request req_…") and what it needs.
 */
export interface CommandPhrase {
  /** What was attempted, given the subject ("request req_…"): "dispatch request req_…". */
  readonly attempt: (subject: string) => string
  /** The command as a noun phrase, for "… needs the request to be ready": "dispatch". */
  readonly name: string
}

/** The things with a state machine, as refusals name them. */
export type RefusalEntity =
  | "application"
  | "party"
  | "top_up"
  | "request"
  | "subscription"
  | "offer"
  | "lead_refund"

const phrase = (attempt: (subject: string) => string, name: string): CommandPhrase => ({
  attempt,
  name,
})
const verb = (word: string, name: string): CommandPhrase =>
  phrase((subject) => `${word} ${subject}`, name)

/** What each entity is called in a sentence. */
export const entityNouns: { readonly [E in RefusalEntity]: string } = {
  application: "application",
  party: "party",
  top_up: "top-up",
  request: "request",
  subscription: "subscription",
  offer: "offer",
  lead_refund: "refund claim",
}

/**
 * Every command of every transition table, in words. The types make a missing phrase a
 * compile error; refusals.test.ts checks the tables themselves, so a command added to a
 * table without a phrase fails there too.
 */
export const commandPhrases: {
  readonly request: { readonly [C in RequestCommandTag]: CommandPhrase }
  readonly application: { readonly [C in ApplicationCommandTag]: CommandPhrase }
  readonly party: { readonly [C in StatusCommandTag]: CommandPhrase }
  readonly top_up: { readonly [C in TopUpCommandTag]: CommandPhrase }
  readonly subscription: { readonly [C in SubscriptionCommandTag]: CommandPhrase }
  readonly offer: { readonly [C in OfferCommandTag]: CommandPhrase }
  readonly lead_refund: { readonly [C in LeadRefundCommandTag]: CommandPhrase }
} = {
  request: {
    AskClarification: phrase((s) => `ask the homeowner a question about ${s}`, "a question"),
    Answer: phrase((s) => `take the homeowner's answer on ${s}`, "an answer"),
    MarkReady: phrase((s) => `release ${s} for dispatch`, "release for dispatch"),
    StartDispatch: verb("dispatch", "dispatch"),
    Assign: phrase((s) => `assign ${s} to a provider`, "assignment"),
    GiveUp: phrase((s) => `mark ${s} unfulfilled`, "marking it unfulfilled"),
    Cancel: verb("cancel", "cancelling"),
  },
  application: {
    Submit: verb("submit", "submitting"),
    StartReview: verb("start reviewing", "a review"),
    RequestBackgroundCheck: phrase(
      (s) => `request a background check for ${s}`,
      "a background check",
    ),
    RecordBackgroundCheck: phrase(
      (s) => `record a background check result for ${s}`,
      "a background check result",
    ),
    Approve: verb("approve", "approval"),
    Reject: verb("reject", "rejection"),
  },
  party: {
    Activate: verb("activate", "activation"),
    Deactivate: verb("deactivate", "deactivation"),
    Suspend: verb("suspend", "suspension"),
    Reinstate: verb("reinstate", "reinstatement"),
  },
  top_up: {
    SubmitProof: phrase((s) => `take a proof of payment for ${s}`, "a proof of payment"),
    Approve: verb("approve", "approval"),
    Reject: verb("reject", "rejection"),
    Cancel: verb("cancel", "cancelling"),
  },
  subscription: {
    PaymentConfirmed: phrase((s) => `confirm a payment for ${s}`, "a payment"),
    PeriodEnded: phrase((s) => `end the period of ${s}`, "ending a period"),
    GraceEnded: phrase((s) => `end the grace period of ${s}`, "ending the grace period"),
    PaymentWindowClosed: phrase(
      (s) => `close the payment window of ${s}`,
      "closing the payment window",
    ),
    Cancel: verb("cancel", "cancelling"),
  },
  offer: {
    Preview: verb("preview", "a preview"),
    Unlock: verb("unlock", "unlocking"),
    Accept: verb("accept", "accepting"),
    Decline: verb("decline", "declining"),
    ProposeTimes: phrase((s) => `propose other times on ${s}`, "proposing times"),
    ChooseTime: phrase((s) => `choose a proposed time on ${s}`, "choosing a time"),
    RejectTimes: phrase((s) => `turn down the proposed times on ${s}`, "turning the times down"),
    Expire: verb("expire", "expiry"),
    Withdraw: verb("withdraw", "withdrawal"),
  },
  lead_refund: {
    Approve: verb("approve", "approval"),
    Reject: verb("reject", "rejection"),
  },
}

/** The phrase for a command of an entity's machine, if the command is one of its table's. */
export const commandPhrase = (entity: RefusalEntity, command: string): CommandPhrase | undefined =>
  Object.hasOwn(commandPhrases[entity], command)
    ? (commandPhrases[entity] as Readonly<Record<string, CommandPhrase>>)[command]
    : undefined

/** "a", "a or b", "a, b or c". */
const alternatives = (states: ReadonlyArray<string>): string =>
  states.length <= 1
    ? (states[0] ?? "")
    : `${states.slice(0, -1).join(", ")} or ${states[states.length - 1]}`

export interface Refusal {
  readonly entity: RefusalEntity
  readonly id: string
  readonly from: string
  readonly command: string
  /** States from which the command would be allowed. */
  readonly allowedFrom: ReadonlyArray<string>
}

/**
 * A state machine's refusal in words: "cannot dispatch request req_…: it is assigned;
 * dispatch needs the request to be ready or dispatching". States keep their names (ops
 * filter lists by them); a command without a phrase falls back to its tag.
 */
export const refusalMessage = (refusal: Refusal): string => {
  const noun = entityNouns[refusal.entity]
  const subject = `${noun} ${refusal.id}`
  const found = commandPhrase(refusal.entity, refusal.command)
  const attempt = found?.attempt(subject) ?? `${refusal.command} ${subject}`
  const name = found?.name ?? refusal.command
  const needs =
    refusal.allowedFrom.length === 0
      ? `no ${noun} allows ${name}`
      : `${name} needs the ${noun} to be ${alternatives(refusal.allowedFrom)}`
  return `cannot ${attempt}: it is ${refusal.from}; ${needs}`
}
