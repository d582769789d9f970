import { describe, expect, it } from "@effect/vitest"
import { type LinkId, type PartyId, SecureLinks } from "@fundi/core"
import { secureLinksContract } from "@fundi/core/testing"
import { Effect, Exit, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { sign } from "hono/jwt"
import { isolatedDatabase, layerPostgresTest } from "../postgres/testing.ts"
import { claimsOf } from "./link-token.ts"
import { layerSecureLinks } from "./secure-links.knex.ts"

// The port's contract suite on PGlite in memory: every run gets a fresh, migrated schema.
secureLinksContract("Postgres on PGlite", () => layerPostgresTest("pglite://memory"))

const SECRET = "a-test-secret-that-is-long-enough-0123"
const signing = { secret: Redacted.make(SECRET), publicUrl: "https://fundi.example.com/" }
const partyId = "pty_00000000000000000001" as PartyId

const failure = (exit: Exit.Exit<unknown, { readonly _tag: string; readonly reason?: string }>) =>
  Exit.isFailure(exit) ? String(exit.cause) : "success"

describe("secure links on Postgres: signing", () => {
  it.effect("URLs are the public origin + /l/ or /h/ + an HS256 JWT of the link's claims", () =>
    Effect.gen(function* () {
      const { knex } = yield* isolatedDatabase("pglite://memory")
      yield* Effect.gen(function* () {
        const links = yield* SecureLinks
        const issued = yield* links.issue({
          partyId,
          scope: "lead",
          objectId: "ofr_00000000000000000001",
          expiresAt: 5_000 as never,
        })
        expect(issued.url).toBe(`https://fundi.example.com/l/${issued.token}`)
        const [header, payload] = issued.token
          .split(".")
          .slice(0, 2)
          .map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")))
        expect(header).toEqual({ alg: "HS256", typ: "JWT" })
        expect(payload).toEqual({
          jti: issued.link.id,
          sub: partyId,
          scp: "lead",
          obj: "ofr_00000000000000000001",
          exp: 5,
        })
      }).pipe(Effect.provide(Layer.mergeAll(layerSecureLinks(knex, signing), TestClock.layer())))
    }).pipe(Effect.scoped),
  )

  it.effect("a token signed with another secret, or with other claims, opens nothing", () =>
    Effect.gen(function* () {
      const { knex } = yield* isolatedDatabase("pglite://memory")
      yield* Effect.gen(function* () {
        const links = yield* SecureLinks
        const issued = yield* links.issue({
          partyId,
          scope: "handover",
          objectId: "req_00000000000000000001",
          expiresAt: 10_000_000 as never,
        })
        const claims = claimsOf(issued.link)
        const forged = yield* Effect.promise(() =>
          sign({ ...claims }, "another-secret-that-is-also-long-enough", "HS256"),
        )
        const widened = yield* Effect.promise(() =>
          sign({ ...claims, obj: "req_00000000000000000002" }, SECRET, "HS256"),
        )
        const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${issued.token.split(".")[1]}.`
        for (const token of [forged, widened, noneAlg]) {
          expect(
            failure(yield* Effect.exit(links.resolve(token, { scope: "handover" }))),
          ).toContain("LinkInvalid")
        }
        // The same claims re-signed with the right secret are the issued token itself.
        expect(
          (yield* links.resolve(issued.token, { scope: "handover" })).id satisfies LinkId,
        ).toBe(issued.link.id)
      }).pipe(Effect.provide(Layer.mergeAll(layerSecureLinks(knex, signing), TestClock.layer())))
    }).pipe(Effect.scoped),
  )

  it.effect("the table refuses an unknown scope and a half-recorded revocation", () =>
    Effect.gen(function* () {
      const { knex } = yield* isolatedDatabase("pglite://memory")
      const row = (id: string, extra: Record<string, unknown>) => ({
        id,
        party_id: partyId,
        scope: "lead",
        object_id: "ofr_00000000000000000001",
        issued_at: new Date(0),
        expires_at: new Date(1),
        ...extra,
      })
      yield* Effect.promise(() => knex("secure_links").insert(row("lnk_1", {})))
      for (const [id, extra] of [
        ["lnk_2", { scope: "quote" }],
        ["lnk_3", { revoked_at: new Date(1) }],
        ["lnk_4", { revoked_at: new Date(1), revoked_by: "thandi" }],
      ] as const) {
        const refused = yield* Effect.exit(
          Effect.tryPromise(() => knex("secure_links").insert(row(id, extra))),
        )
        expect(Exit.isFailure(refused), id).toBe(true)
      }
    }).pipe(Effect.scoped),
  )
})
