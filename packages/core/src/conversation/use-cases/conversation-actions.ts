import { Effect, Option } from "effect"
import { discloseLead, type LeadView } from "../../dispatch/domain/disclosure.ops.ts"
import { offerTemplates } from "../../dispatch/domain/offer.notifications.ts"
import { offerDeadline } from "../../dispatch/domain/offer.ops.ts"
import { openOfferStates } from "../../dispatch/domain/offer.transitions.ts"
import { asksAbout, requestTemplates } from "../../dispatch/domain/request.notifications.ts"
import type { RequestState, TimeWindow } from "../../dispatch/domain/service-request.ts"
import { OfferRepository } from "../../dispatch/ports/offer-repository.ts"
import { RequestRepository } from "../../dispatch/ports/request-repository.ts"
import { acceptLead } from "../../dispatch/use-cases/accept-lead.ts"
import { answerClarification } from "../../dispatch/use-cases/answer-clarification.ts"
import { chooseProposedTime } from "../../dispatch/use-cases/choose-proposed-time.ts"
import { declineLead } from "../../dispatch/use-cases/decline-lead.ts"
import { giveDeclineReason } from "../../dispatch/use-cases/give-decline-reason.ts"
import { previewLead } from "../../dispatch/use-cases/preview-lead.ts"
import { proposeTimes } from "../../dispatch/use-cases/propose-times.ts"
import { rejectProposedTimes } from "../../dispatch/use-cases/reject-proposed-times.ts"
import { submitRequest } from "../../dispatch/use-cases/submit-request.ts"
import { customerOf } from "../../dispatch/use-cases/support.ts"
import { unlockLead } from "../../dispatch/use-cases/unlock-lead.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { type MarketplacePolicy, urgencyPhrase } from "../../policy/policy.ts"
import { Policy } from "../../policy/policy-service.ts"
import { InvalidInput, type PersistenceUnavailable } from "../../shared/errors.ts"
import type { OfferId, RequestId } from "../../shared/ids.ts"
import { showDateTime, showDay } from "../../shared/local-time.ts"
import { type Instant, now } from "../../shared/time.ts"
import { planStatusLine } from "../../subscriptions/domain/subscription.messages.ts"
import { openSubscriptionStates, sellsPlans } from "../../subscriptions/domain/subscription.ops.ts"
import { SubscriptionRepository } from "../../subscriptions/ports/subscription-repository.ts"
import { chooseSubscriptionPlan } from "../../subscriptions/use-cases/choose-plan.ts"
import { canApply } from "../../vetting/domain/application.ops.ts"
import type { Party, PartyKind } from "../../vetting/domain/party.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { submitApplication } from "../../vetting/use-cases/submit-application.ts"
import { latestApplication } from "../../vetting/use-cases/support.ts"
import { updateProfile } from "../../vetting/use-cases/update-profile.ts"
import { showWindow } from "../domain/availability.ops.ts"
import {
  answerText,
  clarificationTarget,
  type WaitingQuestion,
} from "../domain/clarification.ops.ts"
import { type Action, tappedId } from "../domain/commands.ops.ts"
import {
  bookedReply,
  done,
  howToAnswer,
  type JobLine,
  jobIsYours,
  menu,
  offerStatus,
  refused,
  requestStatus,
  statusListLimit,
  timesRejected,
  unknownButton,
} from "../domain/conversation.replies.ts"
import { promptAgain, reaskField, startFlow } from "../domain/flow.ops.ts"
import type { Flow, FlowData } from "../domain/flow.ts"
import { declineReasonFlow, declineReasonOf } from "../domain/flows/decline-reason.flow.ts"
import {
  applyFlow,
  clarifyFlow,
  flows,
  pickOfferFlow,
  planFlow,
  proposeTimesFlow,
  requestHelpFlow,
  signUpFlow,
} from "../domain/flows/index.ts"
import { planPrice } from "../domain/flows/plan.flow.ts"
import type { LocationAnswer } from "../domain/flows/request-help.flow.ts"
import { choicesOf, whichAnswer } from "../domain/flows/which.flow.ts"
import type { InboundMessage } from "../domain/inbound.ts"
import { offerOfTimesMessage, unlockedLeadReply } from "../domain/offer.intents.ts"
import {
  acceptedAlready,
  declinedAlready,
  homeownerPickRefusal,
  proposeClosedReason,
  type Refusal,
} from "../domain/repeats.ops.ts"
import { type Reply, textReply } from "../domain/replies.ts"
import type { ConversationSession, FlowPosition } from "../domain/session.ts"
import {
  attempt,
  onTheClock,
  type Refused,
  refusalReason,
  type Turn,
} from "./conversation-support.ts"
import type { ConversationServices } from "./services.ts"

type Step = Effect.Effect<Turn, PersistenceUnavailable | Refused, ConversationServices>

const openRequestStates: ReadonlyArray<RequestState> = [
  "submitted",
  "needs_clarification",
  "ready",
  "dispatching",
  "assigned",
]

/** What is open for this person: a homeowner's requests, a provider's leads. */
export const status = (party: Party) =>
  Effect.gen(function* () {
    if (party.kind === "customer") {
      const requests = yield* (yield* RequestRepository).list({
        customerId: party.id,
        states: openRequestStates,
        limit: 10,
      })
      const { timeZone } = yield* Policy
      const answer = requestStatus(requests, timeZone)
      const plans = yield* (yield* SubscriptionRepository).list({
        customerId: party.id,
        states: openSubscriptionStates,
      })
      if (plans.length === 0 || answer.intent._tag !== "text") return answer
      return textReply(
        answer.template,
        [...plans.map((p) => planStatusLine(p, timeZone)), answer.intent.body].join("\n"),
      )
    }
    const offers = yield* (yield* OfferRepository).listForProvider(party.id, {
      states: openOfferStates,
    })
    const requests = yield* RequestRepository
    const described = []
    const listedOffers = offers.slice(0, statusListLimit)
    for (const offer of listedOffers) {
      const request = Option.getOrUndefined(yield* requests.findById(offer.requestId))
      described.push({
        offer,
        about: request === undefined ? "a lead" : `${request.category} in ${request.location.area}`,
      })
    }
    // Accepted offers whose request is still assigned to them: their jobs.
    const accepted = yield* (yield* OfferRepository).listForProvider(party.id, {
      states: ["accepted"],
    })
    const jobs: Array<JobLine> = []
    const listedJobs = accepted.slice(0, statusListLimit)
    for (const offer of listedJobs) {
      const request = Option.getOrUndefined(yield* requests.findById(offer.requestId))
      if (request?.state !== "assigned" || request.assignedProviderId !== party.id) continue
      jobs.push({
        about: `${request.category} in ${request.location.area}`,
        since: offer.decidedAt ?? offer.updatedAt,
        ...(offer.chosenSlot === undefined ? {} : { agreed: offer.chosenSlot }),
      })
    }
    return offerStatus(described, jobs, (yield* Policy).timeZone, {
      leads: offers.length - listedOffers.length,
      jobs: accepted.length - listedJobs.length,
    })
  })

const closed = (session: ConversationSession): ConversationSession => {
  const { position: _done, ...rest } = session
  return rest
}

const say = (session: ConversationSession, ...replies: ReadonlyArray<Reply>): Turn => ({
  session: closed(session),
  replies,
})

const refusedTurn =
  (session: ConversationSession, timeZone: string) =>
  (error: { readonly _tag: string; readonly message: string }): Turn =>
    say(session, refused(refusalReason(error, timeZone)))

/** Opens a flow and asks its first question (a flow with nothing to ask completes at once). */
const openFlow = (
  flow: Flow,
  data: FlowData,
  session: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
  before: ReadonlyArray<Reply> = [],
): Step =>
  Effect.gen(function* () {
    const at = yield* now
    const outcome = startFlow(flow, data, yield* Policy, at)
    if (outcome._tag === "Completed") {
      const position = { flow: flow.id, step: "-", data: outcome.data, startedAt: at }
      return yield* completeFlow(flow, outcome.data, closed(session), position, party, message)
    }
    return {
      session: { ...session, position: outcome.position },
      replies: [...before, ...outcome.replies],
    }
  })

/** The open flow asks again the question a use case's InvalidInput was about. */
const reask = (
  flow: Flow,
  data: FlowData,
  issue: { readonly path: string; readonly message: string } | undefined,
  session: ConversationSession,
  position: FlowPosition,
  policy: MarketplacePolicy,
  at: Instant,
): Turn => {
  const outcome = reaskField(
    flow,
    data,
    issue?.path ?? "",
    `That did not work: ${issue?.message ?? "please try again"}.`,
    policy,
    at,
    position.startedAt,
  )
  return outcome._tag === "Asking"
    ? { session: { ...session, position: outcome.position }, replies: outcome.replies }
    : say(session, refused('Sorry, that did not work. Type "menu" to start again.'))
}

const isKind = (value: string | undefined): value is PartyKind =>
  value === "customer" || value === "provider"

/** The offer a proposed-times message of ours (WhatsApp context) is about, from its rows. */
const repliedTimesOffer = (party: Party, message: InboundMessage) =>
  Effect.gen(function* () {
    if (message.replyTo === undefined) return undefined
    const ours = Option.getOrUndefined(
      yield* (yield* Outbox).findByProviderMessageId(message.replyTo),
    )
    if (ours?.template !== offerTemplates.timesProposed || ours.partyId !== party.id) {
      return undefined
    }
    return ours.intent === undefined ? undefined : offerOfTimesMessage(ours.intent)
  })

/**
 * The proposed-times message also says "reply with 1, 2 or 3, or none": typed, that answer
 * means the offer whose times the homeowner is asked to pick from. A reply in context to
 * one such message picks its offer; with several providers' times open (broadcast) and no
 * context, the homeowner is asked whose times they mean. Undefined: not a typed pick.
 */
export const typedTimeChoice = (
  session: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
): Effect.Effect<Turn | undefined, PersistenceUnavailable | Refused, ConversationServices> =>
  Effect.gen(function* () {
    const content = message.content
    if (party?.kind !== "customer" || content._tag !== "text") return undefined
    const typed = content.body.trim().toLowerCase()
    const slot = typed === "none" ? "none" : /^[1-3]$/u.test(typed) ? Number(typed) - 1 : undefined
    if (slot === undefined) return undefined
    const inContext = yield* repliedTimesOffer(party, message)
    if (inContext !== undefined) {
      return yield* onAction(
        { _tag: "pick_time", offerId: inContext, slot },
        session,
        party,
        message,
      )
    }
    const requests = yield* (yield* RequestRepository).list({
      customerId: party.id,
      states: ["dispatching"],
    })
    const offers = yield* OfferRepository
    const waiting = []
    for (const request of requests) {
      waiting.push(...(yield* offers.listForRequest(request.id, { states: ["times_proposed"] })))
    }
    const [only, ...others] = waiting
    if (only === undefined) return undefined
    if (others.length === 0) {
      return yield* onAction({ _tag: "pick_time", offerId: only.id, slot }, session, party, message)
    }
    const policy = yield* Policy
    // Numbered, not named: the request is not assigned, so who proposed stays unknown.
    const choices = waiting.map((offer, i) => {
      const title = `Times ${i + 1}`
      const times = (offer.proposedTimes ?? []).map((w) => showWindow(w, policy.timeZone))
      return { value: offer.id, title, line: `${title}: ${times.join(", ")}` }
    })
    return yield* openFlow(pickOfferFlow, { slot, choices }, session, party, message)
  })

/** The name homeowners know a category by ("Plumbing"), or its id. */
const categoryName = (policy: MarketplacePolicy, category: string): string =>
  policy.catalog?.categories.find((c) => c.id === category)?.name ?? category

interface Waiting extends WaitingQuestion {
  readonly createdAt: Instant
  /** When ops asked the question (nothing else moves a request while it waits). */
  readonly askedAt: Instant
}

/** The homeowner's requests waiting for their answer to ops' question, oldest first. */
const waitingQuestions = (party: Party) =>
  Effect.gen(function* () {
    const requests = yield* (yield* RequestRepository).list({
      customerId: party.id,
      states: ["needs_clarification"],
    })
    return requests.map(
      (r): Waiting => ({
        id: r.id,
        category: r.category,
        question: r.clarificationQuestion ?? "",
        createdAt: r.createdAt,
        askedAt: r.updatedAt,
      }),
    )
  })

/** The clarification message of ours this message replies to (WhatsApp context), if any. */
const repliedClarification = (party: Party, message: InboundMessage) =>
  Effect.gen(function* () {
    if (message.replyTo === undefined) return undefined
    const ours = yield* (yield* Outbox).findByProviderMessageId(message.replyTo)
    return Option.isSome(ours) &&
      ours.value.template === requestTemplates.clarification &&
      ours.value.partyId === party.id
      ? ours.value.body
      : undefined
  })

const photoNote = " Only your words are passed on, not the photo."

/** Hands the answer to answerClarification and tells the homeowner, in plain words. */
const answerNow = (
  request: WaitingQuestion,
  text: string,
  withPhoto: boolean,
  session: ConversationSession,
  party: Party,
  carryOn = "",
): Step =>
  Effect.gen(function* () {
    const policy = yield* Policy
    yield* attempt(
      answerClarification({ requestId: request.id, customerId: party.id, text }),
      refusedTurn(session, policy.timeZone),
    )
    return say(
      session,
      done(
        `Thanks, I have passed your answer about your ${categoryName(policy, request.category)} request to our team. They will look at the request again, and we will message you when a provider is found.${withPhoto ? photoNote : ""}${carryOn}`,
      ),
    )
  })

/**
 * The homeowner's written message while a flow of theirs is open, when ops asked them a
 * question since their last message (or the message replies in context to that question):
 * the latest thing we asked is what they answer, so the answer goes to the question, and
 * the flow, set aside for this one message, asks its open step again with nothing lost.
 * `since`: when the conversation last moved before this message. Undefined: the message
 * is for the flow (a tap, a pin or a voice note, no new question, or several to choose from).
 */
export const answerBesideFlow = (
  session: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
  flow: Flow,
  position: FlowPosition,
  since: Instant,
): Effect.Effect<Turn | undefined, PersistenceUnavailable | Refused, ConversationServices> =>
  Effect.gen(function* () {
    if (party?.kind !== "customer" || tappedId(message.content) !== undefined) return undefined
    const text = answerText(message.content)
    if (text._tag === "Failure") return undefined
    const replied = yield* repliedClarification(party, message)
    const waiting = yield* waitingQuestions(party)
    const target =
      replied === undefined
        ? clarificationTarget(
            waiting.filter((w) => w.askedAt > since),
            undefined,
          )
        : clarificationTarget(waiting, (w: Waiting) => asksAbout(replied, w))
    if (target._tag !== "Answer") return undefined
    const withPhoto = message.content._tag === "media"
    const turn = yield* answerNow(
      target.request,
      text.success,
      withPhoto,
      session,
      party,
      " Now, back to where you were:",
    )
    return {
      session: { ...turn.session, position },
      replies: [...turn.replies, ...promptAgain(flow, position, yield* Policy, yield* now)],
    }
  })

/**
 * A homeowner's free text (or a photo's caption) while ops' question waits for them: it is
 * their answer. A reply in context to our question picks the request; without one, the one
 * waiting request is meant, or the homeowner is asked which of several. `inContextOnly`
 * answers only a reply in context (so "1" typed to pick a time is not taken for an answer).
 * Undefined: the message is no answer (a tap, a provider, nothing waiting).
 */
export const answerInChat = (
  session: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
  inContextOnly: boolean,
): Effect.Effect<Turn | undefined, PersistenceUnavailable | Refused, ConversationServices> =>
  Effect.gen(function* () {
    if (party?.kind !== "customer" || tappedId(message.content) !== undefined) return undefined
    const replied = yield* repliedClarification(party, message)
    if (inContextOnly && replied === undefined) return undefined
    const policy = yield* Policy
    const waiting = yield* waitingQuestions(party)
    const target = clarificationTarget(
      waiting,
      replied === undefined ? undefined : (w: Waiting) => asksAbout(replied, w),
    )
    if (target._tag === "Nothing") return undefined
    if (target._tag === "AnsweredAlready") {
      return say(
        session,
        done(
          [
            "We already have your answer to that question, thanks.",
            ...(target.still.length === 0
              ? []
              : [
                  "Still waiting for your answer:",
                  ...target.still.map(
                    (w) => `- ${categoryName(policy, w.category)}: "${w.question}"`,
                  ),
                  howToAnswer(target.still.length),
                ]),
          ].join("\n"),
        ),
      )
    }
    const text = answerText(message.content)
    if (text._tag === "Failure") return say(session, refused(text.failure))
    const withPhoto = message.content._tag === "media"
    if (target._tag === "Answer") {
      return yield* answerNow(target.request, text.success, withPhoto, session, party)
    }
    const choices = target.among.map((w) => {
      const name = `${categoryName(policy, w.category)} (${showDay(w.createdAt, policy.timeZone)})`
      return { value: w.id, title: name, line: `${name}: "${w.question}"` }
    })
    return yield* openFlow(
      clarifyFlow,
      { answer: text.success, withPhoto, choices },
      session,
      party,
      message,
    )
  })

/** The unlock hold's end as the provider reads it, on the marketplace clock. */
const heldUntilText = (at: Instant | undefined, timeZone: string): string | undefined =>
  at === undefined ? undefined : showDateTime(at, timeZone)

const isUnlockedState = (state: string): state is "unlocked" | "times_proposed" | "accepted" =>
  state === "unlocked" || state === "times_proposed" || state === "accepted"

/** A lead as the chat describes it: the urgency as the homeowner chose it. */
const shown = (lead: LeadView) => ({
  category: lead.category,
  area: lead.area,
  urgency: urgencyPhrase[lead.urgency],
  ...(lead.description === undefined ? {} : { description: lead.description }),
})

/**
 * An open flow about an offer (propose times) ends at its next step once the offer is no
 * longer open: the reason to tell, or undefined to carry on.
 */
export const flowNoLongerApplies = (
  position: FlowPosition,
  party: Party | undefined,
): Effect.Effect<Reply | undefined, PersistenceUnavailable, ConversationServices> =>
  Effect.gen(function* () {
    if (position.flow !== proposeTimesFlow.id || party === undefined) return undefined
    const offerId = position.data.offerId
    const offer =
      typeof offerId === "string"
        ? Option.getOrUndefined(yield* (yield* OfferRepository).findById(offerId as OfferId))
        : undefined
    const request =
      offer === undefined
        ? undefined
        : Option.getOrUndefined(yield* (yield* RequestRepository).findById(offer.requestId))
    const deadline = offer === undefined ? undefined : offerDeadline(offer)
    const reason = proposeClosedReason(
      {
        ...(offer === undefined ? {} : { offer }),
        ...(request === undefined ? {} : { requestState: request.state }),
        lapsed: deadline !== undefined && (yield* now) >= deadline,
      },
      party.id,
    )
    return reason === undefined ? undefined : refused(reason)
  })

/** A tap on a menu, lead or proposed-time button. */
export const onAction = (
  action: Action,
  session: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
): Step =>
  Effect.gen(function* () {
    const policy = yield* Policy
    const stale = () => say(session, unknownButton(), menu(party, policy))
    switch (action._tag) {
      case "unknown":
        return stale()
      case "start_flow": {
        const flow = flows[action.flow]
        if (flow === signUpFlow) {
          if (party !== undefined) return say(session, menu(party, policy))
          const kind = action.data.arg
          return isKind(kind) ? yield* openFlow(flow, { kind }, session, party, message) : stale()
        }
        if (flow === requestHelpFlow && party?.kind === "customer") {
          return yield* openFlow(flow, {}, session, party, message)
        }
        if (flow === planFlow && party?.kind === "customer" && sellsPlans(policy)) {
          return yield* openFlow(flow, {}, session, party, message)
        }
        if (flow === applyFlow && party?.kind === "provider") {
          const allowed = canApply(yield* latestApplication(party.id), yield* now)
          return allowed._tag === "Failure"
            ? say(
                session,
                refused(refusalReason(allowed.failure, policy.timeZone)),
                menu(party, policy),
              )
            : yield* openFlow(flow, {}, session, party, message)
        }
        return stale()
      }
      case "offer": {
        if (party?.kind !== "provider") return stale()
        const input = { offerId: action.offerId, providerId: party.id }
        const no = refusedTurn(session, policy.timeZone)
        switch (action.verb) {
          case "unlock": {
            const offers = yield* OfferRepository
            const current = Option.getOrUndefined(yield* offers.findById(action.offerId as OfferId))
            // A second tap (or unlocked on the lead page first): show it again, charge nothing.
            if (current?.providerId === party.id && isUnlockedState(current.state)) {
              const request = Option.getOrUndefined(
                yield* (yield* RequestRepository).findById(current.requestId),
              )
              if (request === undefined) return stale()
              const lead = discloseLead(request, yield* customerOf(request), "unlocked")
              return say(
                session,
                unlockedLeadReply(
                  shown(lead),
                  action.offerId,
                  current.state,
                  true,
                  heldUntilText(current.holdExpiresAt, policy.timeZone),
                ),
              )
            }
            // A lead link opened previews the offer; a tap on the chat button stands for it.
            yield* attempt(previewLead(input), no)
            const lead = yield* attempt(unlockLead(input), no)
            const held = Option.getOrUndefined(
              yield* (yield* OfferRepository).findById(action.offerId as OfferId),
            )?.holdExpiresAt
            return say(
              session,
              unlockedLeadReply(
                shown(lead),
                action.offerId,
                "unlocked",
                false,
                heldUntilText(held, policy.timeZone),
              ),
            )
          }
          case "accept":
            yield* attempt(acceptLead(input), (error) =>
              acceptedAlready(error, party.id) ? say(session, jobIsYours(true)) : no(error),
            )
            return say(session, jobIsYours(false))
          case "decline":
            yield* attempt(declineLead(input), (error) =>
              declinedAlready(error)
                ? say(
                    session,
                    done("You declined this lead already. We will send you the next one."),
                  )
                : no(error),
            )
            // Declined at once, so dispatch moves on now; the reason is asked after, optionally.
            return yield* openFlow(
              declineReasonFlow,
              { offerId: action.offerId },
              session,
              party,
              message,
              [done("Declined. We will send you the next lead.")],
            )
          case "propose": {
            const offer = yield* (yield* OfferRepository).findById(action.offerId as OfferId)
            if (Option.isNone(offer) || offer.value.providerId !== party.id) return stale()
            if (offer.value.state !== "unlocked") {
              return say(
                session,
                refused("You can propose times on a lead you have unlocked and not yet answered."),
              )
            }
            return yield* openFlow(
              proposeTimesFlow,
              { offerId: action.offerId },
              session,
              party,
              message,
            )
          }
        }
        return stale()
      }
      case "pick_time": {
        if (party?.kind !== "customer") return stale()
        // What the pick finds, for a refusal in the homeowner's words (booked already...).
        const offer = Option.getOrUndefined(
          yield* (yield* OfferRepository).findById(action.offerId as OfferId),
        )
        const request =
          offer === undefined
            ? undefined
            : Option.getOrUndefined(yield* (yield* RequestRepository).findById(offer.requestId))
        const facts =
          offer !== undefined && request?.customerId === party.id ? { offer, request } : {}
        const no = (error: Refusal): Turn =>
          say(session, refused(homeownerPickRefusal(error, facts, policy.timeZone)))
        if (action.slot === "none") {
          const rejected = yield* attempt(
            rejectProposedTimes({ offerId: action.offerId, customerId: party.id }),
            no,
          )
          return say(session, ...timesRejected(rejected.next.decision))
        }
        const chosen = yield* attempt(
          chooseProposedTime({ offerId: action.offerId, customerId: party.id, slot: action.slot }),
          no,
        )
        return say(session, bookedReply(chosen.offer.chosenSlot, policy.timeZone))
      }
    }
  })

/** The answers a flow collected, handed to the use case it completes with. */
type Completion = (
  data: FlowData,
  session: ConversationSession,
  position: FlowPosition,
  party: Party | undefined,
  message: InboundMessage,
) => Step

const completions: Readonly<Record<string, Completion>> = {
  [signUpFlow.id]: (data, session, position, _party, message) =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const at = yield* now
      const kind = data.kind as PartyKind
      const party = yield* attempt(
        signUp({
          kind,
          phone: message.from,
          channel: "whatsapp",
          profile: { displayName: data.name },
        }),
        (error) =>
          error._tag === "InvalidInput"
            ? reask(signUpFlow, data, error.issues[0], session, position, policy, at)
            : refusedTurn(session, policy.timeZone)(error),
      )
      const joined = { ...session, partyId: party.id }
      const welcome = done(`Welcome to ${policy.brand}, ${party.profile.displayName ?? "friend"}!`)
      if (party.kind === "provider") {
        return yield* openFlow(applyFlow, {}, joined, party, message, [
          welcome,
          done("A few questions for your application, so our team can approve you."),
        ])
      }
      if (sellsPlans(policy)) {
        return yield* openFlow(planFlow, {}, joined, party, message, [welcome])
      }
      return say(joined, welcome, menu(party, policy))
    }),

  [requestHelpFlow.id]: (data, session, position, party, _message) =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const at = yield* now
      if (party?.kind !== "customer") return say(session, unknownButton())
      // Answers come back from the stored session as plain JSON: read them defensively.
      const location = (data.location ?? {}) as LocationAnswer
      const area = "area" in location ? location.area : (data.area as string)
      const virtual = data.mode === "virtual" ? policy.catalog?.virtualConsultation : undefined
      const request = yield* attempt(
        submitRequest({
          customerId: party.id,
          category: data.category,
          description: data.description,
          location: {
            area,
            ...("point" in location ? { point: location.point } : {}),
            ...("point" in location && location.street !== undefined
              ? { street: location.street }
              : {}),
          },
          mode: virtual === undefined ? "in_person" : "virtual",
          urgency: data.urgency,
          availability: data.availability,
          ...(virtual === undefined
            ? {}
            : { estimatedMinutes: virtual.minutes, totalAmountMinor: String(virtual.priceMinor) }),
          photos: data.photos ?? [],
          channel: "whatsapp",
        }),
        (error) =>
          error._tag === "InvalidInput"
            ? reask(requestHelpFlow, data, error.issues[0], session, position, policy, at)
            : refusedTurn(session, policy.timeZone)(error),
      )
      const name =
        policy.catalog?.categories.find((c) => c.id === request.category)?.name ?? request.category
      return say(
        session,
        done(
          `Thanks! Your ${name} request is in. Our team checks it and we will message you when a provider is found. Type "status" to see where it is.`,
        ),
      )
    }),

  [applyFlow.id]: (data, session, position, party, _message) =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const at = yield* now
      if (party?.kind !== "provider") return say(session, unknownButton())
      const onInvalid = (error: { readonly _tag: string; readonly message: string }) =>
        error instanceof InvalidInput
          ? reask(applyFlow, data, error.issues[0], session, position, policy, at)
          : say(session, refused(refusalReason(error, policy.timeZone)), menu(party, policy))
      yield* attempt(
        updateProfile({
          partyId: party.id,
          profile: {
            categories: data.categories,
            serviceAreas: data.serviceAreas,
            experienceYears: data.experienceYears,
            availability: data.availability,
            documents: data.documents ?? [],
          },
        }),
        onInvalid,
      )
      yield* attempt(submitApplication({ partyId: party.id }), onInvalid)
      return say(
        session,
        done("Thanks! Your application is with our team. We will message you once it is reviewed."),
      )
    }),

  [planFlow.id]: (data, session, _position, party, _message) =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const plan = policy.subscription.plans.find((p) => p.id === data.plan)
      if (party === undefined || plan === undefined) return say(session, unknownButton())
      const chosen = yield* attempt(
        chooseSubscriptionPlan({ customerId: party.id, planId: plan.id }),
        (error) =>
          error._tag === "AlreadySubscribed"
            ? say(session, done(`You are already on ${plan.name}.`), menu(party, policy))
            : say(session, refused(refusalReason(error, policy.timeZone)), menu(party, policy)),
      )
      // The payment link goes out as its own message from the outbox (in the use case's
      // transaction, with the template to fall back on): it is not repeated here.
      return say(
        session,
        done(
          chosen.payment === undefined
            ? `You are on ${plan.name}: you pay per video call or visit.`
            : `You chose ${plan.name} (${planPrice(policy, plan.monthlyPriceMinor)}). I am sending you a payment link; the plan starts once it is paid.`,
        ),
        menu(party, policy),
      )
    }),

  [clarifyFlow.id]: (data, session, _position, party, _message) =>
    Effect.gen(function* () {
      const chosen = choicesOf(data).find((c) => c.value === whichAnswer(data))
      if (party?.kind !== "customer" || chosen === undefined || typeof data.answer !== "string") {
        return say(session, unknownButton())
      }
      const request = Option.getOrUndefined(
        yield* (yield* RequestRepository).findById(chosen.value as RequestId),
      )
      if (request === undefined) return say(session, unknownButton())
      return yield* answerNow(
        { id: request.id, category: request.category, question: "" },
        data.answer,
        data.withPhoto === true,
        session,
        party,
      )
    }),

  [pickOfferFlow.id]: (data, session, _position, party, message) => {
    const offerId = whichAnswer(data)
    const slot = data.slot
    const valid =
      offerId !== undefined &&
      choicesOf(data).some((c) => c.value === offerId) &&
      (slot === "none" || slot === 0 || slot === 1 || slot === 2)
    return valid
      ? onAction({ _tag: "pick_time", offerId, slot }, session, party, message)
      : Effect.succeed(say(session, unknownButton()))
  },

  [declineReasonFlow.id]: (data, session, _position, party, _message) =>
    Effect.gen(function* () {
      if (party?.kind !== "provider") return say(session, unknownButton())
      const reason = declineReasonOf(data)
      if (reason === undefined) return say(session, done("No problem."))
      const { noted } = yield* attempt(
        giveDeclineReason({ offerId: data.offerId, providerId: party.id, reason }),
        refusedTurn(session, (yield* Policy).timeZone),
      )
      return say(
        session,
        done(
          noted
            ? "Thank you, noted."
            : "This lead's reason was noted already, so we kept that one.",
        ),
      )
    }),
  [proposeTimesFlow.id]: (data, session, position, party, _message) =>
    Effect.gen(function* () {
      const policy = yield* Policy
      const at = yield* now
      if (party?.kind !== "provider") return say(session, unknownButton())
      const slots = [data.slot1, data.slot2, data.slot3] as ReadonlyArray<TimeWindow>
      yield* attempt(
        proposeTimes({ offerId: data.offerId, providerId: party.id, slots }),
        (error) => {
          const slotRule = [
            "InvalidInput",
            "WrongNumberOfSlots",
            "SlotEndsBeforeStart",
            "SlotNotInFuture",
            "SlotTooFarAhead",
            "SlotLengthOutOfBounds",
            "DuplicateSlots",
            "OverlappingSlots",
          ].includes(error._tag)
          // The three times are asked again from the first: they are judged together.
          return slotRule
            ? reask(
                proposeTimesFlow,
                { offerId: data.offerId },
                { path: "slot1", message: onTheClock(error, policy.timeZone) ?? error.message },
                session,
                position,
                policy,
                at,
              )
            : refusedTurn(session, policy.timeZone)(error)
        },
      )
      return say(
        session,
        done("Sent your three times to the homeowner. We will tell you which one they pick."),
      )
    }),
}

/** Every step of a flow is answered: its use case runs with the answers. */
export const completeFlow = (
  flow: Flow,
  data: FlowData,
  session: ConversationSession,
  position: FlowPosition,
  party: Party | undefined,
  message: InboundMessage,
): Step => {
  const complete = completions[flow.id]
  return complete === undefined
    ? Effect.succeed(say(session, refused('Sorry, that did not work. Type "menu" to start again.')))
    : complete(data, session, position, party, message)
}
