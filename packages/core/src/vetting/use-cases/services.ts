import type { AuditLog } from "../../audit/ports/audit-log.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import type { Policy } from "../../policy/policy-service.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { ApplicationRepository } from "../ports/application-repository.ts"
import type { BackgroundCheck } from "../ports/background-check.ts"
import type { ContactBook } from "../ports/contact-book.ts"
import type { PartyRepository } from "../ports/party-repository.ts"

/** Every port a vetting use case may need; the composition root provides them all. */
export type VettingServices =
  | PartyRepository
  | ApplicationRepository
  | AuditLog
  | Outbox
  | BackgroundCheck
  | ContactBook
  | Transactions
  | Policy
