import {
  AccountNotFound,
  ContentTooLarge,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidTransfer,
  NotAProvider,
  ObjectNotFound,
  TopUpNotFound,
  UnsupportedContent,
  WeeklyBudgetExceeded,
} from "@fundi/core"
import { Cause } from "effect"
import { describe, expect, it } from "vitest"
import { EffectFailure, ExitCode, Refused, report } from "./errors.ts"

const refusal = (error: unknown) => report(new EffectFailure(Cause.fail(error)), false)

describe("wallet and ledger refusals", () => {
  it("money in InsufficientFunds is shown with its currency and two decimals", () => {
    const r = refusal(
      new InsufficientFunds({
        accountId: "earnings:pty_x",
        balance: 3500n,
        requested: 123456789012345678n,
        unit: "ZAR",
      }),
    )
    expect(r.exitCode).toBe(ExitCode.failed)
    expect(r.lines[0]).toBe(
      "error: not enough in earnings:pty_x: it holds ZAR 35.00, ZAR 1,234,567,890,123,456.78 needed",
    )
    expect(r.lines[1]).toMatch(/^hint: /)
  })

  it("credits in InsufficientFunds are whole numbers", () => {
    const r = refusal(
      new InsufficientFunds({
        accountId: "credits:pty_x",
        balance: 1n,
        requested: 5n,
        unit: "CREDIT",
      }),
    )
    expect(r.lines[0]).toBe(
      "error: not enough in credits:pty_x: it holds 1 credit, 5 credits needed",
    )
  })

  it.each([
    [
      new WeeklyBudgetExceeded({
        budget: 20,
        spent: 18,
        requested: 5,
        resetsAt: Date.UTC(2026, 2, 16),
      }),
      /^error: this would spend 23 credits this week; the weekly budget is 20 \(it resets 2026-03-16T00:00:00\.000Z\)$/,
      /20 credits a week/,
    ],
    [new IdempotencyConflict({ transferId: "grant:k" }), /grant:k/, /idempotency-key/],
    [new TopUpNotFound({ topUpId: "tpu_x" }), /^error: no top-up tpu_x$/, /topups list --all/],
    [new NotAProvider({ partyId: "pty_x" }), /is not a provider/, /providers list/],
    [
      new AccountNotFound({ accountId: "credits:pty_x" }),
      /credits:pty_x.*never been used/,
      /first top-up/,
    ],
    [
      new UnsupportedContent({ detected: "image/gif", allowed: ["application/pdf"] }),
      /image\/gif/,
      /PDF, JPEG or PNG/,
    ],
    [new ObjectNotFound({ key: "proofs/k.pdf" }), /proofs\/k\.pdf is missing/, /FUNDI_FILES_DIR/],
  ] as const)("%s: one error line, then what to do", (error, line, hint) => {
    const r = refusal(error)
    expect(r.exitCode).toBe(ExitCode.failed)
    expect(r.lines).toHaveLength(2)
    expect(r.lines[0]).toMatch(line)
    expect(r.lines[1]).toMatch(/^hint: /)
    expect(r.lines[1]).toMatch(hint)
  })

  it("errors that say enough on their own are one line", () => {
    for (const error of [
      new ContentTooLarge({ size: 10, limit: 5 }),
      new InvalidTransfer({ transferId: "t", problem: "same account on both sides" }),
    ]) {
      const r = refusal(error)
      expect(r.lines).toEqual([`error: ${error.message}`])
      expect(r.exitCode).toBe(ExitCode.failed)
    }
  })

  it("a Refused command exits 1 with its hint", () => {
    expect(report(new Refused("it exists", "hint: pick another"), false)).toEqual({
      lines: ["error: it exists", "hint: pick another"],
      exitCode: ExitCode.failed,
    })
  })
})
