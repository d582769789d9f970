// `fundi` on the embedded database, as separate processes would run it: a fresh data
// directory, and a runner that calls the real `run` (real composition root) per command.
// For test files only.
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { run } from "../run.ts"

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A fresh directory for the embedded database and files, and the environment naming it. */
export const embeddedEnv = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return {
    dir,
    env: {
      FUNDI_DATABASE_URL: `pglite://${join(dir, "db")}`,
      FUNDI_FILES_DIR: join(dir, "files"),
      FUNDI_OPERATOR: "alice",
    } as Record<string, string>,
  }
}

/** Runs one `fundi` command with `env`, capturing what it prints and its exit code. */
export const runCli = async (
  env: Readonly<Record<string, string | undefined>>,
  args: ReadonlyArray<string>,
): Promise<CliResult> => {
  let stdout = ""
  let stderr = ""
  const code = await run(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
  })
  return { code, stdout, stderr }
}
