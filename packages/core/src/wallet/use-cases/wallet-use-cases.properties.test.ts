import { Clock, Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { describe, expect, it } from "vitest"
import { AuditLog } from "../../audit/ports/audit-log.ts"
import type { Transfer } from "../../ledger/domain/ledger.ts"
import { ledgerTransfersTable } from "../../ledger/testing/ledger.fake.ts"
import { checkLedger } from "../../ledger/use-cases/check-ledger.ts"
import type { MarketplacePolicy } from "../../policy/policy.ts"
import { creditsPreset } from "../../policy/presets.ts"
import { arbPolicy } from "../../policy/testing/policy.arbitraries.ts"
import { InMemoryStore, type StoreSnapshot } from "../../shared/testing/in-memory-store.ts"
import { DAY_MS, type Instant } from "../../shared/time.ts"
import { asciiBytes, samplePdf, samplePng } from "../../storage/testing/sample-files.ts"
import type { Party } from "../../vetting/domain/party.ts"
import { layerInMemory } from "../../vetting/testing/layer-in-memory.ts"
import { signUp } from "../../vetting/use-cases/sign-up.ts"
import { type TopUp, topUpTransitions } from "../domain/top-up.ts"
import { budgetWeek, splitConsultationFee } from "../domain/wallet.ops.ts"
import { TopUpRepository } from "../ports/top-up-repository.ts"
import { topUpsTable } from "../testing/top-up-repository.fake.ts"
import { arbFeeBps, arbTimeZone } from "../testing/wallet.arbitraries.ts"
import { approveTopUp } from "./approve-top-up.ts"
import { cancelTopUp } from "./cancel-top-up.ts"
import { clawbackCredits } from "./clawback-credits.ts"
import { createTopUp } from "./create-top-up.ts"
import { getWallet } from "./get-wallet.ts"
import { grantCredits } from "./grant-credits.ts"
import { payOutEarnings } from "./pay-out-earnings.ts"
import { recordConsultationPayout } from "./record-consultation-payout.ts"
import { rejectTopUp } from "./reject-top-up.ts"
import type { WalletServices } from "./services.ts"
import { setWeeklyBudget } from "./set-weekly-budget.ts"
import { spendCredits } from "./spend-credits.ts"
import { submitTopUpProof } from "./submit-top-up-proof.ts"

/** Uploads of every kind the store must tell apart; the policy allows 64 bytes. */
const uploads = {
  pdf: samplePdf("slip"),
  png: samplePng([7]),
  text: asciiBytes("paid, trust me"),
  huge: samplePdf("x".repeat(64)),
} as const
type Upload = keyof typeof uploads
const maxBytes = 64

/** Parties by index: two providers, then a homeowner (who has no wallet). */
type Step =
  | { readonly op: "create"; readonly party: number; readonly credits: number }
  | {
      readonly op: "proof"
      readonly topUp: number
      readonly party: number
      readonly upload: Upload
    }
  | { readonly op: "approve" | "reject"; readonly topUp: number }
  | { readonly op: "cancel"; readonly topUp: number; readonly party: number }
  | {
      readonly op: "grant" | "clawback"
      readonly party: number
      readonly credits: number
      readonly key: number
    }
  | { readonly op: "budget"; readonly party: number; readonly budget: number | null }
  | { readonly op: "spend"; readonly party: number; readonly credits: number; readonly key: number }
  | {
      readonly op: "consultation"
      readonly party: number
      readonly consultation: number
      readonly gross: bigint
    }
  | { readonly op: "payout"; readonly party: number; readonly amount: bigint; readonly key: number }
  | { readonly op: "wait"; readonly ms: number }
  | { readonly op: "nextWeek"; readonly offset: -1 | 0 }

interface Attempt {
  readonly step: Step
  /** Let this many writes through, then fail the next: a crash half-way. */
  readonly crashAfter: number | undefined
}

/** Mostly the providers; sometimes the homeowner, who must be refused. */
const party = fc.oneof(
  { weight: 6, arbitrary: fc.nat(1) },
  { weight: 1, arbitrary: fc.constant(2) },
)
/** 0 is the newest top-up, 1 the one before, and so on round. */
const topUp = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.nat(5) },
)
const key = fc.nat(2)
const smallCredits = fc.integer({ min: 1, max: 12 })

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("create" as const),
      party,
      credits: fc.oneof(fc.integer({ min: 5, max: 40 }), fc.constantFrom(4, 1_001)),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("proof" as const),
      topUp,
      party: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: party }),
      upload: fc.constantFrom<Upload>("pdf", "pdf", "png", "text", "huge"),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("approve" as const), topUp }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reject" as const), topUp }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("cancel" as const),
      topUp,
      party: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: party }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constantFrom("grant" as const, "clawback" as const),
      party,
      // Often the same amount, so retries with a used key are replays, not conflicts.
      credits: fc.oneof(fc.constant(5), smallCredits),
      key: fc.nat(1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("budget" as const),
      party,
      budget: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant("spend" as const),
      party,
      credits: smallCredits,
      key: fc.nat(8),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("consultation" as const),
      party,
      consultation: fc.nat(3),
      gross: fc.oneof(fc.bigInt({ min: 1n, max: 50_000n }), fc.constant(10n ** 17n + 1n)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("payout" as const),
      party,
      amount: fc.bigInt({ min: 1n, max: 60_000n }),
      key,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("wait" as const), ms: fc.nat(3 * DAY_MS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("nextWeek" as const),
      offset: fc.constantFrom(-1 as const, 0 as const),
    }),
  },
)

/** Now and then a crash, after up to 8 writes (approval writes 9 times, so any of them). */
const arbCrashOften = (weightNone: number): fc.Arbitrary<number | undefined> =>
  fc.oneof(
    { weight: weightNone, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.nat(8) },
  )
const arbCrash = arbCrashOften(5)

const arbAttempt: fc.Arbitrary<Attempt> = fc.record({ step: arbStep, crashAfter: arbCrash })

/** A provider buys credits start to end (mostly approved), any step of it may crash. */
const arbPurchase: fc.Arbitrary<ReadonlyArray<Attempt>> = fc
  .record({
    party,
    credits: fc.integer({ min: 5, max: 40 }),
    upload: fc.constantFrom<Upload>("pdf", "png"),
    decision: fc.constantFrom("approve" as const, "approve" as const, "reject" as const),
    crashes: fc.tuple(arbCrashOften(10), arbCrashOften(10), arbCrashOften(10)),
  })
  .map(({ party, credits, upload, decision, crashes }) => [
    { step: { op: "create", party, credits }, crashAfter: crashes[0] },
    { step: { op: "proof", topUp: 0, party: -1, upload }, crashAfter: crashes[1] },
    { step: { op: decision, topUp: 0 }, crashAfter: crashes[2] },
  ])

const arbJourney: fc.Arbitrary<ReadonlyArray<Attempt>> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: arbAttempt.map((a) => [a]) },
      { weight: 2, arbitrary: arbPurchase },
      // The same command twice: a retry, which must change nothing the second time.
      { weight: 1, arbitrary: arbAttempt.map((a) => [a, { ...a, crashAfter: undefined }]) },
    ),
    { minLength: 8, maxLength: 30 },
  )
  .map((groups) => groups.flat())

/** What the wallets should hold, kept by hand from the outcomes the rules promise. */
interface Model {
  readonly credits: Map<string, bigint>
  readonly earnings: Map<string, bigint>
  readonly budgets: Map<string, number>
  /** Credits spent, with when: the budget counts those in the current week. */
  readonly spends: Array<{
    readonly partyId: string
    readonly credits: number
    readonly at: number
  }>
  /** Ledger transfer ids already used, with what they were made for. */
  readonly used: Map<string, { readonly partyId: string; readonly amount: bigint }>
  readonly consultations: Map<
    number,
    { readonly partyId: string; readonly gross: bigint; readonly net: bigint; readonly fee: bigint }
  >
}

const nobody = "tpu_00000000000000000000"

type Outcome = { readonly expect: string; readonly apply?: () => void; readonly replay?: boolean }

const pickTopUp = (topUps: ReadonlyArray<TopUp>, index: number): TopUp | undefined =>
  topUps.length === 0 ? undefined : topUps[topUps.length - 1 - (index % topUps.length)]

const get = (map: Map<string, bigint>, id: string) => map.get(id) ?? 0n

/** What the step must do, by the rules, given the model and the stored top-ups. */
const predict = (
  step: Step,
  model: Model,
  parties: ReadonlyArray<Party>,
  topUps: ReadonlyArray<TopUp>,
  policy: MarketplacePolicy,
  now: number,
): Outcome => {
  const who = "party" in step && step.party >= 0 ? parties[step.party]! : undefined
  const isProvider = who?.kind === "provider"
  const target = "topUp" in step ? pickTopUp(topUps, step.topUp) : undefined
  const allowed = (tag: keyof (typeof topUpTransitions)["awaiting_proof"]) =>
    target !== undefined && topUpTransitions[target.state][tag] !== undefined
  switch (step.op) {
    case "create": {
      if (!isProvider) return { expect: "NotAProvider" }
      const { topUpMinCredits: min, topUpMaxCredits: max } = policy.credits
      return step.credits < min || step.credits > max
        ? { expect: "TopUpOutOfRange" }
        : { expect: "ok" }
    }
    case "proof":
    case "cancel": {
      if (target === undefined) return { expect: "TopUpNotFound" }
      const actor = step.party < 0 ? target.partyId : parties[step.party]!.id
      if (actor !== target.partyId) return { expect: "NotTopUpOwner" }
      if (step.op === "cancel") return { expect: allowed("Cancel") ? "ok" : "TransitionNotAllowed" }
      if (!allowed("SubmitProof")) return { expect: "TransitionNotAllowed" }
      if (step.upload === "huge") return { expect: "ContentTooLarge" }
      if (step.upload === "text") return { expect: "UnsupportedContent" }
      return { expect: "ok" }
    }
    case "approve":
      if (target === undefined) return { expect: "TopUpNotFound" }
      if (!allowed("Approve")) return { expect: "TransitionNotAllowed" }
      return {
        expect: "ok",
        apply: () =>
          model.credits.set(
            target.partyId,
            get(model.credits, target.partyId) + BigInt(target.credits),
          ),
      }
    case "reject":
      if (target === undefined) return { expect: "TopUpNotFound" }
      return { expect: allowed("Reject") ? "ok" : "TransitionNotAllowed" }
    case "grant":
    case "clawback": {
      if (!isProvider) return { expect: "NotAProvider" }
      const id = `${step.op}:${who.id}:k${step.key}`
      const amount = BigInt(step.credits)
      const first = model.used.get(id)
      if (first !== undefined) {
        return first.amount === amount
          ? { expect: "ok", replay: true }
          : { expect: "IdempotencyConflict" }
      }
      const balance = get(model.credits, who.id)
      if (step.op === "clawback" && amount > balance) return { expect: "InsufficientFunds" }
      return {
        expect: "ok",
        apply: () => {
          model.used.set(id, { partyId: who.id, amount })
          model.credits.set(who.id, balance + (step.op === "grant" ? amount : -amount))
        },
      }
    }
    case "budget":
      if (!isProvider) return { expect: "NotAProvider" }
      return {
        expect: "ok",
        apply: () => {
          if (step.budget === null) model.budgets.delete(who.id)
          else model.budgets.set(who.id, step.budget)
        },
      }
    case "spend": {
      if (!isProvider) return { expect: "NotAProvider" }
      const id = `unlock:k${step.key}`
      const amount = BigInt(step.credits)
      const first = model.used.get(id)
      if (first !== undefined) {
        return first.partyId === who.id && first.amount === amount
          ? { expect: "ok", replay: true }
          : { expect: "IdempotencyConflict" }
      }
      const budget = model.budgets.get(who.id)
      const week = budgetWeek(now as Instant, policy.timeZone)
      const spent = model.spends
        .filter((s) => s.partyId === who.id && s.at >= week.start)
        .reduce((sum, s) => sum + s.credits, 0)
      if (budget !== undefined && spent + step.credits > budget) {
        return { expect: "WeeklyBudgetExceeded" }
      }
      const balance = get(model.credits, who.id)
      if (amount > balance) return { expect: "InsufficientFunds" }
      return {
        expect: "ok",
        apply: () => {
          model.used.set(id, { partyId: who.id, amount })
          model.spends.push({ partyId: who.id, credits: step.credits, at: now })
          model.credits.set(who.id, balance - amount)
        },
      }
    }
    case "consultation": {
      if (!isProvider) return { expect: "NotAProvider" }
      const first = model.consultations.get(step.consultation)
      if (first !== undefined) {
        const sameParty = first.net === 0n || first.partyId === who.id
        return first.gross === step.gross && sameParty
          ? { expect: "ok", replay: true }
          : { expect: "IdempotencyConflict" }
      }
      const { feeMinor: fee, netMinor: net } = Result.getOrThrow(
        splitConsultationFee(step.gross, policy.subscription.platformFeeBps),
      )
      return {
        expect: "ok",
        apply: () => {
          model.consultations.set(step.consultation, {
            partyId: who.id,
            gross: step.gross,
            net,
            fee,
          })
          model.earnings.set(who.id, get(model.earnings, who.id) + net)
        },
      }
    }
    case "payout": {
      if (!isProvider) return { expect: "NotAProvider" }
      const id = `payout:${who.id}:k${step.key}`
      const first = model.used.get(id)
      if (first !== undefined) {
        return first.amount === step.amount
          ? { expect: "ok", replay: true }
          : { expect: "IdempotencyConflict" }
      }
      const balance = get(model.earnings, who.id)
      if (step.amount > balance) return { expect: "InsufficientFunds" }
      return {
        expect: "ok",
        apply: () => {
          model.used.set(id, { partyId: who.id, amount: step.amount })
          model.earnings.set(who.id, balance - step.amount)
        },
      }
    }
    case "wait":
    case "nextWeek":
      return { expect: "ok" }
  }
}

const byOps = { operator: "thandi", reason: "property test" }

const run = (
  step: Step,
  parties: ReadonlyArray<Party>,
  topUps: ReadonlyArray<TopUp>,
  policy: MarketplacePolicy,
): Effect.Effect<unknown, { readonly _tag: string }, WalletServices> => {
  const partyId = "party" in step && step.party >= 0 ? parties[step.party]!.id : undefined
  const target = "topUp" in step ? pickTopUp(topUps, step.topUp) : undefined
  const topUpId = target?.id ?? nobody
  switch (step.op) {
    case "create":
      return createTopUp({ partyId, credits: step.credits, method: "eft_proof" })
    case "proof":
      return submitTopUpProof({
        topUpId,
        partyId: partyId ?? target?.partyId ?? parties[0]!.id,
        bytes: uploads[step.upload],
      })
    case "approve":
      return approveTopUp({ topUpId, ...byOps })
    case "reject":
      return rejectTopUp({ topUpId, ...byOps })
    case "cancel":
      return cancelTopUp({ topUpId, partyId: partyId ?? target?.partyId ?? parties[0]!.id })
    case "grant":
    case "clawback":
      return (step.op === "grant" ? grantCredits : clawbackCredits)({
        partyId,
        credits: step.credits,
        idempotencyKey: `k${step.key}`,
        ...byOps,
      })
    case "budget":
      return setWeeklyBudget({ partyId, weeklyCreditBudget: step.budget })
    case "spend":
      return spendCredits({
        partyId,
        credits: step.credits,
        transferId: `unlock:k${step.key}`,
        leadId: `led_k${step.key}`,
      })
    case "consultation":
      return recordConsultationPayout({
        partyId,
        consultationId: `con_${step.consultation}`,
        grossMinor: step.gross.toString(),
      })
    case "payout":
      return payOutEarnings({
        partyId,
        amountMinor: step.amount,
        idempotencyKey: `k${step.key}`,
        ...byOps,
      })
    case "wait":
      return TestClock.adjust(step.ms)
    case "nextWeek":
      return Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        yield* TestClock.setTime(budgetWeek(now as Instant, policy.timeZone).end + step.offset)
      })
  }
}

const rowsOf = <A>(snapshot: StoreSnapshot, table: string) => [
  ...((snapshot.tables.get(table) ?? new Map()) as ReadonlyMap<string, A>).values(),
]

const tableAllows = (from: TopUp["state"], to: TopUp["state"]) =>
  Object.values(topUpTransitions[from]).includes(to)

/** What the runs got up to, so the test can insist the interesting paths were taken. */
const seen = new Map<string, number>()
const note = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1)

const simulate = (policy: MarketplacePolicy, attempts: ReadonlyArray<Attempt>) =>
  Effect.gen(function* () {
    const store = yield* InMemoryStore
    const audit = yield* AuditLog
    const parties = [
      yield* signUp({
        kind: "provider",
        phone: "+27820000001",
        profile: { email: "a@example.com" },
      }),
      yield* signUp({ kind: "provider", phone: "+27820000002" }),
      yield* signUp({ kind: "customer", phone: "+27820000003" }),
    ]
    const providers = parties.filter((p) => p.kind === "provider")
    const model: Model = {
      credits: new Map(),
      earnings: new Map(),
      budgets: new Map(),
      spends: [],
      used: new Map(),
      consultations: new Map(),
    }
    for (const { step, crashAfter } of attempts) {
      const topUps = yield* (yield* TopUpRepository).list({})
      const now = yield* Clock.currentTimeMillis
      const predicted = predict(step, model, parties, topUps, policy, now)
      const before = yield* store.snapshot
      const auditBefore = (yield* audit.list({})).length
      yield* store.failAfterWrites(crashAfter)
      const outcome = yield* Effect.result(run(step, parties, topUps, policy))
      yield* store.failAfterWrites(undefined)
      const after = yield* store.snapshot
      const auditAfter = (yield* audit.list({})).length
      const actual = Result.isFailure(outcome) ? outcome.failure._tag : "ok"
      note(`${step.op}: ${actual}${predicted.replay === true ? " (replay)" : ""}`)

      if (Result.isFailure(outcome)) {
        // A failed use case leaves no trace: not a row, not an audit entry, not a message.
        expect(after).toEqual(before)
      }
      if (actual === "PersistenceUnavailable" && crashAfter !== undefined) continue
      expect(
        actual,
        `${JSON.stringify(step, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`,
      ).toBe(predicted.expect)
      predicted.apply?.()
      if (predicted.replay === true) {
        // A retried command changes nothing at all.
        expect(after).toEqual(before)
      } else if (actual === "ok" && step.op !== "wait" && step.op !== "nextWeek") {
        // Every change writes exactly one audit row.
        expect(auditAfter - auditBefore).toBe(1)
      }

      // Top-ups only move along the table, and an approved one was credited exactly once.
      const previous = new Map(rowsOf<TopUp>(before, topUpsTable).map((t) => [t.id, t]))
      const transfers = rowsOf<Transfer>(after, ledgerTransfersTable)
      for (const next of rowsOf<TopUp>(after, topUpsTable)) {
        const was = previous.get(next.id)
        if (was === undefined) expect(next.state).toBe("awaiting_proof")
        else if (was.state !== next.state) expect(tableAllows(was.state, next.state)).toBe(true)
        const credited = transfers.filter(
          (t) => t.links.topUpId === next.id && t.creditAccountId === `credits:${next.partyId}`,
        )
        expect(credited.length).toBe(next.state === "approved" ? 1 : 0)
        for (const t of credited) expect(t.amount).toBe(BigInt(next.credits))
      }

      // The wallets hold what the model says; nothing is overdrawn; every unit sums to zero.
      const week = budgetWeek((yield* Clock.currentTimeMillis) as Instant, policy.timeZone)
      for (const provider of providers) {
        const wallet = yield* getWallet({ partyId: provider.id })
        const spent = model.spends
          .filter((s) => s.partyId === provider.id && s.at >= week.start)
          .reduce((sum, s) => sum + s.credits, 0)
        expect(wallet).toMatchObject({
          credits: get(model.credits, provider.id),
          earningsMinor: get(model.earnings, provider.id),
          weeklyCreditBudget: model.budgets.get(provider.id),
          spentThisWeek: spent,
          weekEndsAt: week.end,
        })
        expect(wallet.credits >= 0n && wallet.earningsMinor >= 0n).toBe(true)
      }
      expect((yield* checkLedger()).ok).toBe(true)
    }
  })

describe("wallet use cases, random journeys against a model", () => {
  it("credits are issued once per top-up, spending keeps to the budget and the balance, every change is audited once and a failure writes nothing", async () => {
    const arbCase = fc.record({
      policy: fc
        .tuple(arbPolicy, arbTimeZone, arbFeeBps)
        .map(([policy, timeZone, platformFeeBps]) => ({
          ...policy,
          timeZone,
          uploads: { maxBytes },
          subscription: { ...policy.subscription, platformFeeBps },
        })),
      start: fc.nat(400 * DAY_MS),
      attempts: arbJourney,
    })
    await fc.assert(
      fc.asyncProperty(arbCase, ({ policy, start, attempts }) =>
        Effect.runPromise(
          Effect.gen(function* () {
            yield* TestClock.setTime(start)
            yield* simulate(policy, attempts)
          }).pipe(Effect.provide(layerInMemory(policy)), Effect.provide(TestClock.layer())),
        ),
      ),
      {
        numRuns: 400,
        // Runs first, so a grant retried under a used key for another amount is refused
        // whatever the seed: random journeys do that in about one run in forty (400 runs miss
        // it about 1 in 15,000).
        examples: [
          [
            {
              policy: { ...creditsPreset, uploads: { maxBytes } },
              start: 0,
              attempts: [
                { step: { op: "grant", party: 0, credits: 5, key: 0 }, crashAfter: undefined },
                { step: { op: "grant", party: 0, credits: 7, key: 0 }, crashAfter: undefined },
              ],
            },
          ],
        ],
      },
    )
    // The runs went down every road that matters, so the checks above were put to work.
    for (const outcome of [
      "create: ok",
      "create: TopUpOutOfRange",
      "create: NotAProvider",
      "proof: ok",
      "proof: NotTopUpOwner",
      "proof: ContentTooLarge",
      "proof: UnsupportedContent",
      "proof: TransitionNotAllowed",
      "approve: ok",
      "approve: TransitionNotAllowed",
      "approve: PersistenceUnavailable",
      "reject: ok",
      "cancel: ok",
      "grant: ok",
      "grant: ok (replay)",
      "grant: IdempotencyConflict",
      "clawback: ok",
      "clawback: InsufficientFunds",
      "spend: ok",
      "spend: ok (replay)",
      "spend: WeeklyBudgetExceeded",
      "spend: InsufficientFunds",
      "spend: IdempotencyConflict",
      "spend: PersistenceUnavailable",
      "consultation: ok",
      "consultation: ok (replay)",
      "consultation: IdempotencyConflict",
      "payout: ok",
      "payout: InsufficientFunds",
      "budget: ok",
    ]) {
      expect(seen.get(outcome) ?? 0, outcome).toBeGreaterThan(0)
    }
  })
})
