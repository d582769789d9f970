import type { AuditLog } from "../../audit/ports/audit-log.ts"
import type { Ledger } from "../../ledger/ports/ledger.ts"
import type { SecureLinks } from "../../links/ports/secure-links.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import type { Policy } from "../../policy/policy-service.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { PaymentEvents } from "../ports/payment-events.ts"
import type { PaymentGateway } from "../ports/payment-gateway.ts"
import type { SubscriptionRepository } from "../ports/subscription-repository.ts"

/**
 * Every port a subscriptions use case may need. `PaymentSettings` is not listed: it is a
 * reference with a default, which the composition root overrides from its configuration.
 */
export type SubscriptionServices =
  | SubscriptionRepository
  | PaymentGateway
  | PaymentEvents
  | SecureLinks
  | PartyRepository
  | Ledger
  | Outbox
  | AuditLog
  | Transactions
  | Policy
