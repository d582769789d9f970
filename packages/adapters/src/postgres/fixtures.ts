import type {
  Account,
  AccountId,
  Amount,
  Application,
  ApplicationId,
  AuditEntry,
  AuditId,
  Instant,
  MessageId,
  OutboxMessage,
  Party,
  PartyId,
  Phone,
  TopUp,
  TopUpId,
  TransferRequest,
} from "@fundi/core"

// Hand-written domain values for the adapters' own tests: ids follow the core's id format.

// Crockford's base 32, as the core's ids use: no i, l, o, u.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
const idBody = (n: number): string => {
  let body = ""
  for (let rest = n; rest > 0; rest = Math.floor(rest / 32)) body = alphabet[rest % 32] + body
  return body.padStart(20, "0")
}

export const at = (iso: string): Instant => Date.parse(iso) as Instant

export const partyId = (n: number) => `pty_${idBody(n)}` as PartyId
export const applicationId = (n: number) => `app_${idBody(n)}` as ApplicationId
export const messageId = (n: number) => `msg_${idBody(n)}` as MessageId
export const auditId = (n: number) => `aud_${idBody(n)}` as AuditId

export const aParty = (n: number, overrides: Partial<Party> = {}): Party => ({
  id: partyId(n),
  kind: "provider",
  phone: `+2782${String(n).padStart(7, "0")}` as Phone,
  cohort: "live",
  channel: "whatsapp",
  status: "pending",
  profile: {
    displayName: `Provider ${n}`,
    categories: ["plumbing"],
    serviceAreas: ["soweto"],
    documents: [],
  },
  createdAt: at("2026-01-01T08:00:00.000Z"),
  updatedAt: at("2026-01-01T08:00:00.000Z"),
  ...overrides,
})

export const anApplication = (n: number, overrides: Partial<Application> = {}): Application => ({
  id: applicationId(n),
  partyId: partyId(n),
  role: "provider",
  state: "submitted",
  completeness: 80,
  createdAt: at("2026-01-02T08:00:00.000Z"),
  submittedAt: at("2026-01-02T09:00:00.000Z"),
  updatedAt: at("2026-01-02T09:00:00.000Z"),
  ...overrides,
})

export const aMessage = (n: number, overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: messageId(n),
  dedupeKey: `evt_${n}:whatsapp:application.approved`,
  channel: "whatsapp",
  to: "+27820000001",
  template: "application.approved",
  body: `Welcome aboard, provider ${n}`,
  partyId: partyId(n),
  status: "pending",
  attempts: 0,
  nextAttemptAt: at("2026-01-03T08:00:00.000Z"),
  createdAt: at("2026-01-03T08:00:00.000Z"),
  ...overrides,
})

export const anAuditEntry = (n: number, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: auditId(n),
  actor: { _tag: "operator", name: "thandi" },
  action: "application.approve",
  subjectType: "application",
  subjectId: applicationId(n),
  reason: "documents verified",
  details: { from: "background_check", to: "approved" },
  at: at("2026-01-04T08:00:00.000Z"),
  ...overrides,
})

export const topUpId = (n: number) => `tpu_${idBody(n)}` as TopUpId

/** A provider's credits wallet: no overdraft. */
export const aCreditsAccount = (n: number, overrides: Partial<Account> = {}): Account => ({
  id: `credits:${partyId(n)}` as AccountId,
  kind: "provider_credits",
  unit: "CREDIT",
  noOverdraft: true,
  ownerPartyId: partyId(n),
  createdAt: at("2026-01-06T08:00:00.000Z"),
  ...overrides,
})

/** Where credits come from: it may (and does) go below zero. */
export const issuanceAccount: Account = {
  id: "platform:credit-issuance" as AccountId,
  kind: "credit_issuance",
  unit: "CREDIT",
  noOverdraft: false,
  createdAt: at("2026-01-06T08:00:00.000Z"),
}

export const aTransfer = (
  id: string,
  from: Account,
  to: Account,
  amount: bigint,
  overrides: Partial<TransferRequest> = {},
): TransferRequest => ({
  id,
  debitAccountId: from.id,
  creditAccountId: to.id,
  amount: amount as Amount,
  unit: from.unit,
  reason: "grant",
  links: {},
  ...overrides,
})

export const aTopUp = (n: number, overrides: Partial<TopUp> = {}): TopUp => ({
  id: topUpId(n),
  partyId: partyId(n),
  reference: `FND-${String(n).padStart(6, "0")}`,
  method: "eft_proof",
  credits: 50,
  amountMinor: 25_000n,
  currency: "ZAR",
  state: "awaiting_proof",
  createdAt: at("2026-01-07T08:00:00.000Z"),
  updatedAt: at("2026-01-07T08:00:00.000Z"),
  ...overrides,
})
