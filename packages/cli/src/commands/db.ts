import type { PolicyReplacement } from "@fundi/adapters"
import { Health, OperatorName, Reason, toInvalidInput } from "@fundi/core"
import type { Command } from "commander"
import { Result, Schema } from "effect"
import { defaultLabels, Refused, UsageError } from "../errors.ts"
import { writeFields, writeJson } from "../output.ts"
import { operatorName, type Session } from "../session.ts"
import { type JsonOptions, type OpsOptions, withJson } from "./common.ts"

interface PolicyOptions extends OpsOptions {
  readonly replace?: boolean
  readonly reason?: string
}

const Replacement = Schema.Struct({ operator: OperatorName, reason: Reason })

/**
 * Who replaces the policy and why, checked before the database is opened: replacing it is
 * an ops action like any other, audited with the operator and the reason.
 */
const replacementOf = (options: PolicyOptions, env: Session["io"]["env"]) => {
  if (options.replace !== true) {
    if (options.reason !== undefined) {
      throw new UsageError(
        "--reason goes with --replace: showing the policy changes nothing",
        "hint: fundi db policy --replace --reason TEXT --as NAME",
      )
    }
    return undefined
  }
  if (options.reason === undefined) {
    throw new UsageError(
      "--replace needs --reason TEXT: replacing the marketplace's policy is recorded in the audit log, with why",
      'hint: fundi db policy --replace --reason "we sell leads for credits from today" --as NAME',
    )
  }
  const decoded = Schema.decodeUnknownResult(Replacement)({
    operator: operatorName(options.as, env),
    reason: options.reason,
  })
  if (Result.isFailure(decoded)) {
    const issue = toInvalidInput(decoded.failure.issue).issues[0]
    const field = issue?.path.split(/[.[]/)[0] ?? ""
    // Bad input, as on every ops command (exit 1); a missing flag is the command line's (2).
    throw new Refused(`${defaultLabels[field] ?? field}: ${issue?.message ?? "is not valid"}`)
  }
  return decoded.success satisfies PolicyReplacement
}

export const registerDb = (program: Command, session: Session): void => {
  const db = program.command("db").description("the database")
  withJson(db.command("migrate"))
    .description("bring the database schema up to date and check that the database answers")
    .action(async (options: JsonOptions) => {
      // Opening applies every pending migration (in one transaction, under a lock), so a
      // successful open means the schema is current; the health check proves it answers.
      const fundi = await session.fundi({ migrate: true, create: true })
      await session.execute(Health.use((health) => health.checkDatabase))
      if (options.json) {
        writeJson(session.io.stdout, {
          database: fundi.database,
          schema: "up-to-date",
          migrationsApplied: fundi.migrationsApplied,
          reachable: true,
        })
        return
      }
      session.io.stdout.write("the database schema is up to date\n")
      writeFields(session.io.stdout, [
        ["database", fundi.database],
        [
          "applied now",
          fundi.migrationsApplied.length === 0
            ? "nothing (already current)"
            : fundi.migrationsApplied.join(", "),
        ],
        ["reachable", "yes"],
      ])
    })

  withJson(db.command("policy"))
    .description(
      "the marketplace policy every process on this database runs (recorded by the first to open it); --replace makes FUNDI_POLICY's the marketplace's, audited with --reason",
    )
    .option("--replace", "record this process's FUNDI_POLICY as the marketplace's policy")
    .option("--reason <text>", "with --replace: why, kept in the audit log")
    .option("--as <name>", "with --replace: operator name for the audit log (or FUNDI_OPERATOR)")
    .action(async (options: PolicyOptions) => {
      const replacement = replacementOf(options, session.io.env)
      const fundi = await session.fundi({
        ...(replacement === undefined ? {} : { replacePolicy: replacement }),
        create: true,
      })
      const { policy } = fundi.config
      const before = fundi.policyBefore
      if (options.json) {
        writeJson(session.io.stdout, {
          policy: policy.name,
          model: policy.model,
          replaced: replacement !== undefined && before !== undefined,
          before: before === undefined ? null : { policy: before.name, model: before.model },
          audited:
            replacement === undefined
              ? null
              : { operator: replacement.operator, reason: replacement.reason },
        })
        return
      }
      if (replacement !== undefined) {
        session.io.stdout.write(
          `${
            before === undefined
              ? `the marketplace now runs "${policy.name}"`
              : `the marketplace now runs "${policy.name}" (was "${before.name}")`
          }: restart the server and workers so they run it too; in the audit log as ${replacement.operator}'s (fundi ops audit --subject marketplace)\n`,
        )
      }
      writeFields(session.io.stdout, [
        ["policy", policy.name],
        ["model", policy.model],
        ["brand", policy.brand],
      ])
    })
}
