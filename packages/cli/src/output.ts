import type { Application, ApplicationView, AuditEntry, Party, PartyView } from "@fundi/core"
import { describeActor } from "@fundi/core"

/** Where a command writes; process streams in `main.ts`, string buffers in tests. */
export interface Writer {
  write(text: string): unknown
}

/**
 * `--json` documents: plain data with a fixed set of keys in a fixed order. Absent values are
 * `null` rather than missing, and instants are ISO-8601 text, so scripts can rely on the shape
 * no matter which optional fields an object happens to have.
 */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { [key: string]: Json }

export const writeJson = (out: Writer, document: Json): void => {
  out.write(`${JSON.stringify(document, null, 2)}\n`)
}

const iso = (at: number | undefined): string | null =>
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
  const render = (line: ReadonlyArray<string>) =>
    line
      .map((text, i) =>
        columns[i]!.align === "right" ? text.padStart(widths[i]!) : text.padEnd(widths[i]!),
      )
      .join("  ")
      .trimEnd()
  out.write(`${render(columns.map((c) => c.header))}\n`)
  for (const line of cells) out.write(`${render(line)}\n`)
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
