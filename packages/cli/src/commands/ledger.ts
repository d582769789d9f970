import { checkLedger, type LedgerCheckReport } from "@fundi/core"
import type { Command } from "commander"
import { Refused } from "../errors.ts"
import { formatAmount } from "../money.ts"
import { ledgerCheckJson, type Writer, writeJson } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type OpsOptions, opsCommand } from "./common.ts"

/** One line per broken invariant, naming the account or transfer, so ops know where to look. */
export const violations = (r: LedgerCheckReport): ReadonlyArray<string> => [
  ...r.unbalancedUnits.map(
    (u) =>
      `unit ${u.unit} does not sum to zero: its accounts add up to ${formatAmount(u.sum, u.unit)}`,
  ),
  ...r.overdrawn.map(
    (o) =>
      `account ${o.accountId} is overdrawn: balance ${o.balance} (no_overdraft accounts never go below zero)`,
  ),
  ...r.driftedBalances.map(
    (d) =>
      `account ${d.accountId} has drifted: stored balance ${d.stored}, its transfers add up to ${d.fromTransfers}`,
  ),
  ...r.malformedTransfers.map((m) => `transfer ${m.transferId} is malformed: ${m.problem}`),
]

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`

const printText = (out: Writer, r: LedgerCheckReport, problems: ReadonlyArray<string>): void => {
  const counted = `${count(r.accounts, "account")}, ${count(r.transfers, "transfer")}`
  if (problems.length === 0) {
    out.write(
      `ledger ok: ${counted}; every unit sums to zero, no account is overdrawn, stored balances match the transfers\n`,
    )
    return
  }
  out.write(`ledger NOT ok: ${counted}; ${count(problems.length, "problem")}:\n`)
  for (const p of problems) out.write(`  - ${p}\n`)
}

export const registerLedger = (ops: Command, session: Session): void => {
  const ledger = ops.command("ledger").description("the double-entry ledger behind every wallet")

  opsCommand(ledger.command("check"))
    .description(
      "verify every invariant over the whole database; exits 1 and names the accounts when one fails",
    )
    .action(async (options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const report = await session.execute(checkLedger({}))
      const problems = violations(report)
      if (options.json) writeJson(session.io.stdout, ledgerCheckJson(report))
      else printText(session.io.stdout, report, problems)
      // The report is printed either way; the exit code is what scripts and CI branch on.
      if (!report.ok || problems.length > 0) {
        throw new Refused(
          `the ledger check failed: ${count(problems.length, "problem")}`,
          "hint: nothing was changed; the accounts named above need a look before more money moves",
        )
      }
    })
}
