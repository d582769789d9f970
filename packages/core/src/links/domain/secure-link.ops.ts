import { Result } from "effect"
import type { Instant } from "../../shared/time.ts"
import { LinkExpired, LinkRevoked, LinkScopeMismatch } from "./links.errors.ts"
import type { LinkScope, SecureLink } from "./secure-link.ts"

/**
 * A lead link outlives the offer's time-to-live by this much: the provider comes back
 * to it after unlocking (the hold), after proposing times (the homeowner's choice) and
 * after assignment (the homeowner's contact; assignment also sends a job link that lasts
 * past the visit, see `visitLinkExpiresAt`). Once the offer closes the page shows the
 * closed state anyway: the link never shows more than the offer's stage allows.
 */
export const leadLinkGraceDays = 14

/** A handover link lasts this long from issue: long enough to follow the job through. */
export const handoverLinkDays = 30

const DAY_MS = 86_400_000

export const leadLinkExpiresAt = (offerExpiresAt: Instant): Instant =>
  (offerExpiresAt + leadLinkGraceDays * DAY_MS) as Instant

export const handoverLinkExpiresAt = (issuedAt: Instant): Instant =>
  (issuedAt + handoverLinkDays * DAY_MS) as Instant

/**
 * A link about a visit (the homeowner's handover link, the assigned provider's job link):
 * `handoverLinkDays` from issue, and never less than `leadLinkGraceDays` after the visit's
 * last possible moment, which may be up to 90 days out (a proposed time, a late window).
 */
export const visitLinkExpiresAt = (issuedAt: Instant, visitEndsAt?: Instant): Instant =>
  Math.max(
    handoverLinkExpiresAt(issuedAt),
    visitEndsAt === undefined ? 0 : leadLinkExpiresAt(visitEndsAt),
  ) as Instant

export type LinkCheckError = LinkExpired | LinkRevoked | LinkScopeMismatch

/**
 * Whether a stored link opens `scope` (for `partyId`, when the caller knows who must hold
 * it) at `now`. Checked in this order so a revoked link says so even once it has also
 * expired (ops revoked it for a reason), and a link for another page never reveals
 * whether it is still live. Expiry is exclusive: at `expiresAt` it no longer opens.
 */
export const checkLink = (
  link: SecureLink,
  expected: { readonly scope: LinkScope; readonly partyId?: string; readonly now: Instant },
): Result.Result<SecureLink, LinkCheckError> => {
  if (link.scope !== expected.scope) {
    return Result.fail(
      new LinkScopeMismatch({ linkId: link.id, expected: expected.scope, actual: link.scope }),
    )
  }
  if (expected.partyId !== undefined && link.partyId !== expected.partyId) {
    return Result.fail(
      new LinkScopeMismatch({
        linkId: link.id,
        expected: `party ${expected.partyId}`,
        actual: `party ${link.partyId}`,
      }),
    )
  }
  if (link.revokedAt !== undefined) {
    return Result.fail(new LinkRevoked({ linkId: link.id, revokedAt: link.revokedAt }))
  }
  if (expected.now >= link.expiresAt) {
    return Result.fail(new LinkExpired({ linkId: link.id, expiresAt: link.expiresAt }))
  }
  return Result.succeed(link)
}
