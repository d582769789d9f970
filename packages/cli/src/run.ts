import { openFundi } from "@fundi/adapters"
import { Command, CommanderError } from "commander"
import { registerApplications } from "./commands/applications.ts"
import { registerAudit } from "./commands/audit.ts"
import { registerBackgroundCheck } from "./commands/background-check.ts"
import { registerConversations } from "./commands/conversations.ts"
import { registerCredits } from "./commands/credits.ts"
import { registerDb } from "./commands/db.ts"
import { registerDev } from "./commands/dev.ts"
import { registerDispatch } from "./commands/dispatch.ts"
import { registerLeads } from "./commands/leads.ts"
import { registerLedger } from "./commands/ledger.ts"
import { registerLinks } from "./commands/links.ts"
import { registerOutbox } from "./commands/outbox.ts"
import { registerPayments } from "./commands/payments.ts"
import { registerProviders } from "./commands/providers.ts"
import { registerRequests } from "./commands/requests.ts"
import { registerServe } from "./commands/serve.ts"
import { registerSubscriptions } from "./commands/subscriptions.ts"
import { registerTopUps } from "./commands/topups.ts"
import { registerEarnings, registerWallet } from "./commands/wallet.ts"
import { ExitCode, messageOf, report } from "./errors.ts"
import { escapingControls } from "./output.ts"
import { type Io, type Open, Session } from "./session.ts"

export type { Io, Open } from "./session.ts"

/** The whole command tree, bound to one session. */
export const buildProgram = (session: Session): Command => {
  const { io } = session
  const program = new Command("fundi")
    .description("Fundi: run and operate a WhatsApp-first home-services marketplace")
    // Commander must not call process.exit or print straight to the process streams: `run`
    // turns its errors into exit codes and the io decides where text goes.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text),
    })
    .showHelpAfterError("hint: add --help to see the usage")
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .hook("preAction", (_program, action) => {
      // Named in the message another process gets when the embedded database is busy.
      const path: string[] = []
      for (let c: Command | null = action; c !== null; c = c.parent) path.unshift(c.name())
      session.commandName = path.join(" ")
    })

  registerServe(program, session)
  registerDb(program, session)
  const ops = program
    .command("ops")
    .description(
      "operations: applications, requests, dispatch, leads, background checks, providers, wallets, top-ups, credits, subscriptions and payments, the ledger, audit log (--as NAME or FUNDI_OPERATOR says who you are)",
    )
  registerApplications(ops, session)
  registerRequests(ops, session)
  registerDispatch(ops, session)
  registerLeads(ops, session)
  registerBackgroundCheck(ops, session)
  registerProviders(ops, session)
  registerWallet(ops, session)
  registerTopUps(ops, session)
  registerCredits(ops, session)
  registerEarnings(ops, session)
  registerLedger(ops, session)
  registerAudit(ops, session)
  registerLinks(ops, session)
  registerConversations(ops, session)
  registerOutbox(ops, session)
  registerSubscriptions(ops, session)
  registerPayments(ops, session)
  registerDev(program, session)
  return program
}

/**
 * Runs one `fundi` command line and returns its exit code; never throws and never exits
 * the process, so tests drive it in-process with captured io and an in-memory runtime.
 */
export const run = async (
  argv: ReadonlyArray<string>,
  io: Io,
  open: Open = openFundi,
): Promise<number> => {
  // Whatever a command prints (user text included) reaches the terminal as text.
  const session = new Session(
    { ...io, stdout: escapingControls(io.stdout), stderr: escapingControls(io.stderr) },
    open,
  )
  try {
    await buildProgram(session).parseAsync([...argv], { from: "user" })
    return ExitCode.ok
  } catch (thrown) {
    if (thrown instanceof CommanderError) return commanderExit(thrown)
    const { lines, exitCode } = report(thrown, session.debug)
    for (const line of lines) session.io.stderr.write(`${line}\n`)
    return exitCode
  } finally {
    await session.close().catch((e: unknown) => {
      io.stderr.write(`warning: closing the database failed: ${messageOf(e)}\n`)
    })
  }
}

/** Commander has already printed its message (and the hint) on stderr. */
const commanderExit = (error: CommanderError): number => {
  switch (error.code) {
    case "commander.helpDisplayed":
    case "commander.version":
      return ExitCode.ok
    // `fundi ops` without a subcommand prints the help on stderr: a usage error.
    default:
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage
  }
}
