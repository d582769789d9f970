import { listLinks, revokeLink, type SecureLink } from "@fundi/core"
import type { Command } from "commander"
import { type Json, longTime, shortTime, writeFields, writeJson, writeTable } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type MutatingOptions, mutatingCommand, type OpsOptions, opsCommand } from "./common.ts"

/** live, expired or revoked at `now` (revoked wins: ops switched it off for a reason). */
export const linkStatus = (link: SecureLink, now: number): "live" | "expired" | "revoked" =>
  link.revokedAt !== undefined ? "revoked" : now >= link.expiresAt ? "expired" : "live"

export const linkJson = (link: SecureLink, now: number): Json => ({
  id: link.id,
  partyId: link.partyId,
  scope: link.scope,
  objectId: link.objectId,
  status: linkStatus(link, now),
  issuedAt: longTime(link.issuedAt),
  expiresAt: longTime(link.expiresAt),
  revokedAt: link.revokedAt === undefined ? null : longTime(link.revokedAt),
  revokedBy: link.revokedBy ?? null,
  revokeReason: link.revokeReason ?? null,
})

interface ListOptions extends OpsOptions {
  readonly party: string
}

export const registerLinks = (ops: Command, session: Session): void => {
  const links = ops
    .command("links")
    .description("secure links sent in messages (lead and handover pages): list and revoke")

  opsCommand(links.command("list"))
    .description("a party's secure links, newest first, with their status (tokens are never shown)")
    .requiredOption("--party <id>", "the provider or homeowner (pty_…)")
    .action(async (options: ListOptions) => {
      operatorName(options.as, session.io.env)
      const found = await session.execute(listLinks({ partyId: options.party }), {
        partyId: "--party",
      })
      const now = Date.now()
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { links: found.map((l) => linkJson(l, now)) })
        return
      }
      writeTable(
        out,
        found,
        [
          { header: "LINK", cell: (l) => l.id },
          { header: "SCOPE", cell: (l) => l.scope },
          { header: "OPENS", cell: (l) => l.objectId },
          { header: "STATUS", cell: (l) => linkStatus(l, now) },
          { header: "ISSUED", cell: (l) => shortTime(l.issuedAt) },
          { header: "EXPIRES", cell: (l) => shortTime(l.expiresAt) },
        ],
        `no links for ${options.party}`,
      )
    })

  mutatingCommand(links.command("revoke"))
    .description("switch a link off at once (sent to the wrong number, forwarded, phone lost)")
    .argument("<link>", "link id (lnk_…)")
    .action(async (id: string, options: MutatingOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const link = await session.execute(
        revokeLink({ linkId: id, operator, reason: options.reason }),
        { linkId: `LINK "${id}"` },
      )
      const out = session.io.stdout
      if (options.json) {
        writeJson(out, { link: linkJson(link, Date.now()) })
        return
      }
      writeFields(out, [
        ["link", link.id],
        ["status", linkStatus(link, Date.now())],
        ["revoked", `${shortTime(link.revokedAt)} by ${link.revokedBy ?? "-"}`],
        ["reason", link.revokeReason ?? "-"],
      ])
    })
}
