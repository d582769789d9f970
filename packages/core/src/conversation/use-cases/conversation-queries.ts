import { Effect, Option, Schema } from "effect"
import { Outbox } from "../../notifications/ports/outbox.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { type Phone, PhoneInput } from "../../shared/phone.ts"
import { type HistoryItem, mergeHistory } from "../domain/history.ops.ts"
import type { RejectedDelivery } from "../domain/rejected-delivery.ts"
import type { ConversationSession } from "../domain/session.ts"
import { ConversationStore } from "../ports/conversation-store.ts"
import { Inbox } from "../ports/inbox.ts"

const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export const defaultConversationListLimit = 50
export const defaultHistoryLimit = 50

export const ListConversationsInput = Schema.Struct({
  /** true: only people who said "stop"; false: only those who did not; absent: everyone. */
  optedOut: Schema.optionalKey(Schema.Boolean),
  limit: Schema.optionalKey(Limit),
})
export type ListConversationsInput = typeof ListConversationsInput.Encoded

export const ShowConversationInput = Schema.Struct({
  phone: PhoneInput,
  /** How many of the newest messages, both directions together. */
  limit: Schema.optionalKey(Limit),
})
export type ShowConversationInput = typeof ShowConversationInput.Encoded

/** Conversations for ops, most recently active first. */
export const listConversations: (
  input: unknown,
) => Effect.Effect<
  ReadonlyArray<ConversationSession>,
  InvalidInput | PersistenceUnavailable,
  ConversationStore
> = Effect.fn("listConversations")(function* (raw: unknown) {
  const input = yield* decodeInput(ListConversationsInput)(raw)
  return yield* (yield* ConversationStore).list({
    ...(input.optedOut === undefined ? {} : { optedOut: input.optedOut }),
    limit: input.limit ?? defaultConversationListLimit,
  })
})

export interface ConversationView {
  readonly phone: Phone
  /** Absent when the engine has not handled a message from this phone yet. */
  readonly session: ConversationSession | undefined
  /** Oldest first, at most `limit` items. */
  readonly history: ReadonlyArray<HistoryItem>
}

/**
 * One phone's conversation: where they are in a flow, and what was said both ways, with
 * each outbound message's send status and delivery. Inbound messages the engine has not
 * processed yet show too (the inbox keeps them from the moment the webhook acknowledged).
 */
export const showConversation: (
  input: unknown,
) => Effect.Effect<
  ConversationView,
  InvalidInput | PersistenceUnavailable,
  ConversationStore | Inbox | Outbox
> = Effect.fn("showConversation")(function* (raw: unknown) {
  const input = yield* decodeInput(ShowConversationInput)(raw)
  const limit = input.limit ?? defaultHistoryLimit
  const session = yield* (yield* ConversationStore).find(input.phone)
  // The inbox holds this phone's delivery statuses as well as its messages and cannot
  // filter them out, so a limit there could cut messages: one phone's entries are read whole.
  const inbound = yield* (yield* Inbox).list({ phone: input.phone })
  const outbound = yield* (yield* Outbox).list({ to: input.phone, limit })
  return {
    phone: input.phone,
    session: Option.getOrUndefined(session),
    history: mergeHistory(inbound, outbound, limit),
  }
})

export const ListRejectedDeliveriesInput = Schema.Struct({ limit: Schema.optionalKey(Limit) })
export type ListRejectedDeliveriesInput = typeof ListRejectedDeliveriesInput.Encoded

/** Signed deliveries (or parts) the webhook could not use, most recently seen first. */
export const listRejectedDeliveries: (
  input: unknown,
) => Effect.Effect<ReadonlyArray<RejectedDelivery>, InvalidInput | PersistenceUnavailable, Inbox> =
  Effect.fn("listRejectedDeliveries")(function* (raw: unknown) {
    const input = yield* decodeInput(ListRejectedDeliveriesInput)(raw)
    return yield* (yield* Inbox).listRejected({ limit: input.limit ?? defaultHistoryLimit })
  })
