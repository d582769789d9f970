import { Layer } from "effect"
import { layerAuditLogInMemory } from "../../audit/testing/audit-log.fake.ts"
import type { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import type { Inbox } from "../../conversation/ports/inbox.ts"
import { layerConversationStoreInMemory } from "../../conversation/testing/conversation-store.fake.ts"
import { layerInboxInMemory } from "../../conversation/testing/inbox.fake.ts"
import { layerLeadRefundRepositoryInMemory } from "../../dispatch/testing/lead-refund-repository.fake.ts"
import { layerLeadStoreFromRepositories } from "../../dispatch/testing/lead-store.fake.ts"
import { layerOfferRepositoryInMemory } from "../../dispatch/testing/offer-repository.fake.ts"
import { layerProviderDirectoryInMemory } from "../../dispatch/testing/provider-directory.fake.ts"
import { layerRequestRepositoryInMemory } from "../../dispatch/testing/request-repository.fake.ts"
import type { DispatchServices } from "../../dispatch/use-cases/services.ts"
import { layerLedgerInMemory } from "../../ledger/testing/ledger.fake.ts"
import {
  inMemoryLinkBaseUrl,
  layerSecureLinksInMemory,
} from "../../links/testing/secure-links.fake.ts"
import { layerOutboxInMemory } from "../../notifications/testing/outbox.fake.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { layerPolicy } from "../../policy/policy-service.ts"
import { creditsPreset } from "../../policy/presets.ts"
import type { Health } from "../../shared/health.ts"
import {
  type InMemoryStore,
  layerHealthInMemory,
  layerInMemoryStore,
  layerTransactionsInMemory,
} from "../../shared/testing/in-memory-store.ts"
import { layerObjectStoreInMemory } from "../../storage/testing/object-store.fake.ts"
import {
  defaultPayerEmailDomain,
  PaymentSettings,
} from "../../subscriptions/ports/payment-settings.ts"
import { layerPaymentEventsInMemory } from "../../subscriptions/testing/payment-events.fake.ts"
import {
  type InMemoryPaymentGateway,
  layerPaymentGatewayInMemory,
} from "../../subscriptions/testing/payment-gateway.fake.ts"
import { layerSubscriptionRepositoryInMemory } from "../../subscriptions/testing/subscription-repository.fake.ts"
import type { SubscriptionServices } from "../../subscriptions/use-cases/services.ts"
import { layerTopUpRepositoryInMemory } from "../../wallet/testing/top-up-repository.fake.ts"
import { layerWalletSettingsInMemory } from "../../wallet/testing/wallet-settings.fake.ts"
import type { WalletServices } from "../../wallet/use-cases/services.ts"
import type { VettingServices } from "../use-cases/services.ts"
import { layerApplicationRepositoryInMemory } from "./application-repository.fake.ts"
import { layerBackgroundCheckManual } from "./background-check.fake.ts"
import { layerContactBookInMemory } from "./contact-book.fake.ts"
import { layerPartyRepositoryInMemory } from "./party-repository.fake.ts"

/** Every in-memory adapter that keeps its data in the store, sharing one store. */
export const layerInMemoryStorage = Layer.mergeAll(
  layerPartyRepositoryInMemory,
  layerApplicationRepositoryInMemory,
  layerAuditLogInMemory,
  layerOutboxInMemory,
  layerContactBookInMemory,
  layerTransactionsInMemory,
  layerHealthInMemory,
  layerLedgerInMemory,
  layerTopUpRepositoryInMemory,
  layerWalletSettingsInMemory,
  layerObjectStoreInMemory,
  layerRequestRepositoryInMemory,
  layerOfferRepositoryInMemory,
  layerLeadRefundRepositoryInMemory,
  layerSecureLinksInMemory,
  layerInboxInMemory,
  layerConversationStoreInMemory,
  layerSubscriptionRepositoryInMemory,
  layerPaymentEventsInMemory,
)

/**
 * Every port a vetting or wallet use case needs, plus Health, in memory, over one fresh
 * empty store per build. The store itself is provided too, so tests can switch it offline, inject a
 * failing write, or compare snapshots. The background check is the manual one.
 */
export const layerInMemory = (
  policy: MarketplacePolicy = creditsPreset,
): Layer.Layer<
  | VettingServices
  | WalletServices
  | DispatchServices
  | SubscriptionServices
  | InMemoryPaymentGateway
  | Inbox
  | ConversationStore
  | Health
  | InMemoryStore
> =>
  Layer.mergeAll(
    layerInMemoryStorage,
    // Reads through the other fakes; the layer memo builds layerInMemoryStorage once.
    layerProviderDirectoryInMemory.pipe(Layer.provide(layerInMemoryStorage)),
    layerLeadStoreFromRepositories.pipe(Layer.provide(layerInMemoryStorage)),
    layerBackgroundCheckManual,
    // Outside the store, like the real gateway: fresh per build, untouched by rollbacks.
    Layer.fresh(layerPaymentGatewayInMemory),
    Layer.succeed(PaymentSettings, {
      publicUrl: inMemoryLinkBaseUrl,
      payerEmailDomain: defaultPayerEmailDomain,
    }),
    layerPolicy(policy),
  ).pipe(Layer.provideMerge(Layer.fresh(layerInMemoryStore)))
