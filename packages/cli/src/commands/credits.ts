import type { FundiServices } from "@fundi/adapters"
import { type AdjustCreditsInput, clawbackCredits, grantCredits, type Transfer } from "@fundi/core"
import type { Command } from "commander"
import type { Effect } from "effect"
import { formatCredits } from "../money.ts"
import { transferFields, transferJson, writeFields, writeJson } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type MutatingOptions, mutatingCommand, parseCredits, providerLabels } from "./common.ts"

interface AdjustOptions extends MutatingOptions {
  readonly credits: number
  readonly idempotencyKey?: string
  readonly lead?: string
}

export const registerCredits = (ops: Command, session: Session): void => {
  const credits = ops
    .command("credits")
    .description("give credits to a provider or take them back, outside a top-up")

  const adjust = (
    name: string,
    description: string,
    useCase: (input: AdjustCreditsInput) => Effect.Effect<Transfer, unknown, FundiServices>,
    done: (t: Transfer, provider: string) => string,
  ) =>
    mutatingCommand(credits.command(name))
      .description(description)
      .argument("<provider>", "party id of the provider (pty_…)")
      .requiredOption("--credits <n>", "how many credits (1-1000000)", parseCredits)
      .option("--lead <id>", "the lead this is about (e.g. refunding an invalid lead)")
      .option(
        "--idempotency-key <key>",
        "names this change: repeating the command with the same key never applies it twice",
      )
      .action(async (provider: string, options: AdjustOptions) => {
        const operator = operatorName(options.as, session.io.env)
        const transfer = await session.execute(
          useCase({
            partyId: provider,
            credits: options.credits,
            operator,
            reason: options.reason,
            ...(options.idempotencyKey !== undefined && {
              idempotencyKey: options.idempotencyKey,
            }),
            ...(options.lead !== undefined && { leadId: options.lead }),
          }),
          providerLabels(provider),
        )
        if (options.json) {
          writeJson(session.io.stdout, { transfer: transferJson(transfer) })
          return
        }
        session.io.stdout.write(`${done(transfer, provider)}\n`)
        writeFields(session.io.stdout, transferFields(transfer), "  ")
      })

  adjust(
    "grant",
    "give credits (goodwill, a refund for an invalid lead); audited with --reason",
    grantCredits,
    (t, provider) => `granted ${formatCredits(t.amount)} to ${provider}`,
  )
  adjust(
    "clawback",
    "take credits back (a grant made in error); refused if the provider holds fewer",
    clawbackCredits,
    (t, provider) => `clawed back ${formatCredits(t.amount)} from ${provider}`,
  )
}
