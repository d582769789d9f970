import type { DispatchDecision } from "../../dispatch/domain/dispatch.ops.ts"
import type { Offer } from "../../dispatch/domain/offer.ts"
import type { ServiceRequest, TimeWindow } from "../../dispatch/domain/service-request.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { showDateTime, showDay } from "../../shared/local-time.ts"
import { sellsPlans } from "../../subscriptions/domain/subscription.ops.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { showWindow } from "./availability.ops.ts"
import { actionId } from "./commands.ops.ts"
import type { ReplyButton } from "./intent.ts"
import { buttonsReply, type Reply, textReply } from "./replies.ts"

/**
 * What the bot says outside flows: the menu, help, status, the opt-out confirmation and
 * the answers to what it did not understand. Pure, so the limits are property-tested.
 */

export const conversationTemplates = {
  menu: "conversation.menu",
  help: "conversation.help",
  status: "conversation.status",
  stopped: "conversation.stopped",
  started: "conversation.started",
  signUp: "conversation.sign_up",
  notUnderstood: "conversation.not_understood",
  unknownButton: "conversation.unknown_button",
  refused: "conversation.refused",
  done: "conversation.done",
} as const

const commandsLine = 'You can type "menu", "status", "help", or "stop" to stop messages.'

/** Someone whose number we do not know: homeowner or provider? */
export const signUpOffer = (policy: MarketplacePolicy): Reply =>
  buttonsReply(
    conversationTemplates.signUp,
    `Hello from ${policy.brand}! We connect homeowners with vetted local service providers. Are you looking for help, or are you a provider?`,
    [
      { id: actionId.startFlow("sign_up", "customer"), title: "I need help" },
      { id: actionId.startFlow("sign_up", "provider"), title: "I'm a provider" },
    ],
  )

/** What a signed-up person can do from the menu (and from messages that end in one). */
export const menuButtons = (party: Party): ReadonlyArray<ReplyButton> =>
  party.kind === "customer"
    ? [
        { id: actionId.startFlow("request_help"), title: "Request help" },
        { id: actionId.command("status"), title: "My requests" },
        { id: actionId.command("help"), title: "Help" },
      ]
    : [
        { id: actionId.command("status"), title: "My leads" },
        { id: actionId.startFlow("apply"), title: "Application" },
        { id: actionId.command("help"), title: "Help" },
      ]

export const menu = (party: Party | undefined, policy: MarketplacePolicy): Reply => {
  if (party === undefined) return signUpOffer(policy)
  const name = party.profile.displayName
  const hello =
    name === undefined ? "What would you like to do?" : `Hi ${name}, what would you like to do?`
  return buttonsReply(conversationTemplates.menu, hello, menuButtons(party))
}

export const help = (party: Party | undefined, policy: MarketplacePolicy): Reply =>
  textReply(
    conversationTemplates.help,
    [
      `${policy.brand} on WhatsApp.`,
      party?.kind === "provider"
        ? "You receive leads here: tap Unlock, Accept, Decline or Propose times on a lead."
        : "Ask for help at home: tap Request help in the menu and answer a few questions.",
      party?.kind === "customer" && sellsPlans(policy)
        ? 'Type "plans" to choose or change your plan.'
        : "",
      commandsLine,
    ]
      .filter((sentence) => sentence !== "")
      .join(" "),
  )

export const stopped = (policy: MarketplacePolicy): Reply =>
  textReply(
    conversationTemplates.stopped,
    `You will get no more messages from ${policy.brand}. Type "start" at any time to come back.`,
  )

export const started = (policy: MarketplacePolicy): Reply =>
  textReply(conversationTemplates.started, `Welcome back to ${policy.brand}!`)

export const notUnderstood = (): Reply =>
  textReply(
    conversationTemplates.notUnderstood,
    `Sorry, I did not understand that. ${commandsLine}`,
  )

export const unknownButton = (): Reply =>
  textReply(
    conversationTemplates.unknownButton,
    `That button is from an earlier message and no longer works. ${commandsLine}`,
  )

export const refused = (reason: string): Reply => textReply(conversationTemplates.refused, reason)

export const done = (text: string): Reply => textReply(conversationTemplates.done, text)

const requestStateText: Readonly<Record<ServiceRequest["state"], string>> = {
  submitted: "being reviewed by our team",
  needs_clarification: "waiting for your answer to our question",
  ready: "ready, finding a provider",
  dispatching: "offered to providers",
  assigned: "a provider is assigned",
  unfulfilled: "no provider could take it",
  cancelled: "cancelled",
}

const offerStateText: Readonly<Record<Offer["state"], string>> = {
  offered: "new, waiting for you",
  previewed: "viewed, waiting for you",
  unlocked: "unlocked: accept, decline or propose times",
  times_proposed: "waiting for the homeowner to pick a time",
  accepted: "accepted",
  declined: "declined",
  expired: "expired",
}

/** The start of the homeowner's own words for a request, on one line. */
const snippetLength = 40
const snippet = (description: string): string => {
  const line = description.replace(/\s+/gu, " ").trim()
  return line.length <= snippetLength ? line : `${line.slice(0, snippetLength - 1).trimEnd()}…`
}

/**
 * How each request is named in a list, so that no two read alike, whatever their states:
 * the trade and the day asked (on the marketplace's calendar); where two share those, the
 * time too; where they still do, the start of the homeowner's own words; and where even
 * those match, their place among the look-alikes ("1 of 2"). Each step is taken only by the
 * requests that need it, so the usual line stays short.
 */
export const requestLabels = (
  requests: ReadonlyArray<Pick<ServiceRequest, "category" | "createdAt" | "description">>,
  timeZone: string,
): ReadonlyArray<string> => {
  const refine = (
    labels: ReadonlyArray<string>,
    more: (index: number, alike: ReadonlyArray<number>) => string,
  ): ReadonlyArray<string> =>
    labels.map((label, index) => {
      const alike = labels.flatMap((other, i) => (other === label ? [i] : []))
      return alike.length > 1 ? more(index, alike) : label
    })
  const day = requests.map((r) => `${r.category} (${showDay(r.createdAt, timeZone)})`)
  const time = refine(day, (i) => {
    const r = requests[i]!
    return `${r.category} (${showDateTime(r.createdAt, timeZone)})`
  })
  const words = refine(time, (i) => `${time[i]} "${snippet(requests[i]!.description)}"`)
  return refine(words, (i, alike) => `${words[i]} (${alike.indexOf(i) + 1} of ${alike.length})`)
}

const requestLine = (r: ServiceRequest, label: string): string => {
  const line = `- ${label}: ${requestStateText[r.state]}`
  return r.state === "needs_clarification" && r.clarificationQuestion !== undefined
    ? `${line}: "${r.clarificationQuestion.replace(/\s+/gu, " ").trim()}"`
    : line
}

/** How to answer ops' questions: one is answered by typing, several by replying to each. */
export const howToAnswer = (waiting: number): string =>
  waiting <= 1
    ? "Type your answer as a message and I will pass it to our team."
    : "Reply to our question's message with your answer, or type it and I will ask which request it is for."

/**
 * A homeowner's open requests, each dated on the marketplace's calendar (`timeZone`); a
 * request waiting for their answer repeats the question and says how to answer it.
 */
export const requestStatus = (requests: ReadonlyArray<ServiceRequest>, timeZone: string): Reply => {
  if (requests.length === 0) {
    return textReply(
      conversationTemplates.status,
      'You have no open requests. Type "menu" to ask for help.',
    )
  }
  const waiting = requests.filter((r) => r.state === "needs_clarification").length
  const labels = requestLabels(requests, timeZone)
  return textReply(
    conversationTemplates.status,
    [
      `Your open requests (${requests.length}):`,
      ...requests.map((r, i) => requestLine(r, labels[i]!)),
      ...(waiting === 0 ? [] : [howToAnswer(waiting)]),
    ].join("\n"),
  )
}

/** A job a provider holds: the offer they accepted, on a request assigned to them. */
export interface JobLine {
  readonly about: string
  /** The time agreed with the homeowner, when they picked one of the proposed times. */
  readonly agreed?: TimeWindow
  /** When the provider got the job (accepted, or the homeowner picked their time). */
  readonly since: number
}

const jobLine = (job: JobLine, timeZone: string): string =>
  job.agreed === undefined
    ? `- ${job.about}: yours since ${showDay(job.since, timeZone)}, agree the time with the homeowner`
    : `- ${job.about}: booked for ${showWindow(job.agreed, timeZone)}`

/** How many of each list the status reply leaves out (it lists at most `statusListLimit`). */
export interface NotListed {
  readonly leads: number
  readonly jobs: number
}

/** The most leads, and the most jobs, one status reply lists: a chat message stays short. */
export const statusListLimit = 10

/**
 * A provider's open leads and the jobs they hold, each with what the request is about
 * (category and area), dated on the marketplace's calendar (`timeZone`). Counts include
 * what `notListed` says was left out, and a line says how many and where to find them (the
 * chat has no pages to turn: each lead and job has its own message).
 */
export const offerStatus = (
  offers: ReadonlyArray<{ readonly offer: Offer; readonly about: string }>,
  jobs: ReadonlyArray<JobLine>,
  timeZone: string,
  notListed: NotListed = { leads: 0, jobs: 0 },
): Reply => {
  const leads =
    offers.length + notListed.leads === 0
      ? ["You have no open leads right now. We will message you when one comes in."]
      : [
          `Your open leads (${offers.length + notListed.leads}):`,
          ...offers.map(
            ({ offer, about }) =>
              `- ${about} (${showDay(offer.offeredAt, timeZone)}): ${offerStateText[offer.state]}`,
          ),
          ...(notListed.leads === 0
            ? []
            : [
                `…and ${notListed.leads} older, not listed here: each is in the lead message we sent you, with its link.`,
              ]),
        ]
  const held =
    jobs.length + notListed.jobs === 0
      ? []
      : [
          `Your jobs (${jobs.length + notListed.jobs}):`,
          ...jobs.map((j) => jobLine(j, timeZone)),
          ...(notListed.jobs === 0
            ? []
            : [
                `…and ${notListed.jobs} older, not listed here: each one's homeowner details are in the handover message we sent you when you got it.`,
              ]),
        ]
  // Jobs first: they are what the provider has to do.
  return textReply(conversationTemplates.status, [...held, ...leads].join("\n"))
}

/**
 * The homeowner could use none of a provider's times: what dispatch did about it, as it
 * decided (`rejectProposedTimes`' next step). When dispatch gave up, nothing: the request's
 * unfulfilled notice (sent once, by WhatsApp and email) is the one message then, and says
 * both that no time suited and that we stopped looking.
 */
export const timesRejected = (decision: DispatchDecision): ReadonlyArray<Reply> => {
  const noted = "Noted: none of those times suit you."
  switch (decision._tag) {
    case "Offer":
      return [done(`${noted} We have offered your request to another provider.`)]
    case "Wait":
      return [
        done(
          decision.live > 0
            ? `${noted} Other providers still have your request; we will message you when one answers.`
            : `${noted} We will message you about your request.`,
        ),
      ]
    case "Unfulfilled":
      return []
  }
}

/**
 * The provider has the job: just now, or `already` (a second tap on Accept, or accepted on
 * the lead page first). The homeowner's details go out as their own handover message (from
 * the outbox, usually before this reply): the words hold in either order.
 */
export const jobIsYours = (already: boolean): Reply =>
  done(
    already
      ? "This job is already yours: you accepted it. The homeowner's name, phone and address are in our handover message."
      : "The job is yours! The homeowner's name, phone and address are in our handover message.",
  )

/**
 * The homeowner booked a provider by picking one of their times. The provider's name and
 * phone go out as their own message (usually before this reply): the words hold in either
 * order.
 */
export const bookedReply = (slot: TimeWindow | undefined, timeZone: string): Reply =>
  done(
    `${slot === undefined ? "Booked." : `Booked for ${showWindow(slot, timeZone)}.`} Your provider's name and phone number are in our message about the booking.`,
  )
