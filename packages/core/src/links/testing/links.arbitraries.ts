import * as fc from "fast-check"
import type { LinkId } from "../../shared/ids.ts"
import { arbInstant, arbOperatorName, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { LinkScope, SecureLink } from "../domain/secure-link.ts"

const idChar = fc.constantFrom(..."0123456789abcdefghjkmnpqrstvwxyz")

export const arbLinkId: fc.Arbitrary<LinkId> = fc
  .array(idChar, { minLength: 20, maxLength: 20 })
  .map((body) => `lnk_${body.join("")}` as LinkId)

export const arbLinkScope: fc.Arbitrary<LinkScope> = fc.constantFrom("lead", "handover")

/** An object id of the kind the scope opens (an offer for a lead, a request for a handover). */
export const arbLinkObjectId = (scope: LinkScope): fc.Arbitrary<string> =>
  fc
    .array(idChar, { minLength: 20, maxLength: 20 })
    .map((body) => `${scope === "lead" ? "ofr" : "req"}_${body.join("")}`)

/** Any stored link: live, expired or revoked, relative to nothing in particular. */
export const arbSecureLink: fc.Arbitrary<SecureLink> = arbLinkScope.chain((scope) =>
  fc
    .record({
      id: arbLinkId,
      partyId: arbPartyId,
      objectId: arbLinkObjectId(scope),
      issuedAt: arbInstant,
      lifetime: fc.integer({ min: 1, max: 60 * 86_400_000 }),
      revocation: fc.option(
        fc.record({
          after: fc.integer({ min: 0, max: 60 * 86_400_000 }),
          by: arbOperatorName,
          reason: fc.string({ minLength: 1, maxLength: 40 }),
        }),
        { nil: undefined },
      ),
    })
    .map(
      ({ id, partyId, objectId, issuedAt, lifetime, revocation }): SecureLink => ({
        id,
        partyId,
        scope,
        objectId,
        issuedAt,
        expiresAt: (issuedAt + lifetime) as Instant,
        ...(revocation === undefined
          ? {}
          : {
              revokedAt: (issuedAt + revocation.after) as Instant,
              revokedBy: revocation.by,
              revokeReason: revocation.reason,
            }),
      }),
    ),
)
