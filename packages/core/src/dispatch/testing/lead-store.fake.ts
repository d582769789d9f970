import { Effect, Layer, Option } from "effect"
import type { PartyId } from "../../shared/ids.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import { LeadStore } from "../ports/lead-store.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { RequestRepository } from "../ports/request-repository.ts"

/**
 * `LeadStore` composed from the repositories, a call each: what the in-memory adapters use,
 * and the reference the database's one-statement version is checked against.
 */
export const layerLeadStoreFromRepositories: Layer.Layer<
  LeadStore,
  never,
  OfferRepository | RequestRepository | PartyRepository | ApplicationRepository | WalletSettings
> = Layer.effect(
  LeadStore,
  Effect.gen(function* () {
    const offers = yield* OfferRepository
    const requests = yield* RequestRepository
    const partyRepository = yield* PartyRepository
    const applications = yield* ApplicationRepository
    const wallets = yield* WalletSettings
    return LeadStore.of({
      lock: (offerId, options = {}) =>
        Effect.gen(function* () {
          const seen = yield* offers.findById(offerId)
          if (Option.isNone(seen)) return Option.none()
          const request = yield* requests.findById(seen.value.requestId, { forUpdate: true })
          // A foreign key keeps an offer's request; without one there is no lead to act on.
          if (Option.isNone(request)) return Option.none()
          const all = yield* offers.listForRequest(request.value.id, { forUpdate: true })
          const offer = all.find((o) => o.id === offerId)
          if (offer === undefined) return Option.none()
          if (options.lockProvider === true) {
            yield* partyRepository.findById(offer.providerId, { forUpdate: true })
          }
          const ids = new Set<PartyId>([request.value.customerId, ...all.map((o) => o.providerId)])
          const parties = new Map<PartyId, Party>()
          for (const id of ids) {
            const party = yield* partyRepository.findById(id)
            if (Option.isSome(party)) parties.set(id, party.value)
          }
          return Option.some({
            request: request.value,
            offer,
            offers: all,
            parties,
            application: Option.getOrUndefined(
              yield* applications.latestForParty(offer.providerId),
            ),
            wallet: yield* wallets.get(offer.providerId),
          })
        }),
      save: ({ offers: changed, request }) =>
        Effect.andThen(
          offers.updateMany(changed),
          request === undefined ? Effect.void : requests.update(request),
        ),
    })
  }),
)
