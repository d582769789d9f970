import type {
  Application,
  ApplicationView,
  AuditEntry,
  LedgerCheckReport,
  Party,
  PartyView,
  StatementLine,
  TopUp,
  TopUpView,
  Transfer,
  TransferLinks,
  WalletView,
} from "@fundi/core"
import { describeActor } from "@fundi/core"
import { formatAmount, formatCredits, formatMoney } from "./money.ts"

/** Where a command writes; process streams in `main.ts`, string buffers in tests. */
export interface Writer {
  write(text: string): unknown
}

/** C0 and C1 control characters but line feed and tab. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
const controlCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/gu

/**
 * Text with every control character shown as `\xNN`: stored text from outside (a WhatsApp
 * message, a provider's decline reason) reaches the operator's terminal as text, never as
 * a terminal command (colours, cursor moves, a title change).
 */
export const terminalSafe = (text: string): string =>
  text.replace(controlCharacters, (c) => `\\x${c.codePointAt(0)!.toString(16).padStart(2, "0")}`)

/** `writer`, passing everything it is given through `terminalSafe`. */
export const escapingControls = (writer: Writer): Writer => ({
  write: (text) => writer.write(terminalSafe(text)),
})

/**
 * `--json` documents: plain data with a fixed set of keys in a fixed order. Absent values are
 * `null` rather than missing, and instants are ISO-8601 text, so scripts can rely on the shape
 * no matter which optional fields an object happens to have.
 */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { [key: string]: Json }

export const writeJson = (out: Writer, document: Json): void => {
  out.write(`${JSON.stringify(document, null, 2)}\n`)
}

/** An instant as ISO-8601 text for JSON output, or null when there is none. */
export const iso = (at: number | undefined): string | null =>
  at === undefined ? null : new Date(at).toISOString()

export const applicationJson = (a: Application): Json => ({
  id: a.id,
  partyId: a.partyId,
  role: a.role,
  state: a.state,
  completeness: a.completeness,
  createdAt: iso(a.createdAt),
  submittedAt: iso(a.submittedAt),
  backgroundCheck:
    a.backgroundCheck === undefined
      ? null
      : {
          reference: a.backgroundCheck.reference,
          requestedAt: iso(a.backgroundCheck.requestedAt),
          result: a.backgroundCheck.result ?? null,
          recordedAt: iso(a.backgroundCheck.recordedAt),
        },
  decidedAt: iso(a.decidedAt),
  decidedBy: a.decidedBy ?? null,
  rejectionReason: a.rejectionReason ?? null,
  reapplyAfter: iso(a.reapplyAfter),
  updatedAt: iso(a.updatedAt),
})

export const partyJson = (p: Party): Json => ({
  id: p.id,
  kind: p.kind,
  phone: p.phone,
  cohort: p.cohort,
  channel: p.channel,
  status: p.status,
  profile: {
    displayName: p.profile.displayName ?? null,
    email: p.profile.email ?? null,
    categories: [...p.profile.categories],
    serviceAreas: [...p.profile.serviceAreas],
    experienceYears: p.profile.experienceYears ?? null,
    bio: p.profile.bio ?? null,
    documents: [...p.profile.documents],
    availability: p.profile.availability ?? null,
  },
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
})

export const applicationViewJson = (v: ApplicationView): Json => ({
  application: applicationJson(v.application),
  party: partyJson(v.party),
})

export const partyViewJson = (v: PartyView): Json => ({
  party: partyJson(v.party),
  completeness: v.completeness,
  leadEligible: v.leadEligible,
  latestApplication:
    v.latestApplication === undefined ? null : applicationJson(v.latestApplication),
})

/** Details are free-form JSON written by the core; they pass through as they are. */
export const auditJson = (e: AuditEntry): Json => ({
  id: e.id,
  at: iso(e.at),
  actor: describeActor(e.actor),
  actorType: e.actor._tag,
  action: e.action,
  subjectType: e.subjectType,
  subjectId: e.subjectId,
  reason: e.reason ?? null,
  details: JSON.parse(JSON.stringify(e.details)) as Json,
})

// ---- human-readable output ----

/** Short UTC time for tables: "2026-03-01 14:05Z". Full ISO text is in `show` and `--json`. */
export const shortTime = (at: number | undefined): string =>
  at === undefined ? "-" : `${new Date(at).toISOString().slice(0, 16).replace("T", " ")}Z`

export const longTime = (at: number | undefined): string =>
  at === undefined ? "-" : new Date(at).toISOString()

export interface Column<Row> {
  readonly header: string
  readonly cell: (row: Row) => string
  /** Numbers read better right-aligned. */
  readonly align?: "left" | "right"
}

/** Aligned columns with a header line; `empty` is printed instead when there are no rows. */
export const writeTable = <Row>(
  out: Writer,
  rows: ReadonlyArray<Row>,
  columns: ReadonlyArray<Column<Row>>,
  empty: string,
): void => {
  if (rows.length === 0) {
    out.write(`${empty}\n`)
    return
  }
  const cells = rows.map((row) => columns.map((c) => oneLine(c.cell(row))))
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((line) => line[i]!.length)),
  )
  const render = (line: ReadonlyArray<string>, header: boolean) =>
    line
      .map((text, i) =>
        // A header starts where its column starts, so it reads over its values; numbers
        // line up on the right inside the column.
        !header && columns[i]!.align === "right"
          ? text.padStart(widths[i]!)
          : text.padEnd(widths[i]!),
      )
      .join("  ")
      .trimEnd()
  out.write(
    `${render(
      columns.map((c) => c.header),
      true,
    )}\n`,
  )
  for (const line of cells) out.write(`${render(line, false)}\n`)
}

/** A block of "key: value" lines with the values aligned. */
export const writeFields = (
  out: Writer,
  fields: ReadonlyArray<readonly [string, string]>,
  indent = "",
): void => {
  const width = Math.max(...fields.map(([k]) => k.length))
  for (const [key, value] of fields) {
    out.write(`${indent}${`${key}:`.padEnd(width + 1)}  ${oneLine(value)}\n`)
  }
}

/** Table cells and field values hold user text (bios, reasons): keep each on one line. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ")

export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`

export const list = (items: ReadonlyArray<string>): string =>
  items.length === 0 ? "-" : items.join(", ")

export const applicationFields = (a: Application): Array<readonly [string, string]> => {
  const fields: Array<readonly [string, string]> = [
    ["application", a.id],
    ["party", a.partyId],
    ["role", a.role],
    ["state", a.state],
    ["completeness", `${a.completeness}%`],
    ["created", longTime(a.createdAt)],
    ["submitted", longTime(a.submittedAt)],
  ]
  if (a.backgroundCheck !== undefined) {
    const check = a.backgroundCheck
    fields.push([
      "background check",
      `${check.result ?? "pending"} (ref ${check.reference}, requested ${longTime(check.requestedAt)}${
        check.recordedAt === undefined ? "" : `, recorded ${longTime(check.recordedAt)}`
      })`,
    ])
  }
  if (a.decidedAt !== undefined) {
    fields.push(["decided", `${longTime(a.decidedAt)} by ${a.decidedBy ?? "-"}`])
  }
  if (a.rejectionReason !== undefined) fields.push(["rejection reason", a.rejectionReason])
  if (a.reapplyAfter !== undefined) fields.push(["may re-apply from", longTime(a.reapplyAfter)])
  return fields
}

export const partyFields = (p: Party): Array<readonly [string, string]> => {
  const fields: Array<readonly [string, string]> = [
    ["party", p.id],
    ["kind", p.kind],
    ["name", p.profile.displayName ?? "-"],
    ["phone", p.phone],
    ["status", p.status],
    ["cohort", p.cohort],
    ["channel", p.channel],
  ]
  if (p.profile.email !== undefined) fields.push(["email", p.profile.email])
  fields.push(["categories", list(p.profile.categories)])
  fields.push(["service areas", list(p.profile.serviceAreas)])
  if (p.profile.experienceYears !== undefined) {
    fields.push(["experience", `${p.profile.experienceYears} years`])
  }
  if (p.profile.availability !== undefined) fields.push(["availability", p.profile.availability])
  if (p.profile.bio !== undefined) fields.push(["bio", truncate(p.profile.bio, 200)])
  fields.push(["documents", truncate(list(p.profile.documents), 200)])
  fields.push(["joined", longTime(p.createdAt)])
  return fields
}

// ---- wallet, top-ups and the ledger ----
// Ledger amounts are bigint: JSON carries them as strings of digits (JSON numbers lose
// precision past 2^53), text shows them with their unit through money.ts.

export const transferJson = (t: Transfer): Json => ({
  id: t.id,
  at: iso(t.createdAt),
  reason: t.reason,
  unit: t.unit,
  amount: t.amount.toString(),
  debitAccountId: t.debitAccountId,
  creditAccountId: t.creditAccountId,
  memo: t.memo ?? null,
  links: linksJson(t.links),
})

const linksJson = (l: TransferLinks): Json => ({
  requestId: l.requestId ?? null,
  leadId: l.leadId ?? null,
  jobId: l.jobId ?? null,
  topUpId: l.topUpId ?? null,
  consultationId: l.consultationId ?? null,
})

export const statementLineJson = (line: StatementLine): Json => ({
  transferId: line.transfer.id,
  at: iso(line.transfer.createdAt),
  reason: line.transfer.reason,
  unit: line.transfer.unit,
  change: line.change.toString(),
  balanceAfter: line.balanceAfter.toString(),
  memo: line.transfer.memo ?? null,
  links: linksJson(line.transfer.links),
})

export const walletJson = (w: WalletView): Json => ({
  partyId: w.party.id,
  currency: w.currency,
  credits: w.credits.toString(),
  earningsMinor: w.earningsMinor.toString(),
  weeklyCreditBudget: w.weeklyCreditBudget ?? null,
  spentThisWeek: w.spentThisWeek,
  weekEndsAt: iso(w.weekEndsAt),
})

export const walletFields = (w: WalletView): Array<readonly [string, string]> => [
  ["provider", `${w.party.id} (${w.party.profile.displayName ?? "no name"}, ${w.party.status})`],
  ["credits", formatCredits(w.credits)],
  ["earnings", formatMoney(w.earningsMinor, w.currency)],
  [
    "weekly budget",
    w.weeklyCreditBudget === undefined
      ? `none (spent ${formatCredits(w.spentThisWeek)} this week)`
      : `${formatCredits(w.weeklyCreditBudget)}, ${formatCredits(w.spentThisWeek)} spent this week`,
  ],
  ["week ends", longTime(w.weekEndsAt)],
]

export const topUpJson = (t: TopUp): Json => ({
  id: t.id,
  partyId: t.partyId,
  reference: t.reference,
  method: t.method,
  state: t.state,
  credits: t.credits,
  amountMinor: t.amountMinor.toString(),
  currency: t.currency,
  proof:
    t.proof === undefined
      ? null
      : {
          key: t.proof.key,
          contentType: t.proof.contentType,
          size: t.proof.size,
          sha256: t.proof.sha256,
          uploadedAt: iso(t.proof.uploadedAt),
        },
  createdAt: iso(t.createdAt),
  decidedAt: iso(t.decidedAt),
  decidedBy: t.decidedBy ?? null,
  rejectionReason: t.rejectionReason ?? null,
  updatedAt: iso(t.updatedAt),
})

export const topUpViewJson = (v: TopUpView): Json => ({
  topUp: topUpJson(v.topUp),
  party: partyJson(v.party),
})

/** "application/pdf, 48.2 KB": what the proof is, before anyone opens it. */
export const describeProof = (proof: NonNullable<TopUp["proof"]>): string =>
  `${proof.contentType}, ${formatSize(proof.size)}`

export const formatSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`

export const topUpFields = (t: TopUp): Array<readonly [string, string]> => {
  const fields: Array<readonly [string, string]> = [
    ["top-up", t.id],
    ["reference", t.reference],
    ["provider", t.partyId],
    ["state", t.state],
    ["credits", formatCredits(t.credits)],
    ["amount", formatMoney(t.amountMinor, t.currency)],
    ["method", t.method],
    [
      "proof",
      t.proof === undefined
        ? "none yet"
        : `${describeProof(t.proof)}, uploaded ${longTime(t.proof.uploadedAt)}, sha256 ${t.proof.sha256}`,
    ],
    ["created", longTime(t.createdAt)],
  ]
  if (t.decidedAt !== undefined) {
    fields.push(["decided", `${longTime(t.decidedAt)} by ${t.decidedBy ?? "-"}`])
  }
  if (t.rejectionReason !== undefined) fields.push(["rejection reason", t.rejectionReason])
  return fields
}

export const transferFields = (t: Transfer): Array<readonly [string, string]> => {
  const fields: Array<readonly [string, string]> = [
    ["transfer", t.id],
    ["amount", formatAmount(t.amount, t.unit)],
    ["from", t.debitAccountId],
    ["to", t.creditAccountId],
    ["reason", t.reason],
    ["at", longTime(t.createdAt)],
  ]
  if (t.memo !== undefined) fields.push(["memo", t.memo])
  return fields
}

export const ledgerCheckJson = (r: LedgerCheckReport): Json => ({
  ok: r.ok,
  accounts: r.accounts,
  transfers: r.transfers,
  unbalancedUnits: r.unbalancedUnits.map((u) => ({ unit: u.unit, sum: u.sum.toString() })),
  overdrawn: r.overdrawn.map((o) => ({ accountId: o.accountId, balance: o.balance.toString() })),
  driftedBalances: r.driftedBalances.map((d) => ({
    accountId: d.accountId,
    stored: d.stored.toString(),
    fromTransfers: d.fromTransfers.toString(),
  })),
  malformedTransfers: r.malformedTransfers.map((m) => ({
    transferId: m.transferId,
    problem: m.problem,
  })),
})
