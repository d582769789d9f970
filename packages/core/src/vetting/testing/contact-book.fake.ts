import { Effect, Layer } from "effect"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { type BusinessContact, ContactBook } from "../ports/contact-book.ts"

export const contactsTable = "business_contacts"

export const layerContactBookInMemory: Layer.Layer<ContactBook, never, InMemoryStore> =
  Layer.effect(
    ContactBook,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const rows = () => store.table<BusinessContact>(contactsTable)
      return ContactBook.of({
        // One entry per party: adding again refreshes phone and name, keeps the first addedAt.
        add: (contact) =>
          Effect.andThen(
            store.write,
            Effect.sync(() => {
              const existing = rows().get(contact.partyId)
              rows().set(
                contact.partyId,
                existing === undefined ? contact : { ...contact, addedAt: existing.addedAt },
              )
            }),
          ),
        list: () =>
          Effect.andThen(
            store.read,
            Effect.sync(() =>
              [...rows().values()].sort(
                (a, b) => a.addedAt - b.addedAt || compareText(a.partyId, b.partyId),
              ),
            ),
          ),
      })
    }),
  )
