import { Effect, Layer, Option } from "effect"
import { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import { creditsAccountId } from "../../ledger/domain/ledger.ops.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import { PartyRepository } from "../../vetting/ports/party-repository.ts"
import { budgetWeek } from "../../wallet/domain/wallet.ops.ts"
import { WalletSettings } from "../../wallet/ports/wallet-settings.ts"
import type { ProviderStats, ShortlistCandidate } from "../domain/matching.ops.ts"
import { shortlist } from "../domain/matching.ops.ts"
import { defaultReach, type ProviderReach } from "../domain/provider-reach.ts"
import { providerStats } from "../domain/provider-stats.ops.ts"
import { OfferRepository } from "../ports/offer-repository.ts"
import { ProviderDirectory } from "../ports/provider-directory.ts"

export const providerReachTable = "provider_reach"

/**
 * The directory over the other in-memory adapters: the shortlist gathers every provider's
 * facts through their ports and ranks them with the pure rules, which makes it the model
 * the database adapters are checked against.
 */
export const layerProviderDirectoryInMemory: Layer.Layer<
  ProviderDirectory,
  never,
  | InMemoryStore
  | PartyRepository
  | ApplicationRepository
  | OfferRepository
  | WalletSettings
  | Ledger
  | ConversationStore
> = Layer.effect(
  ProviderDirectory,
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const parties = yield* PartyRepository
    const applications = yield* ApplicationRepository
    const offers = yield* OfferRepository
    const settings = yield* WalletSettings
    const ledger = yield* Ledger
    const conversations = yield* ConversationStore
    const reaches = () => store.table<ProviderReach>(providerReachTable)
    return ProviderDirectory.of({
      putReach: (reach) =>
        Effect.andThen(
          store.write,
          Effect.sync(() => reaches().set(reach.providerId, reach)),
        ),
      getReach: (providerId) =>
        Effect.andThen(
          store.read,
          Effect.sync(() => Option.fromUndefinedOr(reaches().get(providerId))),
        ),
      shortlist: (request, { limit, ...context }) =>
        Effect.gen(function* () {
          yield* store.read
          const weekStart = budgetWeek(context.now, context.policy.timeZone).start
          const candidates: Array<ShortlistCandidate> = []
          const stats = new Map<ShortlistCandidate["provider"]["id"], ProviderStats>()
          for (const provider of yield* parties.list({ kind: "provider" })) {
            const { weeklyCreditBudget } = yield* settings.get(provider.id)
            const spent = yield* ledger.debitedSince(
              creditsAccountId(provider.id),
              "lead_unlock",
              weekStart,
            )
            candidates.push({
              provider,
              latestApplication: Option.getOrUndefined(
                yield* applications.latestForParty(provider.id),
              ),
              reach: reaches().get(provider.id) ?? defaultReach(provider.id),
              openAssignments: yield* offers.countOpenAssignments(provider.id),
              spentThisWeek: Number(spent),
              whatsAppOptedOut: Option.exists(
                yield* conversations.find(provider.phone),
                (session) => session.optedOut,
              ),
              ...(weeklyCreditBudget === undefined ? {} : { weeklyBudget: weeklyCreditBudget }),
            })
            stats.set(
              provider.id,
              providerStats(provider.id, yield* offers.listForProvider(provider.id), context.now),
            )
          }
          const offersOnRequest = yield* offers.listForRequest(request.id)
          const listed = shortlist(request, candidates, { ...context, offersOnRequest }, stats)
          return listed.ranked.slice(0, Math.max(0, limit))
        }),
    })
  }),
)
