import { Result } from "effect"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import { arbLinkScope, arbSecureLink } from "../testing/links.arbitraries.ts"
import {
  checkLink,
  handoverLinkDays,
  handoverLinkExpiresAt,
  leadLinkExpiresAt,
  leadLinkGraceDays,
} from "./secure-link.ops.ts"
import type { SecureLink } from "./secure-link.ts"

const arbNow = fc.integer({ min: 946_684_800_000, max: 4_300_000_000_000 }).map((n) => n as Instant)

const tagOf = (r: Result.Result<unknown, { readonly _tag: string }>) =>
  Result.isSuccess(r) ? "ok" : r.failure._tag

/** The rule restated as a model: what checkLink must answer, in its documented order. */
const expected = (link: SecureLink, scope: string, partyId: string | undefined, now: number) =>
  link.scope !== scope || (partyId !== undefined && partyId !== link.partyId)
    ? "LinkScopeMismatch"
    : link.revokedAt !== undefined
      ? "LinkRevoked"
      : now >= link.expiresAt
        ? "LinkExpired"
        : "ok"

describe("checkLink", () => {
  it("opens exactly when scope and party match, it is not revoked, and now < expiresAt", () => {
    fc.assert(
      fc.property(
        arbSecureLink,
        arbLinkScope,
        fc.option(arbPartyId, { nil: undefined }),
        fc.boolean(),
        arbNow,
        (link, scope, otherParty, sameParty, now) => {
          const partyId = sameParty ? link.partyId : otherParty
          const result = checkLink(link, {
            scope,
            now,
            ...(partyId === undefined ? {} : { partyId }),
          })
          expect(tagOf(result)).toBe(expected(link, scope, partyId, now))
          if (Result.isSuccess(result)) expect(result.success).toBe(link)
        },
      ),
    )
  })

  it("a live link is open at every instant before expiry and at none from it on", () => {
    fc.assert(
      fc.property(arbSecureLink, fc.nat(), (stored, offset) => {
        const { revokedAt: _r, revokedBy: _b, revokeReason: _w, ...link } = stored
        const before = Math.max(link.issuedAt, link.expiresAt - 1 - offset) as Instant
        const after = (link.expiresAt + offset) as Instant
        expect(Result.isSuccess(checkLink(link, { scope: link.scope, now: before }))).toBe(
          before < link.expiresAt,
        )
        expect(tagOf(checkLink(link, { scope: link.scope, now: after }))).toBe("LinkExpired")
      }),
    )
  })

  it("revocation wins over expiry, and scope over both (a wrong page reveals nothing)", () => {
    fc.assert(
      fc.property(arbSecureLink, arbNow, (link, now) => {
        fc.pre(link.revokedAt !== undefined)
        expect(tagOf(checkLink(link, { scope: link.scope, now }))).toBe("LinkRevoked")
        const other = link.scope === "lead" ? "handover" : "lead"
        expect(tagOf(checkLink(link, { scope: other, now }))).toBe("LinkScopeMismatch")
      }),
    )
  })
})

describe("link lifetimes", () => {
  it("a lead link outlives the offer's time-to-live by the grace; a handover link lasts 30 days", () => {
    fc.assert(
      fc.property(arbNow, (at) => {
        expect(leadLinkExpiresAt(at) - at).toBe(leadLinkGraceDays * 86_400_000)
        expect(handoverLinkExpiresAt(at) - at).toBe(handoverLinkDays * 86_400_000)
        expect(handoverLinkDays).toBe(30)
      }),
    )
  })
})
