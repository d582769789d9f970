import { describe, expect, it } from "@effect/vitest"
import {
  acceptLead,
  approveLeadRefund,
  checkLedger,
  creditsPreset,
  dispatchRequest,
  getWallet,
  LeadRefundRepository,
  Ledger,
  type MarketplacePolicy,
  previewLead,
  refundTransferId,
  requestLeadRefund,
  unlockLead,
} from "@fundi/core"
import {
  homeowner,
  leadRefundRepositoryContract,
  readyRequest,
  vettedProvider,
} from "@fundi/core/testing"
import { Cause, Effect, Exit } from "effect"
import { leadRefundChecksSuite } from "./lead-refund-repository.suite.ts"
import { isolatedDatabase, layerPostgresTest, layerUseCasesOn, testDatabaseUrl } from "./testing.ts"

const url = testDatabaseUrl()

/** Ops approving the same claim at once, each on its own connection. */
const APPROVERS = 8
const CREDITS = 50

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = Cause.findErrorOption(exit.cause)
  return error._tag === "Some" ? error.value._tag : `defect: ${Cause.pretty(exit.cause)}`
}

if (url === undefined) {
  describe("LeadRefundRepository on a PostgreSQL server", () => {
    it.skip("skipped: FUNDI_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)", () => {})
  })
} else {
  leadRefundRepositoryContract("Postgres on a server", () => layerPostgresTest(url))
  leadRefundChecksSuite("PostgreSQL server", url)

  describe("one refund claim, many operators approving at once (server)", () => {
    const policy: MarketplacePolicy = {
      ...creditsPreset,
      dispatch: { strategy: "broadcast", broadcastSize: 2, offerTtlMinutes: 120 },
    }

    it.live(
      `${APPROVERS} approvals of one claim: the provider is credited once, the ledger checks`,
      () =>
        Effect.gen(function* () {
          const db = yield* isolatedDatabase(url, { poolMax: APPROVERS + 4 })
          const layer = layerUseCasesOn(db.knex, policy)
          yield* Effect.gen(function* () {
            const customer = yield* homeowner()
            const winner = yield* vettedProvider(1, { credits: CREDITS })
            const loser = yield* vettedProvider(2, { credits: CREDITS })
            const request = yield* readyRequest(customer.id)
            const { offered } = yield* dispatchRequest({ requestId: request.id })
            for (const offer of offered) {
              const ref = { offerId: offer.id, providerId: offer.providerId }
              yield* previewLead(ref)
              yield* unlockLead(ref)
            }
            const won = offered.find((o) => o.providerId === winner.id)!
            const lost = offered.find((o) => o.providerId === loser.id)!
            yield* acceptLead({ offerId: won.id, providerId: winner.id })
            const price = policy.credits.leadPrice.plumbing!.urgent
            expect(Number((yield* getWallet({ partyId: loser.id })).credits)).toBe(CREDITS - price)

            // Two claims on the same offer at once: exactly one is stored.
            const claims = yield* Effect.forEach(
              [1, 2],
              () =>
                Effect.exit(
                  requestLeadRefund({ offerId: lost.id, providerId: loser.id, reason: "expired" }),
                ),
              { concurrency: "unbounded" },
            )
            expect(claims.filter(Exit.isSuccess)).toHaveLength(1)
            expect(claims.map(failureTag).filter((t) => t !== undefined)).toEqual([
              "RefundAlreadyClaimed",
            ])
            const claim = (yield* (yield* LeadRefundRepository).list({}))[0]!

            const approvals = yield* Effect.forEach(
              Array.from({ length: APPROVERS }, (_, i) => i),
              (i) =>
                Effect.exit(
                  approveLeadRefund({
                    refundId: claim.id,
                    operator: `ops-${i}`,
                    reason: "the lead went to another provider",
                  }),
                ),
              { concurrency: "unbounded" },
            )
            expect(approvals.filter(Exit.isSuccess)).toHaveLength(1)
            // Only the domain's refusal: no deadlock, no lost connection, no defect.
            for (const tag of approvals.map(failureTag)) {
              expect(tag ?? "RefundAlreadyDecided").toBe("RefundAlreadyDecided")
            }

            expect(Number((yield* getWallet({ partyId: loser.id })).credits)).toBe(CREDITS)
            const refund = yield* (yield* Ledger).findTransfer(refundTransferId(lost.id))
            expect(refund._tag).toBe("Some")
            expect((yield* checkLedger()).ok).toBe(true)
          }).pipe(Effect.provide(layer))
        }).pipe(Effect.scoped),
      60_000,
    )
  })
}
