import { Health } from "@fundi/core"
import type { Command } from "commander"
import { writeFields, writeJson } from "../output.ts"
import type { Session } from "../session.ts"
import { type JsonOptions, withJson } from "./common.ts"

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
      "the marketplace policy every process on this database runs (recorded by the first to open it); --replace makes FUNDI_POLICY's the marketplace's",
    )
    .option("--replace", "record this process's FUNDI_POLICY as the marketplace's policy")
    .action(async (options: JsonOptions & { readonly replace?: boolean }) => {
      const replace = options.replace === true
      const fundi = await session.fundi({ replacePolicy: replace, create: true })
      const { policy } = fundi.config
      const before = fundi.policyBefore
      if (options.json) {
        writeJson(session.io.stdout, {
          policy: policy.name,
          model: policy.model,
          replaced: replace && before !== undefined,
          before: before === undefined ? null : { policy: before.name, model: before.model },
        })
        return
      }
      if (replace && before !== undefined) {
        session.io.stdout.write(
          `the marketplace now runs "${policy.name}" (was "${before.name}"): restart the server and workers so they run it too\n`,
        )
      }
      writeFields(session.io.stdout, [
        ["policy", policy.name],
        ["model", policy.model],
        ["brand", policy.brand],
      ])
    })
}
