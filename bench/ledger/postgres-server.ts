import { spawnSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"

/**
 * A throwaway PostgreSQL server, started as .ci/run starts one: a temporary directory,
 * an unprivileged user when we are root (initdb refuses root), a random port on
 * loopback, trust authentication, fsync off. `stop` stops it and deletes the directory.
 */
export interface TempServer {
  readonly url: (database: string) => string
  readonly port: number
  readonly bin: string
  readonly version: string
  /** Safe to call more than once, and from a signal handler (it is synchronous). */
  readonly stop: () => void
}

/** FUNDI_PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else `pg_config --bindir`. */
export const findPgBin = (): string => {
  const fromEnv = process.env.FUNDI_PG_BIN
  if (fromEnv) return fromEnv
  const root = "/usr/lib/postgresql"
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
      .sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b))
    const newest = versions.at(-1)
    if (newest !== undefined) return path.join(root, newest, "bin")
  }
  const pgConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" })
  const bindir = pgConfig.status === 0 ? pgConfig.stdout.trim() : ""
  if (bindir && existsSync(path.join(bindir, "initdb"))) return bindir
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl, pgbench) not found: install PostgreSQL " +
      "(e.g. apt-get install postgresql) or set FUNDI_PG_BIN to their directory",
  )
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      )
    })
  })

const run = (command: string, args: ReadonlyArray<string>): string => {
  const result = spawnSync(command, args, { encoding: "utf8" })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim()
    throw new Error(
      `${path.basename(command)} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}): ${output}`,
    )
  }
  return result.stdout
}

/** The OS user the server runs as, created (as .ci/run does) when we are root. */
const serverUser = (): { readonly prefix: ReadonlyArray<string>; readonly uid?: number } => {
  if (process.getuid?.() !== 0) return { prefix: [] }
  const name = process.env.FUNDI_PG_OS_USER ?? "fundi-ci"
  if (spawnSync("id", ["-u", name]).status !== 0) {
    run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
  }
  return { prefix: ["runuser", "-u", name, "--"], uid: Number(run("id", ["-u", name]).trim()) }
}

export const startTempServer = async (
  options: {
    readonly maxConnections?: number
    /** More server settings, e.g. `shared_preload_libraries=pg_stat_statements`. */
    readonly settings?: ReadonlyArray<string>
  } = {},
): Promise<TempServer> => {
  const bin = findPgBin()
  const user = serverUser()
  const asServerUser = (tool: string, args: ReadonlyArray<string>) =>
    user.prefix.length === 0
      ? run(path.join(bin, tool), args)
      : run(user.prefix[0]!, [...user.prefix.slice(1), path.join(bin, tool), ...args])

  const root = mkdtempSync(path.join(tmpdir(), "fundi-bench-pg-"))
  const data = path.join(root, "data")
  let stopped = false
  const stop = () => {
    if (stopped) return
    stopped = true
    if (existsSync(path.join(data, "postmaster.pid"))) {
      try {
        asServerUser("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"])
      } catch (error) {
        console.error(`could not stop the server: ${(error as Error).message}`)
      }
    }
    rmSync(root, { recursive: true, force: true })
  }
  try {
    if (user.uid !== undefined) chownSync(root, user.uid, -1)
    const port = await freePort()
    asServerUser("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--no-locale",
    ])
    const settings = [
      "-c listen_addresses=127.0.0.1",
      `-p ${port}`,
      `-k ${root}`,
      `-c max_connections=${options.maxConnections ?? 200}`,
      "-c fsync=off",
      ...(options.settings ?? []).map((setting) => `-c ${setting}`),
    ].join(" ")
    asServerUser("pg_ctl", [
      "-D",
      data,
      "-l",
      path.join(root, "server.log"),
      "-w",
      "-t",
      "60",
      "start",
      "-o",
      settings,
    ])
    const version = run(path.join(bin, "postgres"), ["--version"]).trim()
    return {
      url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
      port,
      bin,
      version,
      stop,
    }
  } catch (error) {
    stop()
    throw error
  }
}
