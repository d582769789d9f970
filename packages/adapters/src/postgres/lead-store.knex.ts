import { LeadStore, type LockedLead, type Party, type PartyId } from "@fundi/core"
import { Effect, Layer, Option } from "effect"
import type { Knex } from "knex"
import { type ApplicationRow, applicationFromRow } from "./application-repository.knex.ts"
import { query, writeTogether } from "./executor.ts"
import { type OfferRow, offerFromRow, updateOffers } from "./offer-repository.knex.ts"
import { type PartyRow, partyFromRow } from "./party-repository.knex.ts"
import { type RequestRow, requestFromRow, updateRequest } from "./request-repository.knex.ts"
import { optional } from "./rows.ts"

/** What `lead_lock` (migration 0015) answers: whole rows as to_jsonb gives them. */
interface LeadLockRow {
  readonly request: RequestRow
  readonly offers: ReadonlyArray<OfferRow>
  readonly parties: ReadonlyArray<PartyRow>
  readonly application: ApplicationRow | null
  readonly weekly_credit_budget: number | null
}

const decodeLead = (offerId: string, found: LeadLockRow) =>
  Effect.gen(function* () {
    const offers = yield* Effect.forEach(found.offers, offerFromRow)
    const offer = offers.find((o) => o.id === offerId)
    if (offer === undefined) return Option.none<LockedLead>()
    const parties = new Map<PartyId, Party>()
    for (const row of found.parties) {
      const party = yield* partyFromRow(row)
      parties.set(party.id, party)
    }
    return Option.some<LockedLead>({
      request: yield* requestFromRow(found.request),
      offer,
      offers,
      parties,
      application:
        found.application === null ? undefined : yield* applicationFromRow(found.application),
      wallet: {
        partyId: offer.providerId,
        ...optional("weeklyCreditBudget", found.weekly_credit_budget),
      },
    })
  })

/**
 * `LeadStore` on Postgres: `lock` is one call of `lead_lock`, `save` one statement that
 * also carries the audit entries, messages and links the transaction holds back.
 */
export const makeLeadStore = (knex: Knex): LeadStore["Service"] =>
  LeadStore.of({
    lock: (offerId, options = {}) =>
      query(knex, "leads.lock", (db) =>
        db.raw<{ rows: Array<{ lead: LeadLockRow | null }> }>("select lead_lock(?, ?) as lead", [
          offerId,
          options.lockProvider === true,
        ]),
      ).pipe(
        Effect.flatMap(({ rows }) => {
          const found = rows[0]?.lead ?? null
          return found === null ? Effect.succeedNone : decodeLead(offerId, found)
        }),
      ),

    save: ({ offers, request }) =>
      writeTogether(knex, "leads.save", (db) => [
        ...(offers.length === 0 ? [] : [updateOffers(db, offers)]),
        ...(request === undefined ? [] : [updateRequest(db, request)]),
      ]),
  })

export const layerLeadStore = (knex: Knex): Layer.Layer<LeadStore> =>
  Layer.succeed(LeadStore, makeLeadStore(knex))
