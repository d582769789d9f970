import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import {
  creditIssuanceAccountId,
  externalCashAccountId,
  platformRevenueAccountId,
} from "../../ledger/domain/ledger.ops.ts"
import { Ledger } from "../../ledger/ports/ledger.ts"
import { checkLedger } from "../../ledger/use-cases/check-ledger.ts"
import { Outbox } from "../../notifications/ports/outbox.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset, subscriptionPreset } from "../../policy/presets.ts"
import { InMemoryStore } from "../../shared/testing/in-memory-store.ts"
import { DAY_MS } from "../../shared/time.ts"
import { asciiBytes, samplePdf, samplePng } from "../../storage/testing/sample-files.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { isTopUpReference } from "../domain/top-up.ops.ts"
import { approveTopUp } from "./approve-top-up.ts"
import { cancelTopUp } from "./cancel-top-up.ts"
import { clawbackCredits } from "./clawback-credits.ts"
import { createTopUp } from "./create-top-up.ts"
import { getStatement } from "./get-statement.ts"
import { getTopUp } from "./get-top-up.ts"
import { getTopUpProof } from "./get-top-up-proof.ts"
import { getWallet } from "./get-wallet.ts"
import { grantCredits } from "./grant-credits.ts"
import { listTopUps } from "./list-top-ups.ts"
import { payOutEarnings } from "./pay-out-earnings.ts"
import { recordConsultationPayout } from "./record-consultation-payout.ts"
import { rejectTopUp } from "./reject-top-up.ts"
import { setWeeklyBudget } from "./set-weekly-budget.ts"
import { spendCredits } from "./spend-credits.ts"
import { submitTopUpProof } from "./submit-top-up-proof.ts"

const pdf = (note = "bank slip") => samplePdf(note)
const png = samplePng([1, 2, 3])

const provider = (phone = "+27821234567") =>
  signUp({
    kind: "provider",
    phone,
    profile: { displayName: "Sipho Dube", email: "sipho@example.com" },
  })

const ops = { operator: "thandi", reason: "payment seen on the bank statement" }

const actions = Effect.gen(function* () {
  return (yield* (yield* AuditLog).list({})).map((e) => e.action).reverse()
})

const templates = (partyId: string) =>
  Effect.gen(function* () {
    const messages = yield* (yield* Outbox).list({ partyId })
    return messages.map((m) => `${m.channel}:${m.template}`).sort()
  })

const inMemory = (policy: MarketplacePolicy = creditsPreset) =>
  Effect.provide(layerInMemory(policy))

describe("buying credits", () => {
  it.effect("create, send a proof, approve: the credits arrive, on the statement, once", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const created = yield* createTopUp({ partyId: party.id, credits: 25, method: "eft_proof" })
      expect(created).toMatchObject({
        partyId: party.id,
        state: "awaiting_proof",
        credits: 25,
        amountMinor: 25_000n,
        currency: "ZAR",
        method: "eft_proof",
      })
      expect(isTopUpReference(created.reference)).toBe(true)

      yield* TestClock.adjust(60_000)
      const sent = yield* submitTopUpProof({ topUpId: created.id, partyId: party.id, bytes: pdf() })
      expect(sent.state).toBe("proof_submitted")
      expect(sent.proof).toMatchObject({ contentType: "application/pdf", size: pdf().length })
      expect(sent.proof?.key).toMatch(/^proofs\/tpu_[0-9a-z]{20}\/1970\/01\/[0-9a-f]{64}\.pdf$/)

      const queue = yield* listTopUps({})
      expect(queue.map((v) => [v.topUp.id, v.party.id])).toEqual([[created.id, party.id]])
      const proof = yield* getTopUpProof({ topUpId: created.id })
      expect(proof.bytes).toEqual(pdf())
      expect(proof.object.contentType).toBe("application/pdf")

      const approved = yield* approveTopUp({ topUpId: created.id, ...ops })
      expect(approved).toMatchObject({ state: "approved", decidedBy: "thandi" })
      expect((yield* getTopUp({ topUpId: created.id })).topUp).toEqual(approved)

      const wallet = yield* getWallet({ partyId: party.id })
      expect(wallet).toMatchObject({ credits: 25n, earningsMinor: 0n, currency: "ZAR" })
      const statement = yield* getStatement({ partyId: party.id, wallet: "credits" })
      expect(statement).toHaveLength(1)
      expect(statement[0]).toMatchObject({
        change: 25n,
        balanceAfter: 25n,
        transfer: { reason: "topup", links: { topUpId: created.id }, unit: "CREDIT" },
      })

      // The money side: cash came in from outside and is platform revenue.
      const ledger = yield* Ledger
      expect(yield* ledger.balance(externalCashAccountId("ZAR"))).toBe(-25_000n)
      expect(yield* ledger.balance(platformRevenueAccountId("ZAR"))).toBe(25_000n)
      expect(yield* ledger.balance(creditIssuanceAccountId)).toBe(-25n)
      expect((yield* checkLedger()).ok).toBe(true)

      // A second approval is refused and credits nothing.
      const again = yield* Effect.flip(approveTopUp({ topUpId: created.id, ...ops }))
      expect(again).toMatchObject({ _tag: "TransitionNotAllowed", from: "approved" })
      expect((yield* getWallet({ partyId: party.id })).credits).toBe(25n)

      expect(yield* templates(party.id)).toEqual([
        "email:top_up.approved",
        "whatsapp:top_up.approved",
      ])
      const [message] = yield* (yield* Outbox).list({ partyId: party.id, limit: 1 })
      expect(message?.body).toContain(created.reference)
      expect(message?.body).toContain("ZAR 250.00")
      expect(yield* actions).toEqual([
        "party.sign_up",
        "top_up.create",
        "top_up.submit_proof",
        "top_up.approve",
      ])
      const [approval] = yield* (yield* AuditLog).list({ action: "top_up.approve" })
      expect(approval).toMatchObject({
        actor: { _tag: "operator", name: "thandi" },
        subjectId: created.id,
        reason: ops.reason,
        details: { from: "proof_submitted", to: "approved", amountMinor: "25000" },
      })
    }).pipe(inMemory()),
  )

  it.effect("two approvals at once: one wins, the credits arrive once", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const { id } = yield* createTopUp({ partyId: party.id, credits: 10, method: "eft_proof" })
      yield* submitTopUpProof({ topUpId: id, partyId: party.id, bytes: png })
      const outcomes = yield* Effect.all(
        [approveTopUp({ topUpId: id, ...ops }), approveTopUp({ topUpId: id, ...ops })].map(
          Effect.result,
        ),
        { concurrency: 2 },
      )
      expect(outcomes.map((o) => o._tag).sort()).toEqual(["Failure", "Success"])
      expect((yield* getWallet({ partyId: party.id })).credits).toBe(10n)
      expect((yield* checkLedger()).ok).toBe(true)
    }).pipe(inMemory()),
  )

  it.effect("a rejected top-up credits nothing, tells the provider why, and stays rejected", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const { id } = yield* createTopUp({ partyId: party.id, credits: 5, method: "eft_proof" })
      yield* submitTopUpProof({ topUpId: id, partyId: party.id, bytes: pdf() })
      const rejected = yield* rejectTopUp({
        topUpId: id,
        operator: "amara",
        reason: "no such payment on the bank statement",
      })
      expect(rejected).toMatchObject({
        state: "rejected",
        decidedBy: "amara",
        rejectionReason: "no such payment on the bank statement",
      })
      const approve = yield* Effect.flip(approveTopUp({ topUpId: id, ...ops }))
      expect(approve).toMatchObject({
        _tag: "TransitionNotAllowed",
        allowedFrom: ["proof_submitted"],
      })
      const resend = yield* Effect.flip(
        submitTopUpProof({ topUpId: id, partyId: party.id, bytes: pdf("again") }),
      )
      expect(resend._tag).toBe("TransitionNotAllowed")
      expect((yield* getWallet({ partyId: party.id })).credits).toBe(0n)
      expect(yield* getStatement({ partyId: party.id, wallet: "credits" })).toEqual([])
      const messages = yield* (yield* Outbox).list({ partyId: party.id })
      expect(messages.map((m) => m.template)).toEqual(["top_up.rejected", "top_up.rejected"])
      expect(messages[0]?.body).toContain("no such payment on the bank statement")
    }).pipe(inMemory()),
  )

  it.effect(
    "proofs: only the owner, only PDF/JPEG/PNG within the limit, replaceable in review",
    () =>
      Effect.gen(function* () {
        const party = yield* provider()
        const other = yield* provider("+27829999999")
        const { id } = yield* createTopUp({ partyId: party.id, credits: 5, method: "eft_proof" })

        const stranger = yield* Effect.flip(
          submitTopUpProof({ topUpId: id, partyId: other.id, bytes: pdf() }),
        )
        expect(stranger).toMatchObject({ _tag: "NotTopUpOwner", topUpId: id, partyId: other.id })
        const text = yield* Effect.flip(
          submitTopUpProof({
            topUpId: id,
            partyId: party.id,
            bytes: asciiBytes("I paid, honest"),
          }),
        )
        expect(text).toMatchObject({ _tag: "UnsupportedContent", detected: "unknown" })
        const big = new Uint8Array(65)
        big.set(pdf().slice(0, 8))
        const tooLarge = yield* Effect.flip(
          submitTopUpProof({ topUpId: id, partyId: party.id, bytes: big }),
        )
        expect(tooLarge).toMatchObject({ _tag: "ContentTooLarge", size: 65, limit: 64 })
        expect((yield* getTopUp({ topUpId: id })).topUp.state).toBe("awaiting_proof")
        expect((yield* Effect.flip(getTopUpProof({ topUpId: id })))._tag).toBe("NoProofOfPayment")

        const first = yield* submitTopUpProof({ topUpId: id, partyId: party.id, bytes: pdf("one") })
        const second = yield* submitTopUpProof({ topUpId: id, partyId: party.id, bytes: png })
        expect(second.state).toBe("proof_submitted")
        expect(second.proof?.contentType).toBe("image/png")
        expect(second.proof?.key).not.toBe(first.proof?.key)
        expect((yield* getTopUpProof({ topUpId: id })).bytes).toEqual(png)
        const [replaced] = yield* (yield* AuditLog).list({
          action: "top_up.submit_proof",
          limit: 1,
        })
        expect(replaced?.details).toMatchObject({ replaced: first.proof?.key })

        // Once in review, it can no longer be cancelled; a fresh one can.
        expect((yield* Effect.flip(cancelTopUp({ topUpId: id, partyId: party.id })))._tag).toBe(
          "TransitionNotAllowed",
        )
        const fresh = yield* createTopUp({ partyId: party.id, credits: 5, method: "card" })
        expect((yield* cancelTopUp({ topUpId: fresh.id, partyId: party.id })).state).toBe(
          "cancelled",
        )
      }).pipe(inMemory({ ...creditsPreset, uploads: { maxBytes: 64 } })),
  )

  it.effect("only providers buy credits, within the policy's range", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const homeowner = yield* signUp({ kind: "customer", phone: "+27831112222" })
      const few = yield* Effect.flip(createTopUp({ partyId: party.id, credits: 4, method: "card" }))
      expect(few).toMatchObject({ _tag: "TopUpOutOfRange", credits: 4, min: 5, max: 1_000 })
      const many = yield* Effect.flip(
        createTopUp({ partyId: party.id, credits: 1_001, method: "card" }),
      )
      expect(many._tag).toBe("TopUpOutOfRange")
      const customer = yield* Effect.flip(
        createTopUp({ partyId: homeowner.id, credits: 5, method: "card" }),
      )
      expect(customer).toMatchObject({ _tag: "NotAProvider", partyId: homeowner.id })
      expect((yield* Effect.flip(getWallet({ partyId: homeowner.id })))._tag).toBe("NotAProvider")
      const nobody = yield* Effect.flip(
        createTopUp({ partyId: "pty_00000000000000000000", credits: 5, method: "card" }),
      )
      expect(nobody._tag).toBe("PartyNotFound")
      const bad = yield* Effect.flip(
        createTopUp({ partyId: party.id, credits: 2.5, method: "cash" }),
      )
      expect(bad._tag).toBe("InvalidInput")
      expect(yield* listTopUps({})).toEqual([])
    }).pipe(inMemory()),
  )

  it.effect("the review queue lists top-ups with a proof first, each group oldest first", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const make = Effect.gen(function* () {
        yield* TestClock.adjust(1_000)
        return (yield* createTopUp({ partyId: party.id, credits: 5, method: "eft_proof" })).id
      })
      const [a, b, c, d] = [yield* make, yield* make, yield* make, yield* make]
      yield* submitTopUpProof({ topUpId: d!, partyId: party.id, bytes: pdf() })
      yield* submitTopUpProof({ topUpId: b!, partyId: party.id, bytes: pdf() })
      const ids = (views: ReadonlyArray<{ readonly topUp: { readonly id: string } }>) =>
        views.map((v) => v.topUp.id)
      expect(ids(yield* listTopUps({}))).toEqual([b, d, a, c])
      expect(ids(yield* listTopUps({ limit: 3 }))).toEqual([b, d, a])
      expect(ids(yield* listTopUps({ states: ["awaiting_proof"] }))).toEqual([a, c])
      expect(ids(yield* listTopUps({ partyId: "pty_00000000000000000000" }))).toEqual([])
    }).pipe(inMemory()),
  )
})

describe("spending credits", () => {
  it.effect(
    "the weekly budget refuses past it, and resets on Monday 00:00 in the policy zone",
    () =>
      Effect.gen(function* () {
        // The test clock starts on Thursday 1970-01-01 00:00 UTC; Johannesburg is UTC+2.
        const mondayMidnight = Date.UTC(1970, 0, 4, 22)
        const party = yield* provider()
        yield* grantCredits({ partyId: party.id, credits: 100, ...ops })
        const view = yield* setWeeklyBudget({ partyId: party.id, weeklyCreditBudget: 10 })
        expect(view).toMatchObject({
          weeklyCreditBudget: 10,
          spentThisWeek: 0,
          weekEndsAt: mondayMidnight,
        })

        const spend = (credits: number, key: string) =>
          spendCredits({
            partyId: party.id,
            credits,
            transferId: `unlock:${key}`,
            leadId: `led_${key}`,
          })
        yield* spend(6, "a")
        const over = yield* Effect.flip(spend(5, "b"))
        expect(over).toMatchObject({
          _tag: "WeeklyBudgetExceeded",
          budget: 10,
          spent: 6,
          requested: 5,
          resetsAt: mondayMidnight,
        })
        yield* spend(4, "c")
        // A retry of a spend already made is not new spending: it returns the first.
        const replay = yield* spend(4, "c")
        expect(replay.id).toBe("unlock:c")
        expect(yield* getWallet({ partyId: party.id })).toMatchObject({
          credits: 90n,
          spentThisWeek: 10,
        })

        yield* TestClock.setTime(mondayMidnight - 1)
        expect((yield* Effect.flip(spend(1, "d")))._tag).toBe("WeeklyBudgetExceeded")
        yield* TestClock.setTime(mondayMidnight)
        yield* spend(7, "e")
        expect(yield* getWallet({ partyId: party.id })).toMatchObject({
          credits: 83n,
          spentThisWeek: 7,
          weekEndsAt: mondayMidnight + 7 * DAY_MS,
        })

        // Removing the budget removes the limit; the balance still holds.
        yield* setWeeklyBudget({ partyId: party.id, weeklyCreditBudget: null })
        yield* spend(80, "f")
        const broke = yield* Effect.flip(spend(4, "g"))
        expect(broke).toMatchObject({ _tag: "InsufficientFunds", balance: 3n, requested: 4n })
        const conflict = yield* Effect.flip(spend(3, "f"))
        expect(conflict).toMatchObject({ _tag: "IdempotencyConflict", transferId: "unlock:f" })
        expect((yield* getWallet({ partyId: party.id })).credits).toBe(3n)
        const spends = yield* (yield* AuditLog).list({ action: "credits.spend" })
        expect(spends).toHaveLength(4)
        expect(spends[0]?.actor).toEqual({ _tag: "party", partyId: party.id })
      }).pipe(inMemory()),
  )

  it.effect(
    "grants and clawbacks: with a reason, audited, told, once per key, never overdrawn",
    () =>
      Effect.gen(function* () {
        const party = yield* provider()
        const grant = {
          partyId: party.id,
          credits: 5,
          operator: "sipho",
          reason: "refund: the lead's phone number was wrong",
          idempotencyKey: "refund-ofr_00000000000000000123",
          leadId: "ofr_00000000000000000123",
        }
        const first = yield* grantCredits(grant)
        const retried = yield* grantCredits(grant)
        expect(retried).toEqual(first)
        expect((yield* getWallet({ partyId: party.id })).credits).toBe(5n)
        // The lead must be an offer id: a typo is refused before anything is written.
        const typo = yield* Effect.flip(
          grantCredits({ ...grant, idempotencyKey: "other", leadId: "ofr_123" }),
        )
        expect(typo).toMatchObject({ _tag: "InvalidInput" })
        expect(String(typo.message)).toMatch(/offer id/)
        expect((yield* getWallet({ partyId: party.id })).credits).toBe(5n)
        expect((yield* Effect.flip(grantCredits({ ...grant, credits: 6 })))._tag).toBe(
          "IdempotencyConflict",
        )

        const clawback = {
          partyId: party.id,
          operator: "sipho",
          reason: "granted twice by mistake",
        }
        const tooMuch = yield* Effect.flip(clawbackCredits({ ...clawback, credits: 6 }))
        expect(tooMuch).toMatchObject({ _tag: "InsufficientFunds", balance: 5n, requested: 6n })
        yield* clawbackCredits({ ...clawback, credits: 5 })
        expect((yield* getWallet({ partyId: party.id })).credits).toBe(0n)

        const statement = yield* getStatement({ partyId: party.id, wallet: "credits" })
        expect(statement.map((l) => [l.transfer.reason, l.change, l.balanceAfter])).toEqual([
          ["clawback", -5n, 0n],
          ["grant", 5n, 5n],
        ])
        expect(yield* templates(party.id)).toEqual([
          "email:credits.clawed_back",
          "email:credits.granted",
          "whatsapp:credits.clawed_back",
          "whatsapp:credits.granted",
        ])
        const audit = yield* (yield* AuditLog).list({ actorName: "sipho" })
        expect(audit.map((e) => [e.action, e.reason])).toEqual([
          ["credits.clawback", "granted twice by mistake"],
          ["credits.grant", "refund: the lead's phone number was wrong"],
        ])
        expect((yield* checkLedger()).ok).toBe(true)
      }).pipe(inMemory()),
  )
})

describe("earnings", () => {
  it.effect(
    "a consultation pays the provider the gross less the platform fee, once; payouts never exceed it",
    () =>
      Effect.gen(function* () {
        const party = yield* provider()
        // The subscription preset takes 15%.
        const paid = { partyId: party.id, consultationId: "con_1", grossMinor: "33333" }
        const split = yield* recordConsultationPayout(paid)
        expect(split).toEqual({ feeMinor: 4_999n, netMinor: 28_334n })
        expect(yield* recordConsultationPayout({ ...paid, grossMinor: 33_333n })).toEqual(split)
        const conflict = yield* Effect.flip(
          recordConsultationPayout({ ...paid, grossMinor: "40000" }),
        )
        expect(conflict._tag).toBe("IdempotencyConflict")
        const zero = yield* Effect.flip(recordConsultationPayout({ ...paid, grossMinor: "0" }))
        expect(zero).toMatchObject({ _tag: "InvalidInput", issues: [{ path: "grossMinor" }] })
        const huge = yield* Effect.flip(
          recordConsultationPayout({ ...paid, grossMinor: 10n ** 18n }),
        )
        expect(huge).toMatchObject({ _tag: "InvalidInput", issues: [{ message: "is too large" }] })
        expect((yield* getWallet({ partyId: party.id })).earningsMinor).toBe(28_334n)
        expect(yield* (yield* Ledger).balance(platformRevenueAccountId("ZAR"))).toBe(4_999n)

        const payout = { partyId: party.id, operator: "thandi", reason: "weekly EFT run" }
        const over = yield* Effect.flip(payOutEarnings({ ...payout, amountMinor: "28335" }))
        expect(over).toMatchObject({ _tag: "InsufficientFunds", balance: 28_334n })
        yield* payOutEarnings({ ...payout, amountMinor: "28334", idempotencyKey: "eft-1" })
        yield* payOutEarnings({ ...payout, amountMinor: "28334", idempotencyKey: "eft-1" })
        expect((yield* getWallet({ partyId: party.id })).earningsMinor).toBe(0n)

        const statement = yield* getStatement({ partyId: party.id, wallet: "earnings" })
        expect(statement.map((l) => [l.transfer.reason, l.change, l.balanceAfter])).toEqual([
          ["earnings_payout", -28_334n, 0n],
          ["consultation_payout", 28_334n, 28_334n],
        ])
        expect(yield* templates(party.id)).toEqual([
          "email:earnings.paid_out",
          "whatsapp:earnings.paid_out",
        ])
        expect(yield* actions).toEqual([
          "party.sign_up",
          "earnings.consultation_payout",
          "earnings.pay_out",
        ])
        expect((yield* checkLedger()).ok).toBe(true)
      }).pipe(inMemory(subscriptionPreset)),
  )

  it.effect("with no platform fee the provider gets it all, and no fee transfer is made", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const split = yield* recordConsultationPayout({
        partyId: party.id,
        consultationId: "con_2",
        grossMinor: 50_000n,
      })
      expect(split).toEqual({ feeMinor: 0n, netMinor: 50_000n })
      expect(yield* (yield* Ledger).findTransfer("consultation:con_2:fee")).toMatchObject({
        _tag: "None",
      })
    }).pipe(inMemory(creditsPreset)),
  )
})

describe("failures leave nothing behind", () => {
  it.effect("an approval that crashes half-way credits nothing and can be retried", () =>
    Effect.gen(function* () {
      const party = yield* provider()
      const { id } = yield* createTopUp({ partyId: party.id, credits: 5, method: "eft_proof" })
      yield* submitTopUpProof({ topUpId: id, partyId: party.id, bytes: pdf() })
      const store = yield* InMemoryStore
      const before = yield* store.snapshot
      let crashes = 0
      for (let writes = 0; writes < 20; writes++) {
        yield* store.failAfterWrites(writes)
        const outcome = yield* Effect.result(approveTopUp({ topUpId: id, ...ops }))
        yield* store.failAfterWrites(undefined)
        if (outcome._tag === "Success") break
        crashes++
        expect(outcome.failure._tag).toBe("PersistenceUnavailable")
        expect(yield* store.snapshot).toEqual(before)
      }
      // Accounts, two transfers, the top-up, the audit row and the messages: each can fail.
      expect(crashes).toBeGreaterThanOrEqual(8)
      expect((yield* getWallet({ partyId: party.id })).credits).toBe(5n)
    }).pipe(inMemory()),
  )
})
