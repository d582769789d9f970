import { Cause, Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { LinkId, PartyId } from "../../shared/ids.ts"
import {
  type ContractOptions,
  defaultNumRuns,
  inFailingTransaction,
  type MakeLayer,
  runFresh,
} from "../../shared/testing/contract-kit.ts"
import { arbInstant, arbPartyId } from "../../shared/testing/shared.arbitraries.ts"
import type { Instant } from "../../shared/time.ts"
import type { Transactions } from "../../shared/transactions.ts"
import type { LinkScope } from "../domain/secure-link.ts"
import { linkPath } from "../domain/secure-link.ts"
import { SecureLinks } from "../ports/secure-links.ts"
import { arbLinkObjectId, arbLinkScope } from "./links.arbitraries.ts"

const HOUR = 3_600_000

const arbGrant = arbLinkScope.chain((scope) =>
  fc.record({
    partyId: arbPartyId,
    scope: fc.constant(scope),
    objectId: arbLinkObjectId(scope),
    lifetime: fc.integer({ min: 1, max: 90 * 24 * HOUR }),
  }),
)

const grantOf = (g: typeof arbGrant extends fc.Arbitrary<infer G> ? G : never, start: Instant) => ({
  partyId: g.partyId,
  scope: g.scope,
  objectId: g.objectId,
  expiresAt: (start + g.lifetime) as Instant,
})

const otherScope = (scope: LinkScope): LinkScope => (scope === "lead" ? "handover" : "lead")

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string => {
  if (Exit.isSuccess(exit)) return "success"
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? error.value._tag : `defect: ${Cause.pretty(exit.cause)}`
}

type TamperEdit =
  | { readonly kind: "change"; readonly at: number; readonly char: string }
  | { readonly kind: "drop"; readonly at: number }
  | { readonly kind: "add"; readonly at: number; readonly char: string }

/** Every way to alter a token by one edit: a changed, dropped or added character. */
const arbTamper: fc.Arbitrary<TamperEdit> = fc.oneof(
  fc.record({
    kind: fc.constant("change" as const),
    at: fc.nat(),
    char: fc.constantFrom(..."aZ0_-.x"),
  }),
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("add" as const),
    at: fc.nat(),
    char: fc.constantFrom(..."aZ0_-.x"),
  }),
)

const tamper = (token: string, t: TamperEdit): string => {
  const at = t.at % token.length
  switch (t.kind) {
    case "change": {
      const char = token[at] === t.char ? (t.char === "a" ? "b" : "a") : t.char
      return token.slice(0, at) + char + token.slice(at + 1)
    }
    case "drop":
      return token.slice(0, at) + token.slice(at + 1)
    case "add":
      return token.slice(0, at) + t.char + token.slice(at)
  }
}
/**
 * The contract every SecureLinks adapter keeps. `makeLayer` must give fresh, empty storage
 * on every call. Each case runs under a TestClock set to a random instant, so expiry is
 * checked against Effect's Clock, never the wall clock.
 */
export const secureLinksContract = (
  name: string,
  makeLayer: MakeLayer<SecureLinks>,
  options: ContractOptions = {},
): void => {
  const fresh = runFresh(makeLayer)
  const numRuns = options.numRuns ?? defaultNumRuns
  const run = <A, E>(start: Instant, effect: Effect.Effect<A, E, SecureLinks | Transactions>) =>
    fresh(Effect.andThen(TestClock.setTime(start), effect).pipe(Effect.provide(TestClock.layer())))

  describe(`SecureLinks contract: ${name}`, () => {
    it("resolves an issued token to its link, scoped to one party and one object", async () => {
      await fc.assert(
        fc.asyncProperty(arbInstant, arbGrant, (start, g) =>
          run(
            start,
            Effect.gen(function* () {
              const links = yield* SecureLinks
              const expiresAt = (start + g.lifetime) as Instant
              const issued = yield* links.issue(grantOf(g, start))
              expect(issued.link).toEqual({
                id: issued.link.id,
                partyId: g.partyId,
                scope: g.scope,
                objectId: g.objectId,
                issuedAt: start,
                expiresAt,
              })
              expect(issued.url.endsWith(linkPath(g.scope, issued.token))).toBe(true)
              expect(encodeURIComponent(issued.token)).toBe(issued.token)
              expect(yield* links.resolve(issued.token, { scope: g.scope })).toEqual(issued.link)
              expect(yield* links.findById(issued.link.id)).toEqual(issued.link)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("refuses a token altered in any way, and text that was never a token", async () => {
      await fc.assert(
        fc.asyncProperty(arbInstant, arbGrant, arbTamper, fc.string(), (start, g, t, junk) =>
          run(
            start,
            Effect.gen(function* () {
              const links = yield* SecureLinks
              const issued = yield* links.issue(grantOf(g, start))
              const altered = tamper(issued.token, t)
              fc.pre(altered !== issued.token)
              expect(failureTag(yield* Effect.exit(links.resolve(altered, g)))).toBe("LinkInvalid")
              fc.pre(junk !== issued.token)
              expect(failureTag(yield* Effect.exit(links.resolve(junk, g)))).toBe("LinkInvalid")
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("opens until just before expiresAt, and is LinkExpired from then on", async () => {
      await fc.assert(
        fc.asyncProperty(arbInstant, arbGrant, fc.nat(), (start, g, later) =>
          run(
            start,
            Effect.gen(function* () {
              const links = yield* SecureLinks
              const issued = yield* links.issue(grantOf(g, start))
              yield* TestClock.adjust(g.lifetime - 1)
              expect((yield* links.resolve(issued.token, g)).id).toBe(issued.link.id)
              yield* TestClock.adjust(1 + later)
              expect(failureTag(yield* Effect.exit(links.resolve(issued.token, g)))).toBe(
                "LinkExpired",
              )
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("is LinkScopeMismatch on the other page", async () => {
      await fc.assert(
        fc.asyncProperty(arbInstant, arbGrant, (start, g) =>
          run(
            start,
            Effect.gen(function* () {
              const links = yield* SecureLinks
              const issued = yield* links.issue(grantOf(g, start))
              const exit = yield* Effect.exit(
                links.resolve(issued.token, { scope: otherScope(g.scope) }),
              )
              expect(failureTag(exit)).toBe("LinkScopeMismatch")
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("is LinkRevoked once revoked; revoking again keeps the first revocation", async () => {
      await fc.assert(
        fc.asyncProperty(arbInstant, arbGrant, (start, g) =>
          run(
            start,
            Effect.gen(function* () {
              const links = yield* SecureLinks
              const issued = yield* links.issue(grantOf(g, start))
              const revoked = yield* links.revoke(issued.link.id, {
                by: "thandi",
                reason: "leaked",
              })
              expect(revoked).toEqual({
                ...issued.link,
                revokedAt: start,
                revokedBy: "thandi",
                revokeReason: "leaked",
              })
              expect(failureTag(yield* Effect.exit(links.resolve(issued.token, g)))).toBe(
                "LinkRevoked",
              )
              yield* TestClock.adjust(1_000)
              const again = yield* links.revoke(issued.link.id, { by: "sipho", reason: "again" })
              expect(again).toEqual(revoked)
              expect(yield* links.findById(issued.link.id)).toEqual(revoked)
            }),
          ),
        ),
        { numRuns },
      )
    })

    it("revoking an unknown id is LinkNotFound; finding it gives nothing", async () => {
      await run(
        0 as Instant,
        Effect.gen(function* () {
          const links = yield* SecureLinks
          const unknown = "lnk_00000000000000000000" as LinkId
          expect(
            failureTag(yield* Effect.exit(links.revoke(unknown, { by: "a", reason: "b" }))),
          ).toBe("LinkNotFound")
          expect(yield* links.findById(unknown)).toBeUndefined()
        }),
      )
    })

    it("lists a party's links newest first, ties by id, and no one else's", async () => {
      await fc.assert(
        fc.asyncProperty(
          arbInstant,
          fc.tuple(arbPartyId, arbPartyId).filter(([a, b]) => a !== b),
          fc.array(fc.tuple(fc.boolean(), fc.constantFrom(0, 0, 1_000)), { maxLength: 6 }),
          (start, [mine, theirs], plan) =>
            run(
              start,
              Effect.gen(function* () {
                const links = yield* SecureLinks
                const issuedMine = []
                for (const [forMe, step] of plan) {
                  yield* TestClock.adjust(step)
                  const issued = yield* links.issue({
                    partyId: forMe ? mine : theirs,
                    scope: "lead",
                    objectId: "ofr_00000000000000000001",
                    expiresAt: (start + 90 * 24 * HOUR) as Instant,
                  })
                  if (forMe) issuedMine.push(issued.link)
                }
                const expected = issuedMine.sort(
                  (a, b) => b.issuedAt - a.issuedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
                )
                expect(yield* links.listForParty(mine)).toEqual(expected)
              }),
            ),
        ),
        { numRuns },
      )
    })

    it("keeps nothing of a link issued in a transaction that failed", async () => {
      await run(
        1_000 as Instant,
        Effect.gen(function* () {
          const links = yield* SecureLinks
          const partyId = "pty_00000000000000000001" as PartyId
          yield* inFailingTransaction(
            links.issue({
              partyId,
              scope: "handover",
              objectId: "req_00000000000000000001",
              expiresAt: (10 * HOUR) as Instant,
            }),
          )
          expect(yield* links.listForParty(partyId)).toEqual([])
        }),
      )
    })
  })
}
