import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sampleJpeg, samplePdf } from "@fundi/adapters/testing"
import { Ledger, type LedgerCheckReport, subscriptionPreset } from "@fundi/core"
import { Effect, Layer } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { type Harness, json, makeHarness } from "../testing/cli-harness.ts"

interface TopUpDoc {
  readonly id: string
  readonly partyId: string
  readonly reference: string
  readonly state: string
  readonly credits: number
  readonly amountMinor: string
  readonly currency: string
  readonly proof: { contentType: string; size: number; sha256: string } | null
  readonly decidedBy: string | null
  readonly rejectionReason: string | null
}
interface WalletDoc {
  readonly partyId: string
  readonly currency: string
  readonly credits: string
  readonly earningsMinor: string
  readonly weeklyCreditBudget: number | null
}
interface LineDoc {
  readonly transferId: string
  readonly reason: string
  readonly unit: string
  readonly change: string
  readonly balanceAfter: string
  readonly links: { topUpId: string | null }
}
interface TransferDoc {
  readonly id: string
  readonly amount: string
  readonly unit: string
  readonly reason: string
}

let h: Harness
afterEach(() => h.dispose())

const as = ["--as", "alice"]
const why = (text: string) => ["--reason", text]

const wallet = async (partyId: string): Promise<WalletDoc> =>
  json<{ wallet: WalletDoc }>(await h.cli(["ops", "wallet", "show", partyId, ...as, "--json"]))
    .wallet

const freshDir = () => mkdtempSync(join(tmpdir(), "fundi-cli-"))

describe("top-ups from the CLI", () => {
  it("lists a top-up awaiting review, opens its proof, approves it: the credits arrive", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820001001", "Thandi Nkosi")
    const proof = samplePdf("EFT R500 ref ABC")
    const topUp = await h.topUp(partyId, 50, { proof })

    const queue = await h.cli(["ops", "topups", "list", ...as])
    expect(queue.code).toBe(0)
    expect(queue.stdout).toMatch(/^ID\s+REFERENCE\s+STATE\s+PROVIDER\s+CREDITS\s+AMOUNT/)
    expect(queue.stdout).toMatch(
      new RegExp(
        `${topUp.id}\\s+${topUp.reference}\\s+proof_submitted\\s+Thandi Nkosi\\s+50\\s+ZAR 500.00\\s+eft_proof\\s+application/pdf`,
      ),
    )

    const dir = freshDir()
    const file = join(dir, "proof.pdf")
    const shown = await h.cli(["ops", "topups", "show", topUp.id, "--proof-out", file, ...as])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`reference:`)
    expect(shown.stdout).toContain(topUp.reference)
    expect(shown.stdout).toMatch(/amount:\s+ZAR 500\.00/)
    expect(shown.stdout).toContain(`proof written to ${file} (application/pdf,`)
    expect(shown.stderr).toBe("")
    expect(new Uint8Array(readFileSync(file))).toEqual(proof)

    const approved = await h.cli([
      "ops",
      "topups",
      "approve",
      topUp.id,
      ...as,
      ...why("matched bank statement line 42"),
    ])
    expect(approved.stderr).toBe("")
    expect(approved.code).toBe(0)
    expect(approved.stdout).toContain(
      `approved top-up ${topUp.id} (${topUp.reference}): 50 credits added to ${partyId}`,
    )

    expect((await wallet(partyId)).credits).toBe("50")
    const text = await h.cli(["ops", "wallet", "show", partyId, ...as])
    expect(text.stdout).toMatch(/credits:\s+50 credits/)
    expect(text.stdout).toMatch(/earnings:\s+ZAR 0\.00/)

    const statement = json<{ lines: ReadonlyArray<LineDoc> }>(
      await h.cli(["ops", "wallet", "statement", partyId, ...as, "--json"]),
    ).lines
    expect(statement).toHaveLength(1)
    expect(statement[0]).toMatchObject({
      reason: "topup",
      unit: "CREDIT",
      change: "50",
      balanceAfter: "50",
      links: { topUpId: topUp.id },
    })
    const table = await h.cli(["ops", "wallet", "statement", partyId, ...as])
    expect(table.stdout).toMatch(/^AT\s+REASON\s+CHANGE\s+BALANCE\s+FOR\s+TRANSFER\n/)
    expect(table.stdout).toMatch(new RegExp(`topup\\s+\\+50 credits\\s+50 credits\\s+${topUp.id}`))

    // Decided: out of the default queue, still there with --all.
    const after = await h.cli(["ops", "topups", "list", ...as])
    expect(after.stdout).toBe("no top-ups match\n")
    const all = json<{ topUps: ReadonlyArray<{ topUp: TopUpDoc }> }>(
      await h.cli(["ops", "topups", "list", "--all", ...as, "--json"]),
    ).topUps
    expect(all.map((v) => [v.topUp.id, v.topUp.state, v.topUp.decidedBy])).toEqual([
      [topUp.id, "approved", "alice"],
    ])

    const audit = json<{ entries: ReadonlyArray<{ actor: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--subject", topUp.id, ...as, "--json"]),
    ).entries
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: "alice", reason: "matched bank statement line 42" }),
    )
  })

  it("approving twice is refused and adds nothing the second time", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820001002", "Twice")
    const topUp = await h.topUp(partyId, 10)
    const first = await h.cli(["ops", "topups", "approve", topUp.id, ...as, ...why("paid")])
    expect(first.code).toBe(0)
    const second = await h.cli(["ops", "topups", "approve", topUp.id, ...as, ...why("paid")])
    expect(second.code).toBe(1)
    expect(second.stdout).toBe("")
    expect(second.stderr).toMatch(/^error: .*approved.*\n$/)
    expect((await wallet(partyId)).credits).toBe("10")
  })

  it("a top-up without a proof cannot be approved, and has no proof to write", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820001003", "No Proof")
    const topUp = await h.topUp(partyId, 10, { proof: null })
    const approve = await h.cli(["ops", "topups", "approve", topUp.id, ...as, ...why("x")])
    expect(approve.code).toBe(1)
    expect(approve.stderr).toContain("awaiting_proof")

    const file = join(freshDir(), "proof.pdf")
    const show = await h.cli(["ops", "topups", "show", topUp.id, "--proof-out", file, ...as])
    expect(show.code).toBe(1)
    expect(show.stderr).toMatch(/^error: .*proof.*\n/)
    expect(existsSync(file)).toBe(false)
  })

  it("rejects a top-up with the reason; no credits arrive", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820001004", "Rejected")
    const topUp = await h.topUp(partyId, 20)
    const rejected = await h.cli([
      "ops",
      "topups",
      "reject",
      topUp.id,
      ...as,
      ...why("no payment with this reference"),
      "--json",
    ])
    expect(rejected.code).toBe(0)
    const doc = json<{ topUp: TopUpDoc }>(rejected).topUp
    expect(doc.state).toBe("rejected")
    expect(doc.rejectionReason).toBe("no payment with this reference")
    expect((await wallet(partyId)).credits).toBe("0")
  })

  it("--proof-out never overwrites a file, and says when the name hides the type", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820001005", "Photo Proof")
    const topUp = await h.topUp(partyId, 10, { proof: sampleJpeg("slip") })
    const dir = freshDir()
    const existing = join(dir, "keep.jpg")
    writeFileSync(existing, "precious")
    const refused = await h.cli(["ops", "topups", "show", topUp.id, "--proof-out", existing, ...as])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toBe("")
    expect(refused.stderr).toBe(
      `error: --proof-out: ${existing} already exists\nhint: choose another file name, or remove that file first\n`,
    )
    expect(readFileSync(existing, "utf8")).toBe("precious")

    const misnamed = join(dir, "proof.pdf")
    const written = await h.cli(["ops", "topups", "show", topUp.id, "--proof-out", misnamed, ...as])
    expect(written.code).toBe(0)
    expect(written.stderr).toContain("note: the proof is image/jpeg: name the file .jpg")
    expect(new Uint8Array(readFileSync(misnamed))).toEqual(sampleJpeg("slip"))

    const asJson = json<{ topUp: TopUpDoc; proofFile: string | null }>(
      await h.cli([
        "ops",
        "topups",
        "show",
        topUp.id,
        "--proof-out",
        join(dir, "again.jpg"),
        ...as,
        "--json",
      ]),
    )
    expect(asJson.proofFile).toBe(join(dir, "again.jpg"))
    expect(asJson.topUp.proof?.contentType).toBe("image/jpeg")
  })

  it("filters by state and provider; --all and --state do not mix", async () => {
    h = makeHarness()
    const one = await h.provider("+27820001006", "One")
    const two = await h.provider("+27820001007", "Two")
    const waiting = await h.topUp(one, 10, { proof: null })
    const submitted = await h.topUp(two, 15)
    type ListDoc = { topUps: ReadonlyArray<{ topUp: TopUpDoc }> }
    const ids = async (...args: string[]) =>
      json<ListDoc>(await h.cli(["ops", "topups", "list", ...as, "--json", ...args])).topUps.map(
        (v) => v.topUp.id,
      )
    expect((await ids()).sort()).toEqual([waiting.id, submitted.id].sort())
    expect(await ids("--state", "proof_submitted")).toEqual([submitted.id])
    expect(await ids("--provider", one)).toEqual([waiting.id])
    expect(await ids("--limit", "1")).toHaveLength(1)

    const bad = await h.cli(["ops", "topups", "list", "--state", "pending", ...as])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"pending" is not one of awaiting_proof')
    const both = await h.cli(["ops", "topups", "list", "--all", "--state", "approved", ...as])
    expect(both.code).toBe(2)
  })

  it("an unknown or malformed top-up id is named: exit 1", async () => {
    h = makeHarness()
    const unknown = "tpu_00000000000000000000"
    const missing = await h.cli(["ops", "topups", "show", unknown, ...as])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(
      `error: no top-up ${unknown}\nhint: \`fundi ops topups list --all\` lists every top-up with its id\n`,
    )
    const malformed = await h.cli(["ops", "topups", "approve", "nope", ...as, ...why("x")])
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toBe(
      `error: ID "nope": must be a top-up id: "tpu_" then 20 letters and digits (lower case, no i, l, o or u)\n`,
    )
  })
})

describe("credits from the CLI", () => {
  it("grants and claws back, audited; clawing back more than the balance is refused", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820002001", "Granted")
    const granted = await h.cli([
      "ops",
      "credits",
      "grant",
      partyId,
      "--credits",
      "12",
      ...as,
      ...why("goodwill after a bad lead"),
    ])
    expect(granted.stderr).toBe("")
    expect(granted.code).toBe(0)
    expect(granted.stdout).toContain(`granted 12 credits to ${partyId}`)

    const clawed = json<{ transfer: TransferDoc }>(
      await h.cli([
        "ops",
        "credits",
        "clawback",
        partyId,
        "--credits",
        "5",
        ...as,
        ...why("granted twice by mistake"),
        "--json",
      ]),
    ).transfer
    expect(clawed).toMatchObject({ amount: "5", unit: "CREDIT", reason: "clawback" })
    expect((await wallet(partyId)).credits).toBe("7")

    const tooMuch = await h.cli([
      "ops",
      "credits",
      "clawback",
      partyId,
      "--credits",
      "8",
      ...as,
      ...why("x"),
    ])
    expect(tooMuch.code).toBe(1)
    expect(tooMuch.stdout).toBe("")
    expect(tooMuch.stderr).toContain("error: not enough in ")
    expect(tooMuch.stderr).toContain("it holds 7 credits, 8 credits needed")
    expect(tooMuch.stderr).toContain("hint: see the balance with `fundi ops wallet show PROVIDER`")
    expect((await wallet(partyId)).credits).toBe("7")

    const statement = json<{ lines: ReadonlyArray<LineDoc> }>(
      await h.cli(["ops", "wallet", "statement", partyId, ...as, "--json"]),
    ).lines
    expect(statement.map((l) => [l.reason, l.change, l.balanceAfter])).toEqual([
      ["clawback", "-5", "7"],
      ["grant", "12", "12"],
    ])
    const audit = json<{ entries: ReadonlyArray<{ actor: string; reason: string | null }> }>(
      await h.cli(["ops", "audit", "--actor", "alice", ...as, "--json"]),
    ).entries
    expect(audit.map((e) => e.reason)).toEqual(
      expect.arrayContaining(["goodwill after a bad lead", "granted twice by mistake"]),
    )
  })

  it("an idempotency key grants once; reusing it for a different grant is refused", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820002002", "Once")
    const grant = (credits: string) =>
      h.cli([
        "ops",
        "credits",
        "grant",
        partyId,
        "--credits",
        credits,
        "--idempotency-key",
        "ticket-981",
        ...as,
        ...why("refund ticket 981"),
      ])
    expect((await grant("3")).code).toBe(0)
    expect((await grant("3")).code).toBe(0)
    expect((await wallet(partyId)).credits).toBe("3")
    const conflict = await grant("4")
    expect(conflict.code).toBe(1)
    expect(conflict.stderr).toContain("was already made with different details")
    expect(conflict.stderr).toContain("hint: an --idempotency-key names one change")
    expect((await wallet(partyId)).credits).toBe("3")
  })

  it("bad --credits is a usage error naming the flag: exit 2", async () => {
    h = makeHarness()
    for (const credits of ["0", "-3", "2.5", "lots", "1000001"]) {
      const result = await h.cli([
        "ops",
        "credits",
        "grant",
        "pty_00000000000000000000",
        "--credits",
        credits,
        ...as,
        ...why("x"),
      ])
      expect(result.code, credits).toBe(2)
      expect(result.stderr).toContain("--credits")
      expect(result.stderr).toContain("must be a whole number of credits from 1 to 1000000")
    }
    const missing = await h.cli(["ops", "credits", "grant", "pty_00000000000000000000", ...as])
    expect(missing.code).toBe(2)
    expect(h.opened).toBe(0)
  })

  it("only providers have wallets", async () => {
    h = makeHarness()
    const partyId = await h.customer("+27820002003")
    const result = await h.cli(["ops", "wallet", "show", partyId, ...as])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`party ${partyId} is not a provider`)
    const grant = await h.cli([
      "ops",
      "credits",
      "grant",
      partyId,
      "--credits",
      "1",
      ...as,
      ...why("x"),
    ])
    expect(grant.code).toBe(1)
    expect(grant.stderr).toContain("is not a provider")
  })

  it("a malformed provider id names the PROVIDER argument", async () => {
    h = makeHarness()
    const result = await h.cli(["ops", "wallet", "show", "app_1", ...as])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `error: PROVIDER "app_1": must be a party id: "pty_" then 20 letters and digits (lower case, no i, l, o or u)\n`,
    )
  })
})

describe("earnings from the CLI", () => {
  it("shows consultation earnings less the platform fee, and pays them out", async () => {
    h = makeHarness({ policy: subscriptionPreset })
    const partyId = await h.provider("+27820003001", "Earner")
    // 15% platform fee in the subscription preset: R100.00 gross, R85.00 to the provider.
    await h.earn(partyId, 10_000n, "consult-1")
    expect((await wallet(partyId)).earningsMinor).toBe("8500")
    const shown = await h.cli(["ops", "wallet", "show", partyId, ...as])
    expect(shown.stdout).toMatch(/earnings:\s+ZAR 85\.00/)

    const paid = await h.cli([
      "ops",
      "earnings",
      "payout",
      partyId,
      "--amount",
      "5000",
      ...as,
      ...why("EFT batch 2026-03-14"),
    ])
    expect(paid.stderr).toBe("")
    expect(paid.code).toBe(0)
    expect(paid.stdout).toContain(`paid out ZAR 50.00 from the earnings of ${partyId}`)
    expect((await wallet(partyId)).earningsMinor).toBe("3500")

    const lines = json<{ lines: ReadonlyArray<LineDoc> }>(
      await h.cli(["ops", "wallet", "statement", partyId, "--wallet", "earnings", ...as, "--json"]),
    ).lines
    expect(lines[0]).toMatchObject({ reason: "earnings_payout", change: "-5000", unit: "ZAR" })
    const table = await h.cli([
      "ops",
      "wallet",
      "statement",
      partyId,
      "--wallet",
      "earnings",
      ...as,
    ])
    expect(table.stdout).toMatch(/earnings_payout\s+-ZAR 50\.00\s+ZAR 35\.00/)

    const overdraw = await h.cli([
      "ops",
      "earnings",
      "payout",
      partyId,
      "--amount",
      "3501",
      ...as,
      ...why("x"),
    ])
    expect(overdraw.code).toBe(1)
    expect(overdraw.stderr).toContain("it holds ZAR 35.00, ZAR 35.01 needed")
  })

  it("an amount with a decimal point is refused with the minor units to write instead", async () => {
    h = makeHarness()
    const result = await h.cli([
      "ops",
      "earnings",
      "payout",
      "pty_00000000000000000000",
      "--amount",
      "12.5",
      ...as,
      ...why("x"),
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("is in minor units (cents), not 12.5: write 1250 for 12.50")
  })

  it("an empty wallet statement says so", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820003002", "Nothing Yet")
    const result = await h.cli([
      "ops",
      "wallet",
      "statement",
      partyId,
      "--wallet",
      "earnings",
      ...as,
    ])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`no movements in the earnings wallet of ${partyId}\n`)
    expect(json(await h.cli(["ops", "wallet", "statement", partyId, ...as, "--json"]))).toEqual({
      partyId,
      wallet: "credits",
      lines: [],
    })
  })
})

describe("--json for wallets", () => {
  it("amounts are strings of digits, counts are numbers, every key always there", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820004001", "Keys")
    const doc = json<{ wallet: Record<string, unknown> }>(
      await h.cli(["ops", "wallet", "show", partyId, ...as, "--json"]),
    )
    expect(Object.keys(doc)).toEqual(["wallet"])
    expect(Object.keys(doc.wallet)).toEqual([
      "partyId",
      "currency",
      "credits",
      "earningsMinor",
      "weeklyCreditBudget",
      "spentThisWeek",
      "weekEndsAt",
    ])
    expect(doc.wallet).toMatchObject({
      partyId,
      currency: "ZAR",
      credits: "0",
      earningsMinor: "0",
      weeklyCreditBudget: null,
      spentThisWeek: 0,
    })
    expect(doc.wallet.weekEndsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

    const topUp = await h.topUp(partyId, 7)
    const shown = json<{ topUp: Record<string, unknown>; party: unknown; proofFile: unknown }>(
      await h.cli(["ops", "topups", "show", topUp.id, ...as, "--json"]),
    )
    expect(Object.keys(shown)).toEqual(["topUp", "party", "proofFile"])
    expect(shown.proofFile).toBeNull()
    expect(Object.keys(shown.topUp)).toEqual([
      "id",
      "partyId",
      "reference",
      "method",
      "state",
      "credits",
      "amountMinor",
      "currency",
      "proof",
      "createdAt",
      "decidedAt",
      "decidedBy",
      "rejectionReason",
      "updatedAt",
    ])
    expect(shown.topUp).toMatchObject({ credits: 7, amountMinor: "7000", currency: "ZAR" })
  })
})

describe("fundi ops ledger check", () => {
  it("passes on a ledger the use cases wrote: exit 0", async () => {
    h = makeHarness()
    const partyId = await h.provider("+27820005001", "Checked")
    const topUp = await h.topUp(partyId, 30)
    await h.cli(["ops", "topups", "approve", topUp.id, ...as, ...why("paid")])
    await h.cli(["ops", "credits", "clawback", partyId, "--credits", "4", ...as, ...why("x")])

    const text = await h.cli(["ops", "ledger", "check", ...as])
    expect(text.stderr).toBe("")
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^ledger ok: \d+ accounts, \d+ transfers?; every unit sums to zero/)

    const doc = json<Record<string, unknown>>(
      await h.cli(["ops", "ledger", "check", ...as, "--json"]),
    )
    // The approval and the claw-back at least; how many legs each takes is the core's business.
    expect(doc.transfers).toBeGreaterThanOrEqual(2)
    expect(doc).toMatchObject({
      ok: true,
      unbalancedUnits: [],
      overdrawn: [],
      driftedBalances: [],
      malformedTransfers: [],
    })
  })

  it("exits 1 and names every offending account when an invariant fails", async () => {
    const broken: LedgerCheckReport = {
      ok: false,
      accounts: 4,
      transfers: 9,
      unbalancedUnits: [{ unit: "CREDIT", sum: 3n }],
      overdrawn: [{ accountId: "credits:pty_aaaaaaaaaaaaaaaaaaaa" as never, balance: -2n }],
      driftedBalances: [
        { accountId: "credits:pty_bbbbbbbbbbbbbbbbbbbb" as never, stored: 10n, fromTransfers: 7n },
      ],
      malformedTransfers: [{ transferId: "t-1", problem: "unit ZAR on a CREDIT account" }],
    }
    h = makeHarness({ override: ledgerReporting(broken) })

    const text = await h.cli(["ops", "ledger", "check", ...as])
    expect(text.code).toBe(1)
    expect(text.stdout).toContain("ledger NOT ok: 4 accounts, 9 transfers; 4 problems:")
    expect(text.stdout).toContain(
      "unit CREDIT does not sum to zero: its accounts add up to 3 credits",
    )
    expect(text.stdout).toContain(
      "account credits:pty_aaaaaaaaaaaaaaaaaaaa is overdrawn: balance -2",
    )
    expect(text.stdout).toContain(
      "account credits:pty_bbbbbbbbbbbbbbbbbbbb has drifted: stored balance 10, its transfers add up to 7",
    )
    expect(text.stdout).toContain("transfer t-1 is malformed: unit ZAR on a CREDIT account")
    expect(text.stderr).toContain("error: the ledger check failed: 4 problems")

    const asJson = await h.cli(["ops", "ledger", "check", ...as, "--json"])
    expect(asJson.code).toBe(1)
    expect(json(asJson)).toMatchObject({
      ok: false,
      unbalancedUnits: [{ unit: "CREDIT", sum: "3" }],
      overdrawn: [{ accountId: "credits:pty_aaaaaaaaaaaaaaaaaaaa", balance: "-2" }],
    })
  })
})

/** A ledger whose check finds the given problems; nothing else about it may be used. */
const ledgerReporting = (report: LedgerCheckReport): Layer.Layer<never> => {
  const unused = () => Effect.die("not used by ledger check")
  return Layer.succeed(
    Ledger,
    Ledger.of({
      openAccount: unused,
      findAccount: unused,
      transfer: unused,
      findTransfer: unused,
      balance: unused,
      statement: unused,
      debitedSince: unused,
      check: () => Effect.succeed(report),
    }),
  ) as Layer.Layer<never>
}
