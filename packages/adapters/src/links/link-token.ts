import { LinkScope, type SecureLink } from "@fundi/core"
import { sign, verify } from "hono/jwt"

/**
 * Link tokens are compact JWTs signed with HMAC-SHA256 (hono/jwt) over the link's id,
 * party, scope, object and expiry. The signature lets a tampered or foreign token be
 * refused before any lookup; the stored row (revocation) has the last word.
 */
export interface LinkClaims {
  readonly jti: string
  readonly sub: string
  readonly scp: LinkScope
  readonly obj: string
  /** Seconds since the epoch, rounded up: the JWT convention. The row keeps milliseconds. */
  readonly exp: number
}

export const claimsOf = (link: SecureLink): LinkClaims => ({
  jti: link.id,
  sub: link.partyId,
  scp: link.scope,
  obj: link.objectId,
  exp: Math.ceil(link.expiresAt / 1000),
})

export const signLinkToken = (claims: LinkClaims, secret: string): Promise<string> =>
  sign({ ...claims }, secret, "HS256")

const isClaims = (p: Record<string, unknown>): p is LinkClaims & Record<string, unknown> =>
  typeof p.jti === "string" &&
  typeof p.sub === "string" &&
  // Every scope the domain knows (a scope added there is accepted here without an edit).
  (LinkScope.literals as ReadonlyArray<unknown>).includes(p.scp) &&
  typeof p.obj === "string" &&
  typeof p.exp === "number"

/**
 * The claims of a token signed with `secret`, or a reason it is not one. Expiry is not
 * judged here (the caller uses Effect's Clock). A token must also be exactly the text we
 * would issue for its claims: base64url has spare bits, so a "different" token can carry
 * the same bytes, and only the canonical one is accepted.
 */
export const verifyLinkToken = async (
  token: string,
  secret: string,
): Promise<LinkClaims | { readonly invalid: string }> => {
  let payload: Record<string, unknown>
  try {
    payload = await verify(token, secret, { alg: "HS256", exp: false, nbf: false, iat: false })
  } catch (e) {
    return { invalid: e instanceof Error && e.name ? e.name : "bad token" }
  }
  if (!isClaims(payload)) return { invalid: "unexpected claims" }
  const claims: LinkClaims = {
    jti: payload.jti,
    sub: payload.sub,
    scp: payload.scp,
    obj: payload.obj,
    exp: payload.exp,
  }
  if ((await signLinkToken(claims, secret)) !== token) return { invalid: "not canonical" }
  return claims
}
