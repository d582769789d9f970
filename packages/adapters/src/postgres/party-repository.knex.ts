import { Party, PartyRepository } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate, toJson } from "./executor.ts"
import { decodeRow } from "./rows.ts"

export interface PartyRow {
  readonly id: string
  readonly kind: string
  readonly phone: string
  readonly cohort: string
  readonly channel: string
  readonly status: string
  readonly profile: unknown
  readonly created_at: Date
  readonly updated_at: Date
}

const TABLE = "parties"

const toRow = (party: Party) => ({
  id: party.id,
  kind: party.kind,
  phone: party.phone,
  cohort: party.cohort,
  channel: party.channel,
  status: party.status,
  profile: toJson(party.profile),
  created_at: toDate(party.createdAt),
  updated_at: toDate(party.updatedAt),
})

const decodeParty = decodeRow(Party, TABLE)

/** A parties row (or its to_jsonb) -> the domain value. */
export const partyFromRow = (row: PartyRow) =>
  decodeParty(
    {
      id: row.id,
      kind: row.kind,
      phone: row.phone,
      cohort: row.cohort,
      channel: row.channel,
      status: row.status,
      profile: row.profile,
      createdAt: fromTimestamp(row.created_at),
      updatedAt: fromTimestamp(row.updated_at),
    },
    row.id,
  )

const first = (rows: ReadonlyArray<PartyRow>) =>
  rows[0] === undefined ? Effect.succeedNone : Effect.map(partyFromRow(rows[0]), Option.some)

export const makePartyRepository = (knex: Knex): PartyRepository["Service"] =>
  PartyRepository.of({
    insert: (party) =>
      query(knex, "parties.insert", (db) => db(TABLE).insert(toRow(party))).pipe(Effect.asVoid),

    // Like SQL UPDATE, and the port's other adapters: an id never inserted changes nothing.
    update: (party) =>
      query(knex, "parties.update", (db) => {
        const { id: _id, ...changes } = toRow(party)
        return db(TABLE).where({ id: party.id }).update(changes)
      }).pipe(Effect.asVoid),

    findById: (id, options) =>
      query(knex, "parties.findById", (db) => {
        const q = db<PartyRow>(TABLE).where({ id })
        return options?.forUpdate ? q.forUpdate() : q
      }).pipe(Effect.flatMap(first)),

    findByPhone: (phone) =>
      query(knex, "parties.findByPhone", (db) => db<PartyRow>(TABLE).where({ phone })).pipe(
        Effect.flatMap(first),
      ),

    list: (filter) =>
      query(knex, "parties.list", (db) => {
        const q = db<PartyRow>(TABLE).orderBy([
          { column: "created_at", order: "desc" },
          // Ties by id ascending, as the port's other adapters order them.
          { column: "id", order: "asc" },
        ])
        if (filter.kind !== undefined) q.where({ kind: filter.kind })
        if (filter.status !== undefined) q.where({ status: filter.status })
        if (filter.cohort !== undefined) q.where({ cohort: filter.cohort })
        if (filter.limit !== undefined) q.limit(filter.limit)
        if (filter.offset !== undefined) q.offset(filter.offset)
        return q
      }).pipe(Effect.flatMap((rows) => Effect.forEach(rows, partyFromRow))),
  })

export const layerPartyRepository = (knex: Knex): Layer.Layer<PartyRepository> =>
  Layer.succeed(PartyRepository, makePartyRepository(knex))
