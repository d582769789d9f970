import { ContactBook, type Instant, type PartyId } from "@fundi/core"
import { Effect, Layer } from "effect"
import type { Knex } from "knex"
import { fromTimestamp, query, toDate } from "./executor.ts"

interface ContactRow {
  readonly party_id: string
  readonly phone: string
  readonly name: string
  readonly added_at: Date
}

const TABLE = "business_contacts"

export const makeContactBook = (knex: Knex): ContactBook["Service"] =>
  ContactBook.of({
    add: (contact) =>
      query(knex, "business_contacts.add", (db) =>
        db(TABLE)
          .insert({
            party_id: contact.partyId,
            phone: contact.phone,
            name: contact.name,
            added_at: toDate(contact.addedAt),
          })
          // Adding a party again refreshes its phone and name; addedAt stays the first time.
          .onConflict("party_id")
          .merge(["phone", "name"]),
      ).pipe(Effect.asVoid),

    list: () =>
      query(knex, "business_contacts.list", (db) =>
        db<ContactRow>(TABLE).orderBy([
          { column: "added_at", order: "asc" },
          { column: "party_id", order: "asc" },
        ]),
      ).pipe(
        Effect.map((rows) =>
          rows.map((row) => ({
            partyId: row.party_id as PartyId,
            phone: row.phone,
            name: row.name,
            addedAt: fromTimestamp(row.added_at) as Instant,
          })),
        ),
      ),
  })

export const layerContactBook = (knex: Knex): Layer.Layer<ContactBook> =>
  Layer.succeed(ContactBook, makeContactBook(knex))
