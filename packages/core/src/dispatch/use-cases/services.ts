import type { AuditLog } from "../../audit/ports/audit-log.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import type { Policy } from "../../policy/policy-service.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { RequestRepository } from "../ports/request-repository.ts"

/** Every port a dispatch use case may need; the composition root provides them all. */
export type DispatchServices =
  | RequestRepository
  | PartyRepository
  | AuditLog
  | Outbox
  | Transactions
  | Policy
