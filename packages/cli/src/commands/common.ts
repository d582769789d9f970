import { type Command, InvalidArgumentError } from "commander"
import type { FieldLabels } from "../errors.ts"

/** Options every command understands. */
export interface JsonOptions {
  readonly json?: boolean
}

/** Options every `fundi ops …` command understands. */
export interface OpsOptions extends JsonOptions {
  readonly as?: string
}

export interface MutatingOptions extends OpsOptions {
  readonly reason: string
}

export const withJson = (command: Command): Command =>
  command.option("--json", "print one machine-readable JSON document on stdout")

/**
 * Every ops command, reads included, says who runs it, so nothing ops do is anonymous;
 * the use cases write the name into the audit log with each change.
 */
export const opsCommand = (command: Command): Command =>
  withJson(command).option("--as <name>", "operator name for the audit log (or FUNDI_OPERATOR)")

/** A change made by ops must say why: the reason is stored with the audit entry. */
export const mutatingCommand = (command: Command): Command =>
  opsCommand(command).requiredOption("--reason <text>", "why, for the audit log")

/** `--limit N`, the same range the use cases accept, checked while parsing the command line. */
export const parseLimit = (value: string): number => {
  const n = Number(value.trim())
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1000) {
    throw new InvalidArgumentError("must be a whole number from 1 to 1000")
  }
  return n
}

/** A repeatable option that also accepts comma-separated values: `--state a --state b,c`. */
export const collectOneOf =
  <A extends string>(allowed: ReadonlyArray<A>) =>
  (value: string, previous: ReadonlyArray<A> | undefined): ReadonlyArray<A> => {
    const values = value
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== "")
    const isAllowed = (v: string): v is A => (allowed as ReadonlyArray<string>).includes(v)
    const bad = values.find((v) => !isAllowed(v))
    if (bad !== undefined) {
      throw new InvalidArgumentError(`"${bad}" is not one of ${allowed.join(", ")}`)
    }
    return [...(previous ?? []), ...values.filter(isAllowed)]
  }

/** Name the ID argument, with what was typed, when the use case rejects it. */
export const idLabels = (id: string): FieldLabels => ({
  applicationId: `ID "${id}"`,
  partyId: `ID "${id}"`,
})
