import {
  checkLink,
  LinkInvalid,
  LinkNotFound,
  linkPath,
  newLinkId,
  now,
  SecureLink,
  SecureLinks,
} from "@fundi/core"
import { Effect, Layer, Redacted } from "effect"
import type { Knex } from "knex"
import { deferInsert, flushDeferred, fromTimestamp, query, toDate } from "../postgres/executor.ts"
import { decodeRow, optional } from "../postgres/rows.ts"
import { claimsOf, signLinkToken, verifyLinkToken } from "./link-token.ts"

/** How links are signed and where they point (FUNDI_LINK_SECRET, FUNDI_PUBLIC_URL). */
export interface LinkSigning {
  readonly secret: Redacted.Redacted<string>
  /** The public site's origin, without a trailing slash, e.g. https://fundi.example.com. */
  readonly publicUrl: string
}

interface LinkRow {
  readonly id: string
  readonly party_id: string
  readonly scope: string
  readonly object_id: string
  readonly issued_at: Date
  readonly expires_at: Date
  readonly revoked_at: Date | null
  readonly revoked_by: string | null
  readonly revoke_reason: string | null
}

const TABLE = "secure_links"

const decodeLink = decodeRow(SecureLink, TABLE)

const fromRow = (row: LinkRow) =>
  decodeLink(
    {
      id: row.id,
      partyId: row.party_id,
      scope: row.scope,
      objectId: row.object_id,
      issuedAt: fromTimestamp(row.issued_at),
      expiresAt: fromTimestamp(row.expires_at),
      ...optional("revokedAt", row.revoked_at === null ? null : fromTimestamp(row.revoked_at)),
      ...optional("revokedBy", row.revoked_by),
      ...optional("revokeReason", row.revoke_reason),
    },
    row.id,
  )

const invalid = (reason: string) => new LinkInvalid({ reason })

/**
 * Secure links on Postgres: one row per link (for revocation and listing), tokens signed
 * with HMAC-SHA256. Rows are written through the current transaction (held, like audit
 * entries, and sent with its next write or at COMMIT), so a link issued by a use case that
 * fails is never kept.
 */
export const makeSecureLinks = (knex: Knex, signing: LinkSigning): SecureLinks["Service"] => {
  const secret = Redacted.value(signing.secret)
  const base = signing.publicUrl.replace(/\/+$/, "")

  // Issued links are held with the transaction's other appends (deferInsert): every read
  // here sends them first, so a link issued in this transaction is found and revocable.
  const findRow = (id: string) =>
    Effect.andThen(
      flushDeferred(knex),
      query(knex, "secure_links.findById", (db) =>
        db<LinkRow>(TABLE).select<Array<LinkRow>>("*").where({ id }),
      ),
    ).pipe(
      Effect.flatMap((rows) =>
        rows[0] === undefined ? Effect.succeed(undefined) : fromRow(rows[0]),
      ),
    )

  return SecureLinks.of({
    issue: (grant) =>
      Effect.gen(function* () {
        const link: SecureLink = {
          id: yield* newLinkId,
          partyId: grant.partyId,
          scope: grant.scope,
          objectId: grant.objectId,
          issuedAt: yield* now,
          expiresAt: grant.expiresAt,
        }
        yield* deferInsert(
          knex,
          "secure_links.insert",
          [
            {
              id: link.id,
              party_id: link.partyId,
              scope: link.scope,
              object_id: link.objectId,
              issued_at: toDate(link.issuedAt),
              expires_at: toDate(link.expiresAt),
            },
          ],
          (db, rows) => db(TABLE).insert(rows),
        )
        const token = yield* Effect.promise(() => signLinkToken(claimsOf(link), secret))
        return { link, token, url: `${base}${linkPath(link.scope, token)}` }
      }),

    resolve: (token, expected) =>
      Effect.gen(function* () {
        const claims = yield* Effect.promise(() => verifyLinkToken(token, secret))
        if ("invalid" in claims) return yield* invalid(claims.invalid)
        const link = yield* findRow(claims.jti)
        // Signed by us but unknown here: another database with the same secret, or a
        // link deleted by hand. Either way it opens nothing.
        if (link === undefined) return yield* invalid("unknown link")
        const signed = claimsOf(link)
        if (
          signed.sub !== claims.sub ||
          signed.scp !== claims.scp ||
          signed.obj !== claims.obj ||
          signed.exp !== claims.exp
        ) {
          return yield* invalid("claims differ from the stored link")
        }
        return yield* Effect.fromResult(checkLink(link, { scope: expected.scope, now: yield* now }))
      }),

    revoke: (id, revocation) =>
      Effect.gen(function* () {
        const at = yield* now
        yield* flushDeferred(knex)
        // Only a live row changes, so a second revocation keeps the first one's who and why.
        yield* query(knex, "secure_links.revoke", (db) =>
          db(TABLE)
            .where({ id })
            .whereNull("revoked_at")
            .update({
              revoked_at: toDate(at),
              revoked_by: revocation.by,
              revoke_reason: revocation.reason,
            }),
        )
        const link = yield* findRow(id)
        if (link === undefined) return yield* new LinkNotFound({ linkId: id })
        return link
      }),

    findById: findRow,

    listForParty: (partyId) =>
      Effect.andThen(
        flushDeferred(knex),
        query(knex, "secure_links.listForParty", (db) =>
          db<LinkRow>(TABLE)
            .select<Array<LinkRow>>("*")
            .where({ party_id: partyId })
            .orderBy([
              { column: "issued_at", order: "desc" },
              { column: "id", order: "asc" },
            ]),
        ),
      ).pipe(Effect.flatMap((rows) => Effect.forEach(rows, fromRow))),
  })
}

export const layerSecureLinks = (knex: Knex, signing: LinkSigning): Layer.Layer<SecureLinks> =>
  Layer.succeed(SecureLinks, makeSecureLinks(knex, signing))
