import { spawn } from "node:child_process"
import path from "node:path"

/** Runs a command to the end, resolving with its output; a non-zero exit rejects with it. */
const capture = (command: string, args: ReadonlyArray<string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (chunk) => {
      output += chunk
    })
    child.stderr.on("data", (chunk) => {
      output += chunk
    })
    child.once("error", reject)
    child.once("close", (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${path.basename(command)} exited with ${code}:\n${output.trim()}`)),
    )
  })

/**
 * The tps pgbench reports: "tps = 1234.567890 (without initial connection time)" since
 * PostgreSQL 14; older versions print an "excluding connections establishing" line too.
 */
export const parsePgbenchTps = (output: string): number => {
  const lines = output.split("\n").filter((line) => /^tps = /.test(line))
  const preferred =
    lines.find((line) => /without initial connection time|excluding connections/.test(line)) ??
    lines[0]
  const tps = preferred === undefined ? Number.NaN : Number.parseFloat(preferred.slice(6))
  if (!Number.isFinite(tps)) throw new Error(`no tps in pgbench's output:\n${output.trim()}`)
  return tps
}

export interface PgbenchOptions {
  readonly bin: string
  readonly port: number
  readonly database: string
  readonly clients: number
  readonly threads: number
  readonly seconds: number
}

/** `pgbench -i -s 1`, then the built-in tpcb-like script; resolves with its tps. */
export const runPgbench = async (options: PgbenchOptions): Promise<number> => {
  const pgbench = path.join(options.bin, "pgbench")
  const connection = ["-h", "127.0.0.1", "-p", String(options.port), "-U", "postgres"]
  await capture(pgbench, [...connection, "-i", "-s", "1", "-q", options.database])
  const output = await capture(pgbench, [
    ...connection,
    "-b",
    "tpcb-like",
    "-c",
    String(options.clients),
    "-j",
    String(options.threads),
    "-T",
    String(options.seconds),
    options.database,
  ])
  return parsePgbenchTps(output)
}
