import {
  type Fundi,
  type FundiConfig,
  type FundiServices,
  loadConfig,
  type OpenOptions,
} from "@fundi/adapters"
import { type Effect, Exit } from "effect"
import { EffectFailure, type FieldLabels, OpenFailure, UsageError } from "./errors.ts"
import type { Writer } from "./output.ts"

/** The process surroundings a command may touch: injected so tests run in-process. */
export interface Io {
  readonly stdout: Writer
  readonly stderr: Writer
  readonly env: Readonly<Record<string, string | undefined>>
}

export type Open = (config: FundiConfig, options?: OpenOptions) => Promise<Fundi>

/**
 * One CLI invocation's access to Fundi. The configuration is read and the database opened
 * on first use only, so `--help` and usage errors never touch the database, and the
 * runtime is closed once at the end of `run` whatever happened.
 */
export class Session {
  readonly io: Io
  readonly #open: Open
  #fundi: Promise<Fundi> | undefined
  /** Set once the command line is parsed: told to whoever finds the embedded database busy. */
  commandName = "fundi"

  constructor(io: Io, open: Open) {
    this.io = io
    this.#open = open
  }

  get debug(): boolean {
    return this.io.env.FUNDI_DEBUG === "1"
  }

  config(): FundiConfig {
    // ConfigError propagates as is: errors.ts prints each bad variable.
    return loadConfig(this.io.env)
  }

  /**
   * Opens Fundi once per invocation. Only commands that start a marketplace (`serve`,
   * `db migrate`, `db policy`, `dev seed`) pass `create`: any other, run where there is no
   * embedded database, is refused instead of working on a new, empty one.
   */
  fundi(options: Omit<OpenOptions, "command"> = {}): Promise<Fundi> {
    if (this.#fundi === undefined) {
      const config = this.config()
      const opening = { create: false, ...options, command: this.commandName }
      this.#fundi = this.#open(config, opening).catch((e: unknown) => {
        throw new OpenFailure(e)
      })
    }
    return this.#fundi
  }

  /** Runs an effect on the runtime; anything but success is thrown as an `EffectFailure`. */
  async execute<A, E>(
    effect: Effect.Effect<A, E, FundiServices>,
    labels: FieldLabels = {},
  ): Promise<A> {
    const fundi = await this.fundi()
    const exit = await fundi.runtime.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    throw new EffectFailure(exit.cause, labels)
  }

  async close(): Promise<void> {
    const opening = this.#fundi
    this.#fundi = undefined
    if (opening === undefined) return
    const fundi = await opening.catch(() => undefined)
    await fundi?.close()
  }
}

/** `--as NAME` wins over FUNDI_OPERATOR; every ops command needs one of them for the audit log. */
export const operatorName = (as: string | undefined, env: Io["env"]): string => {
  const name = as ?? env.FUNDI_OPERATOR
  if (name === undefined || name.trim() === "") {
    throw new UsageError(
      "who is doing this? ops commands record the operator in the audit log",
      "hint: pass --as NAME, or set FUNDI_OPERATOR=NAME in the environment",
    )
  }
  return name.trim()
}
