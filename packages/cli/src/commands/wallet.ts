import {
  getStatement,
  getWallet,
  payOutEarnings,
  type StatementInput,
  type StatementLine,
} from "@fundi/core"
import { type Command, Option } from "commander"
import { formatAmount, formatChange, formatMoney } from "../money.ts"
import {
  shortTime,
  statementLineJson,
  transferFields,
  transferJson,
  truncate,
  walletFields,
  walletJson,
  writeFields,
  writeJson,
  writeTable,
} from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import {
  type MutatingOptions,
  mutatingCommand,
  type OpsOptions,
  opsCommand,
  parseLimit,
  parseMinorUnits,
  providerLabels,
} from "./common.ts"

interface StatementOptions extends OpsOptions {
  readonly wallet: "credits" | "earnings"
  readonly limit?: number
}

/** What caused a line, for tracing it back: the top-up, lead or consultation it came from. */
const cause = (line: StatementLine): string => {
  const l = line.transfer.links
  const linked = [l.topUpId, l.leadId, l.requestId, l.jobId, l.consultationId].filter(
    (x): x is string => x !== undefined,
  )
  const memo = line.transfer.memo === undefined ? [] : [truncate(line.transfer.memo, 50)]
  return [...linked, ...memo].join(" ") || "-"
}

export const registerWallet = (ops: Command, session: Session): void => {
  const wallet = ops
    .command("wallet")
    .description("a provider's wallets: credits to spend on leads, and earnings to be paid out")

  opsCommand(wallet.command("show"))
    .description("credit balance, earnings and the weekly credit budget")
    .argument("<provider>", "party id of the provider (pty_…)")
    .action(async (provider: string, options: OpsOptions) => {
      operatorName(options.as, session.io.env)
      const view = await session.execute(getWallet({ partyId: provider }), providerLabels(provider))
      if (options.json) {
        writeJson(session.io.stdout, { wallet: walletJson(view) })
        return
      }
      writeFields(session.io.stdout, walletFields(view))
    })

  opsCommand(wallet.command("statement"))
    .description("every movement of one wallet, newest first, with the balance after each")
    .argument("<provider>", "party id of the provider (pty_…)")
    .addOption(
      new Option("--wallet <wallet>", "which wallet")
        .choices(["credits", "earnings"])
        .default("credits"),
    )
    .option("--limit <n>", "at most this many lines (1-1000, default 50)", parseLimit)
    .action(async (provider: string, options: StatementOptions) => {
      operatorName(options.as, session.io.env)
      const input: StatementInput = {
        partyId: provider,
        wallet: options.wallet,
        limit: options.limit ?? 50,
      }
      const lines = await session.execute(getStatement(input), providerLabels(provider))
      if (options.json) {
        writeJson(session.io.stdout, {
          partyId: provider,
          wallet: options.wallet,
          lines: lines.map(statementLineJson),
        })
        return
      }
      writeTable(
        session.io.stdout,
        lines,
        [
          { header: "AT", cell: (l) => shortTime(l.transfer.createdAt) },
          { header: "REASON", cell: (l) => l.transfer.reason },
          {
            header: "CHANGE",
            cell: (l) => formatChange(l.change, l.transfer.unit),
            align: "right",
          },
          {
            header: "BALANCE",
            cell: (l) => formatAmount(l.balanceAfter, l.transfer.unit),
            align: "right",
          },
          { header: "FOR", cell: cause },
          { header: "TRANSFER", cell: (l) => l.transfer.id },
        ],
        `no movements in the ${options.wallet} wallet of ${provider}`,
      )
    })
}

interface PayoutOptions extends MutatingOptions {
  readonly amount: string
  readonly idempotencyKey?: string
}

export const registerEarnings = (ops: Command, session: Session): void => {
  const earnings = ops
    .command("earnings")
    .description("a provider's earnings wallet: money owed to them, paid out by ops")

  mutatingCommand(earnings.command("payout"))
    .description(
      "record that earnings were paid to the provider (e.g. by bank transfer); the wallet goes down by the amount",
    )
    .argument("<provider>", "party id of the provider (pty_…)")
    .requiredOption(
      "--amount <minor>",
      "how much, in minor units of the currency (cents: 12345 is 123.45)",
      parseMinorUnits,
    )
    .option(
      "--idempotency-key <key>",
      "names this payout: repeating the command with the same key never pays twice",
    )
    .action(async (provider: string, options: PayoutOptions) => {
      const operator = operatorName(options.as, session.io.env)
      const transfer = await session.execute(
        payOutEarnings({
          partyId: provider,
          amountMinor: options.amount,
          operator,
          reason: options.reason,
          ...(options.idempotencyKey !== undefined && { idempotencyKey: options.idempotencyKey }),
        }),
        providerLabels(provider),
      )
      if (options.json) {
        writeJson(session.io.stdout, { transfer: transferJson(transfer) })
        return
      }
      session.io.stdout.write(
        `paid out ${formatMoney(transfer.amount, transfer.unit)} from the earnings of ${provider}\n`,
      )
      writeFields(session.io.stdout, transferFields(transfer), "  ")
    })
}
