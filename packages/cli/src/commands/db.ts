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
      const fundi = await session.fundi({ migrate: true })
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
}
