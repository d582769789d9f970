import { Result } from "effect"
import { conversationTemplates } from "../../conversation/domain/conversation.replies.ts"
import { checkIntent } from "../../conversation/domain/intent.ops.ts"
import type { MessageIntent } from "../../conversation/domain/intent.ts"
import type { ConversationSession } from "../../conversation/domain/session.ts"
import type { Instant } from "../../shared/time.ts"
import { DeliveryFailed } from "./notifications.errors.ts"
import type { OutboxMessage } from "./outbox-message.ts"

/**
 * WhatsApp's customer-service window: for 24 hours after a person's last message we may
 * send them anything; after that only an approved template (Meta answers 131047).
 */
export const customerServiceWindowMs = 24 * 60 * 60 * 1_000

/** WhatsApp's code for "more than 24 hours since the customer last replied". */
export const reEngagementRequired = 131_047

export type RecipientSession = Pick<ConversationSession, "optedOut" | "lastInboundAt">

/** Whether the window is open at `now`; a person who never wrote to us has none. */
export const windowOpen = (session: RecipientSession | undefined, now: Instant): boolean =>
  session?.lastInboundAt !== undefined && now < session.lastInboundAt + customerServiceWindowMs

const refuse = (detail: string, code?: number) =>
  Result.fail(
    new DeliveryFailed({
      channel: "whatsapp",
      detail,
      permanent: true,
      ...(code === undefined ? {} : { code }),
    }),
  )

/**
 * Whether a message may be written to the outbox at all: WhatsApp to a number that said
 * "stop" is not, bar the opt-out confirmation (planWhatsAppSend would fail it for good,
 * so writing it only adds noise to the failed list). Other channels are unaffected: a
 * party notification still goes by email when the profile has an address.
 */
export const writableFor = (
  message: Pick<OutboxMessage, "channel" | "to" | "template">,
  optedOut: (phone: string) => boolean,
): boolean =>
  message.channel !== "whatsapp" ||
  message.template === conversationTemplates.stopped ||
  !optedOut(message.to)

/**
 * What to send to a WhatsApp recipient, decided before calling the API so a message
 * WhatsApp would refuse (or that we must not send) is failed for good without a call:
 *
 * - Someone who said "stop" gets nothing but the confirmation that they stopped.
 * - Inside the 24-hour window: the message's intent, or its body as text.
 * - Outside it: a template (the intent itself when it is one, else the fallback); with
 *   none the message fails with 131047, as WhatsApp would answer.
 * - An intent over WhatsApp's limits fails naming the field (checkIntent); WhatsApp
 *   would reject it with a less helpful 100 or 131009.
 *
 * `session` is the recipient's conversation, absent when they never wrote to us.
 */
export const planWhatsAppSend = (
  message: Pick<OutboxMessage, "template" | "body" | "intent" | "fallbackTemplate">,
  session: RecipientSession | undefined,
  now: Instant,
): Result.Result<MessageIntent, DeliveryFailed> => {
  if (session?.optedOut === true && message.template !== conversationTemplates.stopped) {
    return refuse("the recipient opted out (said stop); only the opt-out confirmation is sent")
  }
  const wanted: MessageIntent = message.intent ?? { _tag: "text", body: message.body }
  const chosen =
    windowOpen(session, now) || wanted._tag === "template" ? wanted : message.fallbackTemplate
  if (chosen === undefined) {
    return refuse(
      `${reEngagementRequired}: the 24-hour customer-service window is closed and the message has no fallback template`,
      reEngagementRequired,
    )
  }
  return Result.mapError(
    checkIntent(chosen),
    (breach) =>
      new DeliveryFailed({
        channel: "whatsapp",
        detail: `the ${chosen._tag} message is over WhatsApp's limits: ${breach.message}`,
        permanent: true,
      }),
  )
}
