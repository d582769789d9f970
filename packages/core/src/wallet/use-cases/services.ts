import type { AuditLog } from "../../audit/ports/audit-log.ts"
import type { Ledger } from "../../ledger/ports/ledger.ts"
import type { Outbox } from "../../notifications/ports/outbox.ts"
import type { Policy } from "../../policy/policy-service.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { ObjectStore } from "../../storage/ports/object-store.ts"
import type { PartyRepository } from "../../vetting/ports/party-repository.ts"
import type { TopUpRepository } from "../ports/top-up-repository.ts"
import type { WalletSettings } from "../ports/wallet-settings.ts"

/** Every port a wallet use case may need. */
export type WalletServices =
  | Ledger
  | TopUpRepository
  | WalletSettings
  | ObjectStore
  | PartyRepository
  | AuditLog
  | Outbox
  | Transactions
  | Policy
