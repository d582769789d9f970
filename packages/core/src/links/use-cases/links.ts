import { Effect, Schema } from "effect"
import type { AuditLog } from "../../audit/ports/audit-log.ts"
import { decodeInput } from "../../shared/decode.ts"
import type { InvalidInput, PersistenceUnavailable } from "../../shared/errors.ts"
import { LinkId, PartyId } from "../../shared/ids.ts"
import type { Transactions } from "../../shared/transactions.ts"
import { OperatorName, Reason } from "../../vetting/use-cases/inputs.ts"
import { audit, inTransaction } from "../../vetting/use-cases/support.ts"
import type { LinkNotFound } from "../domain/links.errors.ts"
import type { SecureLink } from "../domain/secure-link.ts"
import { SecureLinks } from "../ports/secure-links.ts"

/** Every port the link use cases need. */
export type LinkServices = SecureLinks | AuditLog | Transactions

export const ListLinksInput = Schema.Struct({ partyId: PartyId })
export type ListLinksInput = typeof ListLinksInput.Encoded

export const RevokeLinkInput = Schema.Struct({
  linkId: LinkId,
  operator: OperatorName,
  reason: Reason,
})
export type RevokeLinkInput = typeof RevokeLinkInput.Encoded

/** A party's secure links, newest first, for ops (live, expired and revoked alike). */
export const listLinks: (
  input: unknown,
) => Effect.Effect<ReadonlyArray<SecureLink>, InvalidInput | PersistenceUnavailable, LinkServices> =
  Effect.fn("listLinks")(function* (raw: unknown) {
    const { partyId } = yield* decodeInput(ListLinksInput)(raw)
    return yield* (yield* SecureLinks).listForParty(partyId)
  })

/**
 * Ops revoke a link (sent to the wrong number, forwarded, a phone lost): it stops opening
 * at once. Audited with the operator and reason; revoking a revoked link changes nothing
 * and writes no second audit row.
 */
export const revokeLink: (
  input: unknown,
) => Effect.Effect<SecureLink, InvalidInput | PersistenceUnavailable | LinkNotFound, LinkServices> =
  Effect.fn("revokeLink")(function* (raw: unknown) {
    const input = yield* decodeInput(RevokeLinkInput)(raw)
    return yield* inTransaction(
      Effect.gen(function* () {
        const links = yield* SecureLinks
        const before = yield* links.findById(input.linkId)
        const after = yield* links.revoke(input.linkId, {
          by: input.operator,
          reason: input.reason,
        })
        if (before?.revokedAt === undefined) {
          yield* audit({
            actor: { _tag: "operator", name: input.operator },
            action: "link.revoke",
            subjectType: "link",
            subjectId: after.id,
            reason: input.reason,
            details: { partyId: after.partyId, scope: after.scope, objectId: after.objectId },
          })
        }
        return after
      }),
    )
  })
