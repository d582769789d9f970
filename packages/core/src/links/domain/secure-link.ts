import { Schema } from "effect"
import { LinkId, PartyId } from "../../shared/ids.ts"
import { type Instant, Instant as InstantSchema } from "../../shared/time.ts"

/**
 * What a link opens: `lead` is one offer for its provider (the lead page), `handover` is
 * one request for its homeowner (proposed times, then the assigned provider), `payment`
 * is one subscription payment for its homeowner (on to the gateway's checkout).
 */
export const LinkScope = Schema.Literals(["lead", "handover", "payment"])
export type LinkScope = typeof LinkScope.Type

/**
 * A secure link as stored: the token handed out carries (and is signed over) its id, party,
 * scope, object and expiry; the row is what makes revocation and listing possible.
 */
export const SecureLink = Schema.Struct({
  id: LinkId,
  partyId: PartyId,
  scope: LinkScope,
  /** The offer id for a lead link, the request id for a handover link, the payment id for a payment link. */
  objectId: Schema.NonEmptyString,
  issuedAt: InstantSchema,
  expiresAt: InstantSchema,
  revokedAt: Schema.optionalKey(InstantSchema),
  /** The operator (or process) who revoked it. */
  revokedBy: Schema.optionalKey(Schema.String),
  revokeReason: Schema.optionalKey(Schema.String),
})
export type SecureLink = typeof SecureLink.Type

/** What `SecureLinks.issue` needs: who may open it, what it opens, until when. */
export interface LinkGrant {
  readonly partyId: PartyId
  readonly scope: LinkScope
  readonly objectId: string
  readonly expiresAt: Instant
}

/** A link just issued: the row, the opaque token and the full URL to send. */
export interface IssuedLink {
  readonly link: SecureLink
  readonly token: string
  readonly url: string
}

/** The path of a link's page on the public site (tokens are URL-safe). */
export const linkPath = (scope: LinkScope, token: string): string =>
  `${linkPrefixes[scope]}${token}`

const linkPrefixes: { readonly [S in LinkScope]: string } = {
  lead: "/l/",
  handover: "/h/",
  payment: "/p/",
}
