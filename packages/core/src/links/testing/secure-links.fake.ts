import { Effect, Layer, Random } from "effect"
import { newLinkId } from "../../shared/ids.ts"
import { compareText, InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { now } from "../../shared/time.ts"
import { LinkInvalid, LinkNotFound } from "../domain/links.errors.ts"
import { checkLink } from "../domain/secure-link.ops.ts"
import { linkPath, type SecureLink } from "../domain/secure-link.ts"
import { SecureLinks } from "../ports/secure-links.ts"

export const linksTable = "secure_links"
const tokensTable = "secure_link_tokens"

/** Where the fake says its links live; real deployments use FUNDI_PUBLIC_URL. */
export const inMemoryLinkBaseUrl = "http://fundi.test"

/** Newest first, equal issue times by id: the order of `listForParty`. */
export const linkOrder = (a: SecureLink, b: SecureLink): number =>
  b.issuedAt - a.issuedAt || compareText(a.id, b.id)

const tokenChars = "0123456789abcdefghjkmnpqrstvwxyz"

/**
 * Secure links in memory. Core has no cryptography, so the fake's token is the link id
 * plus 26 random characters kept in a table: an altered token matches no row, which is
 * what a signature check gives the real adapter.
 */
export const layerSecureLinksInMemory: Layer.Layer<SecureLinks, never, InMemoryStore> =
  Layer.effect(
    SecureLinks,
    Effect.gen(function* () {
      const store = yield* InMemoryStore
      const links = () => store.table<SecureLink>(linksTable)
      const tokens = () => store.table<string>(tokensTable)
      const reading = <A>(f: () => A) => Effect.andThen(store.read, Effect.sync(f))
      const writing = (f: () => void) => Effect.andThen(store.write, Effect.sync(f))
      return SecureLinks.of({
        issue: (grant) =>
          Effect.gen(function* () {
            const id = yield* newLinkId
            let secret = ""
            for (let i = 0; i < 26; i++) secret += tokenChars[yield* Random.nextIntBetween(0, 31)]
            const token = `${id}.${secret}`
            const link: SecureLink = {
              id,
              partyId: grant.partyId,
              scope: grant.scope,
              objectId: grant.objectId,
              issuedAt: yield* now,
              expiresAt: grant.expiresAt,
            }
            yield* writing(() => {
              links().set(id, link)
              tokens().set(token, id)
            })
            return { link, token, url: `${inMemoryLinkBaseUrl}${linkPath(grant.scope, token)}` }
          }),
        resolve: (token, expected) =>
          Effect.gen(function* () {
            const link = yield* reading(() => {
              const id = tokens().get(token)
              return id === undefined ? undefined : links().get(id)
            })
            if (link === undefined) return yield* new LinkInvalid({ reason: "unknown token" })
            return yield* Effect.fromResult(
              checkLink(link, { scope: expected.scope, now: yield* now }),
            )
          }),
        revoke: (id, revocation) =>
          Effect.gen(function* () {
            const link = yield* reading(() => links().get(id))
            if (link === undefined) return yield* new LinkNotFound({ linkId: id })
            if (link.revokedAt !== undefined) return link
            const revoked: SecureLink = {
              ...link,
              revokedAt: yield* now,
              revokedBy: revocation.by,
              revokeReason: revocation.reason,
            }
            yield* writing(() => links().set(id, revoked))
            return revoked
          }),
        findById: (id) => reading(() => links().get(id)),
        listForParty: (partyId) =>
          reading(() => [...links().values()].filter((l) => l.partyId === partyId).sort(linkOrder)),
      })
    }),
  )
