import type {
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
