import { Context, type Effect } from "effect"
import type { PersistenceUnavailable } from "../../shared/errors.ts"
import type { LinkId, PartyId } from "../../shared/ids.ts"
import type { LinkInvalid, LinkNotFound } from "../domain/links.errors.ts"
import type { LinkCheckError } from "../domain/secure-link.ops.ts"
import type { IssuedLink, LinkGrant, LinkScope, SecureLink } from "../domain/secure-link.ts"

/**
 * Secure links (lead, handover): tokens scoped to one party and one object that expire
 * and can be revoked. The token is opaque to the domain; adapters sign it (HMAC) so a
 * tampered one is refused before any lookup, and keep a row per link for revocation.
 * Time comes from Effect's Clock.
 */
export class SecureLinks extends Context.Service<
  SecureLinks,
  {
    /** Stores a new link (in the caller's transaction) and returns its token and URL. */
    readonly issue: (grant: LinkGrant) => Effect.Effect<IssuedLink, PersistenceUnavailable>
    /**
     * The link behind `token` if it opens `scope` now: LinkInvalid for a token not issued
     * here (or altered), else `checkLink`'s verdict (scope, revoked, expired).
     */
    readonly resolve: (
      token: string,
      expected: { readonly scope: LinkScope },
    ) => Effect.Effect<SecureLink, LinkInvalid | LinkCheckError | PersistenceUnavailable>
    /** Revokes a link; revoking it again keeps the first revocation and changes nothing. */
    readonly revoke: (
      id: LinkId,
      revocation: { readonly by: string; readonly reason: string },
    ) => Effect.Effect<SecureLink, LinkNotFound | PersistenceUnavailable>
    readonly findById: (id: LinkId) => Effect.Effect<SecureLink | undefined, PersistenceUnavailable>
    /** A party's links, newest first (issuedAt descending), ties by id ascending. */
    readonly listForParty: (
      partyId: PartyId,
    ) => Effect.Effect<ReadonlyArray<SecureLink>, PersistenceUnavailable>
  }
>()("@fundi/core/SecureLinks") {}
