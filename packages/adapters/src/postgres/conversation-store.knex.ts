import { ConversationSession, ConversationStore } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow, optional } from "./rows.ts"

interface SessionRow {
  readonly phone: string
  readonly channel: string
  readonly party_id: string | null
  readonly position: unknown
  readonly opted_out: boolean
  readonly last_inbound_at: Date | null
  readonly last_message_id: string | null
  readonly updated_at: Date
}

const TABLE = "conversation_sessions"

const toRow = (s: ConversationSession) => ({
  phone: s.phone,
  channel: s.channel,
  party_id: s.partyId ?? null,
  position: s.position === undefined ? null : toJson(s.position),
  opted_out: s.optedOut,
  last_inbound_at: s.lastInboundAt === undefined ? null : toDate(s.lastInboundAt),
  last_message_id: s.lastMessageId ?? null,
  updated_at: toDate(s.updatedAt),
})

const decodeSession = decodeRow(ConversationSession, TABLE)

const fromRow = (row: SessionRow) =>
  decodeSession(
    {
      phone: row.phone,
      channel: row.channel,
      ...optional("partyId", row.party_id),
      ...optional("position", row.position),
      optedOut: row.opted_out,
      ...optional(
        "lastInboundAt",
        row.last_inbound_at === null ? null : fromTimestamp(row.last_inbound_at),
      ),
      ...optional("lastMessageId", row.last_message_id),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.phone,
  )

export const makeConversationStore = (knex: Knex): ConversationStore["Service"] =>
  ConversationStore.of({
    find: (phone, options = {}) =>
      query(knex, "conversations.find", (db) => {
        const q = db<SessionRow>(TABLE).where({ phone })
        return options.forUpdate === true ? q.forUpdate() : q
      }).pipe(
        Effect.flatMap((rows) =>
          rows[0] === undefined ? Effect.succeedNone : Effect.map(fromRow(rows[0]), Option.some),
        ),
      ),

    save: (session) =>
      query(knex, "conversations.save", (db) =>
        db(TABLE).insert(toRow(session)).onConflict("phone").merge(),
      ).pipe(Effect.asVoid),

    list: (filter) =>
      query(knex, "conversations.list", (db) => {
        const q = db<SessionRow>(TABLE).orderBy([
          { column: "updated_at", order: "desc" },
          { column: "phone", order: "asc" },
        ])
        if (filter.optedOut !== undefined) q.where({ opted_out: filter.optedOut })
        if (filter.limit !== undefined) q.limit(filter.limit)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
  })

export const layerConversationStore = (knex: Knex): Layer.Layer<ConversationStore> =>
  Layer.succeed(ConversationStore, makeConversationStore(knex))
