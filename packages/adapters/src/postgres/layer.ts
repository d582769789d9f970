import type {
  ApplicationRepository,
  AuditLog,
  ContactBook,
  ConversationStore,
  Health,
  Inbox,
  LeadRefundRepository,
  LeadStore,
  Ledger,
  OfferRepository,
  Outbox,
  PartyRepository,
  PaymentEvents,
  ProviderDirectory,
  RequestRepository,
  SecureLinks,
  SubscriptionRepository,
  TopUpRepository,
  Transactions,
  WalletSettings,
} from "@fundi/core"
import { Layer, Redacted } from "effect"
import type { Knex } from "knex"
import { randomLinkSecret } from "../links/link-secret.ts"
import { type LinkSigning, layerSecureLinks } from "../links/secure-links.knex.ts"
import { layerApplicationRepository } from "./application-repository.knex.ts"
import { layerAuditLog } from "./audit-log.knex.ts"
import { layerContactBook } from "./contact-book.knex.ts"
import { layerConversationStore } from "./conversation-store.knex.ts"
import { layerHealth } from "./health.knex.ts"
import { layerInbox } from "./inbox.knex.ts"
import { layerLeadRefundRepository } from "./lead-refund-repository.knex.ts"
import { layerLeadStore } from "./lead-store.knex.ts"
import { layerLedger } from "./ledger.knex.ts"
import { layerOfferRepository } from "./offer-repository.knex.ts"
import { layerOutbox } from "./outbox.knex.ts"
import { layerPartyRepository } from "./party-repository.knex.ts"
import { layerPaymentEvents } from "./payment-events.knex.ts"
import { layerProviderDirectory } from "./provider-directory.knex.ts"
import { layerRequestRepository } from "./request-repository.knex.ts"
import { layerSubscriptionRepository } from "./subscription-repository.knex.ts"
import { layerTopUpRepository } from "./top-up-repository.knex.ts"
import { layerTransactions } from "./transactions.knex.ts"
import { layerWalletSettings } from "./wallet-settings.knex.ts"

/** Every port the Postgres adapters implement. */
export type PostgresServices =
  | PartyRepository
  | ApplicationRepository
  | AuditLog
  | Outbox
  | ContactBook
  | Health
  | Transactions
  | Ledger
  | TopUpRepository
  | WalletSettings
  | RequestRepository
  | OfferRepository
  | LeadStore
  | LeadRefundRepository
  | ProviderDirectory
  | SecureLinks
  | Inbox
  | ConversationStore
  | SubscriptionRepository
  | PaymentEvents

/**
 * All Postgres adapters on one Knex instance (a server pool or PGlite). The caller owns
 * the Knex: it runs migrations before and destroys it after (see `Database.close`).
 * Without `links`, secure links are signed with a random secret of this layer alone (fine
 * for tests; the composition root always passes the configured one).
 */
export const layerKnex = (
  knex: Knex,
  options: { readonly links?: LinkSigning } = {},
): Layer.Layer<PostgresServices> =>
  Layer.mergeAll(
    layerPartyRepository(knex),
    layerApplicationRepository(knex),
    layerAuditLog(knex),
    layerOutbox(knex),
    layerContactBook(knex),
    layerHealth(knex),
    layerTransactions(knex),
    layerLedger(knex),
    layerTopUpRepository(knex),
    layerWalletSettings(knex),
    layerRequestRepository(knex),
    layerOfferRepository(knex),
    layerLeadStore(knex),
    layerLeadRefundRepository(knex),
    layerProviderDirectory(knex),
    layerInbox(knex),
    layerConversationStore(knex),
    layerSubscriptionRepository(knex),
    layerPaymentEvents(knex),
    layerSecureLinks(
      knex,
      options.links ?? {
        secret: Redacted.make(randomLinkSecret()),
        publicUrl: "http://localhost",
      },
    ),
  )
