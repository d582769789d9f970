import type {
  ApplicationRepository,
  AuditLog,
  ContactBook,
  Health,
  Ledger,
  OfferRepository,
  Outbox,
  PartyRepository,
  RequestRepository,
  TopUpRepository,
  Transactions,
  WalletSettings,
} from "@fundi/core"
import { Layer } from "effect"
import type { Knex } from "knex"
import { layerApplicationRepository } from "./application-repository.knex.ts"
import { layerAuditLog } from "./audit-log.knex.ts"
import { layerContactBook } from "./contact-book.knex.ts"
import { layerHealth } from "./health.knex.ts"
import { layerLedger } from "./ledger.knex.ts"
import { layerOfferRepository } from "./offer-repository.knex.ts"
import { layerOutbox } from "./outbox.knex.ts"
import { layerPartyRepository } from "./party-repository.knex.ts"
import { layerRequestRepository } from "./request-repository.knex.ts"
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

/**
 * All Postgres adapters on one Knex instance (a server pool or PGlite). The caller owns
 * the Knex: it runs migrations before and destroys it after (see `Database.close`).
 */
export const layerKnex = (knex: Knex): Layer.Layer<PostgresServices> =>
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
  )
