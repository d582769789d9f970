import { Effect, Option, Schema } from "effect"
import { withdrawUnreachableOffers } from "../../dispatch/use-cases/withdraw-unreachable-offers.ts"
import type { OutboxMessage } from "../../notifications/domain/outbox-message.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { Policy } from "../../policy/policy-service.ts"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import { newMessageId } from "../../shared/ids.ts"
import { Phone } from "../../shared/phone.ts"
import { type Instant, now } from "../../shared/time.ts"
import { sellsPlans } from "../../subscriptions/domain/subscription.ops.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { inTransaction } from "../../vetting/use-cases/support.ts"
import { classify, tappedId } from "../domain/commands.ops.ts"
import {
  help,
  menu,
  notUnderstood,
  signUpOffer,
  started,
  stopped,
  unknownButton,
} from "../domain/conversation.replies.ts"
import { advanceFlow } from "../domain/flow.ops.ts"
import { declineReasonLapsed } from "../domain/flows/decline-reason.flow.ts"
import { flows } from "../domain/flows/index.ts"
import type { InboundMessage } from "../domain/inbound.ts"
import { checkIntent } from "../domain/intent.ops.ts"
import { plainText, type Reply } from "../domain/replies.ts"
import type { ConversationSession } from "../domain/session.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import {
  answerBesideFlow,
  answerInChat,
  completeFlow,
  flowNoLongerApplies,
  onAction,
  status,
  typedTimeChoice,
} from "./conversation-actions.ts"
import type { Turn } from "./conversation-support.ts"
import type { ConversationServices } from "./services.ts"

const freshSession = (phone: string, at: Instant): ConversationSession => ({
  phone,
  channel: "whatsapp",
  optedOut: false,
  updatedAt: at,
})

const latest = (a: Instant | undefined, b: Instant): Instant => (a !== undefined && a > b ? a : b)

/** The session as this message leaves it, before the flows have their say. */
const touched = (
  session: ConversationSession,
  message: InboundMessage,
  party: Party | undefined,
  at: Instant,
): ConversationSession => ({
  ...session,
  ...(party === undefined ? {} : { partyId: party.id }),
  lastInboundAt: latest(session.lastInboundAt, message.at),
  lastMessageId: message.id,
  updatedAt: at,
})

const withoutPosition = (session: ConversationSession): ConversationSession => {
  const { position: _closed, ...rest } = session
  return rest
}

/**
 * Decides the answer to one message. Commands come first, whatever flow is open ("stop"
 * must always work); then taps on lead and menu buttons; then the open flow's step.
 */
const respond = (
  given: ConversationSession,
  party: Party | undefined,
  message: InboundMessage,
  since: Instant,
) =>
  Effect.gen(function* () {
    const policy = yield* Policy
    // An optional question left unanswered (why they declined) does not catch later talk.
    const session =
      given.position !== undefined && declineReasonLapsed(given.position, yield* now)
        ? withoutPosition(given)
        : given
    const said = classify(message.content)
    if (session.optedOut) {
      // Nothing but "start" gets an answer from an opted-out number.
      return said._tag === "command" && said.command === "start"
        ? {
            session: { ...session, optedOut: false },
            replies: [started(policy), menu(party, policy)],
          }
        : { session, replies: [] }
    }
    // A reaction or a system notice is not said to the bot: answering it would be noise.
    if (message.content._tag === "reaction" || message.content._tag === "system") {
      return { session, replies: [] }
    }
    if (said._tag === "command") {
      switch (said.command) {
        case "stop":
          return {
            session: { ...withoutPosition(session), optedOut: true },
            replies: [stopped(policy)],
          }
        case "menu":
        case "start":
          return { session: withoutPosition(session), replies: [menu(party, policy)] }
        case "help":
          return { session, replies: [help(party, policy)] }
        case "status":
          return party === undefined
            ? { session, replies: [signUpOffer(policy)] }
            : { session, replies: [yield* status(party)] }
        case "plans":
          // Only homeowners of a marketplace that sells plans have any; others get help.
          return party?.kind === "customer" && sellsPlans(policy)
            ? yield* onAction(
                { _tag: "start_flow", flow: "plan", data: {} },
                withoutPosition(session),
                party,
                message,
              )
            : { session, replies: [help(party, policy)] }
      }
    }
    if (said._tag === "action") return yield* onAction(said.action, session, party, message)
    const position = session.position
    const flow = position === undefined ? undefined : flows[position.flow]
    if (position !== undefined && flow !== undefined) {
      const over = yield* flowNoLongerApplies(position, party)
      if (over !== undefined) return { session: withoutPosition(session), replies: [over] }
      // Ops' question asked since their last message is the latest thing we asked: it gets
      // the answer, and the flow asks its open step again afterwards.
      const answered = yield* answerBesideFlow(session, party, message, flow, position, since)
      if (answered !== undefined) return answered
      const outcome = advanceFlow(flow, position, message.content, policy, yield* now)
      if (outcome._tag === "Asking") {
        return { session: { ...session, position: outcome.position }, replies: outcome.replies }
      }
      return yield* completeFlow(
        flow,
        outcome.data,
        withoutPosition(session),
        position,
        party,
        message,
      )
    }
    // A reply in context to ops' question answers it, whatever it says ("1" included).
    const inContext = yield* answerInChat(session, party, message, true)
    if (inContext !== undefined) return inContext
    const timeChoice = yield* typedTimeChoice(session, party, message)
    if (timeChoice !== undefined) return timeChoice
    const answer = yield* answerInChat(session, party, message, false)
    if (answer !== undefined) return answer
    if (party === undefined) {
      return { session: withoutPosition(session), replies: [signUpOffer(policy)] }
    }
    return {
      session: withoutPosition(session),
      replies: [
        tappedId(message.content) === undefined ? notUnderstood() : unknownButton(),
        menu(party, policy),
      ],
    }
  })

/**
 * The replies of one message, into the outbox. The dedupe key is the message id and the
 * reply's place, so a message handled twice never sends its replies twice.
 */
const enqueue = (
  message: InboundMessage,
  replies: ReadonlyArray<Reply>,
  partyId: string | undefined,
) =>
  Effect.gen(function* () {
    if (replies.length === 0) return
    const at = yield* now
    const messages: Array<OutboxMessage> = []
    for (const [index, reply] of replies.entries()) {
      // Every builder keeps within WhatsApp's limits; a breach is a flow author's bug.
      const intent = yield* Effect.orDie(Effect.fromResult(checkIntent(reply.intent)))
      messages.push({
        id: yield* newMessageId,
        dedupeKey: `${message.id}:${index}`,
        channel: "whatsapp",
        to: message.from,
        template: reply.template,
        body: plainText(intent),
        intent,
        ...(partyId === undefined ? {} : { partyId }),
        status: "pending",
        attempts: 0,
        nextAttemptAt: at,
        createdAt: at,
      })
    }
    yield* (yield* Outbox).enqueue(messages)
  })

const lockSession = (message: InboundMessage) =>
  Effect.gen(function* () {
    const found = yield* (yield* ConversationStore).find(message.from, { forUpdate: true })
    return Option.getOrElse(found, () => freshSession(message.from, message.at))
  })

const isPhone = Schema.is(Phone)

const partyOf = (phone: string) =>
  Effect.gen(function* () {
    // A phone that is not E.164 cannot belong to a party; the lookup would only fail.
    if (!isPhone(phone)) return undefined
    const found = yield* (yield* PartyRepository).findByPhone(phone)
    return Option.getOrUndefined(found)
  })

const save = (turn: Turn, message: InboundMessage) =>
  Effect.gen(function* () {
    yield* (yield* ConversationStore).save(turn.session)
    yield* enqueue(message, turn.replies, turn.session.partyId)
  })

/**
 * The conversation engine: one inbound message, one transaction. It locks the phone's
 * session, answers by the flows, saves the session and puts the replies in the outbox.
 * A message it handled already (same id) changes nothing, so a caller may mark the inbox
 * entry processed afterwards, in a transaction of its own. Do not run it inside a caller's
 * transaction: a refused use case is undone by rolling back, which a joined transaction
 * cannot do on its own.
 *
 * A provider whose number is opted out (they just said "stop") and whom no lead offer can
 * reach any more loses their unpaid open offers afterwards, each in a transaction of its
 * own (withdrawUnreachableOffers), so dispatch moves on now rather than at each offer's
 * time-to-live. That runs again when the message is handled again, so an outage there is
 * retried with the message.
 */
export const handleInboundMessage: (
  message: InboundMessage,
) => Effect.Effect<void, PersistenceUnavailable, ConversationServices> = Effect.fn(
  "handleInboundMessage",
)(function* (message: InboundMessage) {
  const after = yield* inTransaction(
    Effect.gen(function* () {
      const session = yield* lockSession(message)
      const party = yield* partyOf(message.from)
      if (session.lastMessageId === message.id) return { session, party }
      const at = yield* now
      const turn = yield* respond(
        touched(session, message, party, at),
        party,
        message,
        session.updatedAt,
      )
      yield* save(turn, message)
      return { session: turn.session, party }
    }),
  ).pipe(
    Effect.catchTag("Refused", (refusal) =>
      inTransaction(
        Effect.gen(function* () {
          // Taken again: the rolled-back transaction released the lock.
          const session = yield* lockSession(message)
          if (session.lastMessageId === message.id) return undefined
          yield* save(refusal.turn, message)
          return undefined
        }),
      ),
    ),
  )
  if (after?.party?.kind === "provider" && after.session.optedOut) {
    yield* withdrawUnreachableOffers(after.party.id)
  }
})
