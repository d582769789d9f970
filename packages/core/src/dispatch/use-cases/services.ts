import type { AuditLog } from "../../audit/ports/audit-log.ts"
import type { ConversationStore } from "../../conversation/ports/conversation-store.ts"
import type { SecureLinks } from "../../links/ports/secure-links.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import type { Policy } from "../../policy/policy-service.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { ApplicationRepository } from "../../vetting/ports/application-repository.ts"
import type { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { WalletServices } from "../../wallet/use-cases/services.ts"
import type { LeadRefundRepository } from "../ports/lead-refund-repository.ts"
import type { LeadStore } from "../ports/lead-store.ts"
import type { OfferRepository } from "../ports/offer-repository.ts"
import type { ProviderDirectory } from "../ports/provider-directory.ts"
import type { RequestRepository } from "../ports/request-repository.ts"

/**
 * Every port a dispatch use case may need: requests, offers (leads), the applications (the
 * application gate) and the wallet (unlocking spends credits in the same transaction). The
 * composition root provides them all.
 */
export type DispatchServices =
  | RequestRepository
  | OfferRepository
  | LeadStore
  | LeadRefundRepository
  | ProviderDirectory
  | PartyRepository
  | ApplicationRepository
  | AuditLog
  | Outbox
  | Transactions
  | Policy
  | WalletServices
  | SecureLinks
  /** Whether a provider said "stop" on WhatsApp: matching skips those no offer can reach. */
  | ConversationStore
