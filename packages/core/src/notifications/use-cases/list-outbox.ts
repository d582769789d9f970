import { Effect, Schema, SchemaGetter } from "effect"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { normalizePhone } from "../../shared/phone.ts"
import { NotificationChannel, type OutboxMessage, OutboxStatus } from "../domain/outbox-message.ts"
import { Outbox, type OutboxFilter } from "../ports/outbox.ts"

const Limit = Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))

export const defaultOutboxListLimit = 50

/**
 * A recipient as ops type it: an email address as is, a phone number in any common
 * spelling ("+27 82 123 4567", "0027821234567"), decoded to the E.164 form the outbox keeps.
 */
export const RecipientInput = Schema.String.pipe(
  Schema.decodeTo(
    Schema.String.check(
      Schema.isPattern(/^(\+[1-9][0-9]{7,14}|[^\s@]+@[^\s@]+\.[^\s@]+)$/u, {
        message: "must be an E.164 phone number such as +27821234567, or an email address",
      }),
    ),
    {
      decode: SchemaGetter.transform((raw: string) =>
        raw.includes("@") ? raw.trim() : normalizePhone(raw),
      ),
      encode: SchemaGetter.transform((to: string) => to),
    },
  ),
)

export const ListOutboxInput = Schema.Struct({
  /**
   * Messages that will not reach their recipient without ops: failed to send for good, or
   * sent and then reported undeliverable by the channel (a WhatsApp status "failed").
   */
  failed: Schema.optionalKey(Schema.Boolean),
  status: Schema.optionalKey(OutboxStatus),
  channel: Schema.optionalKey(NotificationChannel),
  to: Schema.optionalKey(RecipientInput),
  limit: Schema.optionalKey(Limit),
})
export type ListOutboxInput = typeof ListOutboxInput.Encoded

/** Outbox messages for ops, newest first. */
export const listOutbox: (
  input: unknown,
) => Effect.Effect<ReadonlyArray<OutboxMessage>, InvalidInput | PersistenceUnavailable, Outbox> =
  Effect.fn("listOutbox")(function* (raw: unknown) {
    const input = yield* decodeInput(ListOutboxInput)(raw)
    const outbox = yield* Outbox
    const limit = input.limit ?? defaultOutboxListLimit
    const filter: OutboxFilter = {
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.channel === undefined ? {} : { channel: input.channel }),
      ...(input.to === undefined ? {} : { to: input.to }),
      limit,
    }
    if (input.failed !== true) return yield* outbox.list(filter)
    // Two ways to fail, two stored fields: the newest `limit` of either kind. A message
    // is never both (one that failed to send has no delivery report), but dedupe anyway.
    const [sendFailed, undeliverable] = yield* Effect.all([
      outbox.list({ ...filter, status: "failed" }),
      outbox.list({ ...filter, delivery: "failed" }),
    ])
    return newestFirst([...sendFailed, ...undeliverable]).slice(0, limit)
  })

const newestFirst = (messages: ReadonlyArray<OutboxMessage>): ReadonlyArray<OutboxMessage> => {
  const byId = new Map(messages.map((m) => [m.id, m]))
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt)
}
