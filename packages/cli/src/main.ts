#!/usr/bin/env node
import { run } from "./run.ts"

// `fundi … | head` closes the pipe before the output ends: stop quietly, as Unix tools do,
// instead of dying on an unhandled EPIPE with a stack trace. Whatever the command was
// writing had already been decided and committed; only the reader stopped reading.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0)
    throw error
  })
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})
