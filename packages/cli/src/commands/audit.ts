import { type AuditEntry, type AuditFilter, describeActor, listAudit } from "@fundi/core"
import type { Command } from "commander"
import { auditJson, shortTime, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type OpsOptions, opsCommand, parseLimit } from "./common.ts"

/**
 * What an entry changed, where its details say (`from` and `to`: a status, a state, the
 * marketplace's policy), e.g. "active -> suspended"; "-" otherwise.
 */
export const auditChange = (entry: AuditEntry): string => {
  const { from, to } = entry.details
  const shown = (value: unknown) => (value === null ? "(none)" : String(value))
  return typeof to === "string" && (typeof from === "string" || from === null)
    ? `${shown(from)} -> ${to}`
    : "-"
}

interface AuditOptions extends OpsOptions {
  readonly subject?: string
  readonly actor?: string
  readonly action?: string
  readonly limit?: number
}

export const registerAudit = (ops: Command, session: Session): void => {
  opsCommand(ops.command("audit"))
    .description("who did what, to what, why and when: newest first")
    .option(
      "--subject <id>",
      "only actions on this subject: an application, party, request, offer… id, or marketplace (its policy)",
    )
    .option("--actor <name>", "only actions by this operator")
    .option("--action <action>", "only this action, e.g. application.approve")
    .option("--limit <n>", "at most this many (default 50)", parseLimit)
    .action(async (options: AuditOptions) => {
      operatorName(options.as, session.io.env)
      const filter: AuditFilter = {
        ...(options.subject !== undefined && { subjectId: options.subject }),
        ...(options.actor !== undefined && { actorName: options.actor }),
        ...(options.action !== undefined && { action: options.action }),
        limit: options.limit ?? 50,
      }
      const entries = await session.execute(listAudit(filter), {
        subjectId: "--subject",
        actorName: "--actor",
        action: "--action",
      })
      if (options.json) {
        writeJson(session.io.stdout, { entries: entries.map(auditJson) })
        return
      }
      writeTable(
        session.io.stdout,
        entries,
        [
          { header: "AT", cell: (e) => shortTime(e.at) },
          { header: "ACTOR", cell: (e) => describeActor(e.actor) },
          { header: "ACTION", cell: (e) => e.action },
          { header: "SUBJECT", cell: (e) => e.subjectId },
          { header: "CHANGE", cell: auditChange },
          { header: "REASON", cell: (e) => e.reason ?? "-" },
        ],
        "no audit entries match",
      )
    })
}
