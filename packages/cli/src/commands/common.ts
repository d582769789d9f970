import { type Command, InvalidArgumentError } from "commander"
import type { FieldLabels } from "../errors.ts"
import { truncate } from "../output.ts"

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

/**
 * A change made by ops must say why: the reason is stored with the audit entry, and the
 * message to the person concerned (a homeowner whose request is cancelled, a provider
 * whose refund or top-up is refused...) quotes it, so the help says so.
 */
export const mutatingCommand = (command: Command): Command =>
  opsCommand(command).requiredOption(
    "--reason <text>",
    "why: kept in the audit log, and quoted in the message to the person concerned, if any",
  )

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
    // An empty filter would match nothing and look like an empty result.
    if (values.length === 0)
      throw new InvalidArgumentError(`give one or more of ${allowed.join(", ")}`)
    const bad = values.find((v) => !isAllowed(v))
    if (bad !== undefined) {
      throw new InvalidArgumentError(`"${bad}" is not one of ${allowed.join(", ")}`)
    }
    return [...(previous ?? []), ...values.filter(isAllowed)]
  }

/** The ID argument as messages name it: what was typed, cut short if it is long. */
export const idLabel = (id: string): string => `ID "${truncate(id, 40)}"`

/** Name the ID argument, with what was typed, when the use case rejects it. */
export const idLabels = (id: string): FieldLabels => ({
  applicationId: idLabel(id),
  partyId: idLabel(id),
})

/** `--credits N`: whole credits, in the range the wallet use cases accept. */
export const parseCredits = (value: string): number => {
  const text = value.trim()
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 1_000_000) {
    throw new InvalidArgumentError("must be a whole number of credits from 1 to 1000000")
  }
  return n
}

/**
 * `--amount MINOR`: money in minor units, kept as text (it becomes a bigint in the core, and
 * a JS number would round past 2^53). "12.50" is the usual slip, so it gets its own answer.
 */
export const parseMinorUnits = (value: string): string => {
  const text = value.trim()
  const decimal = /^(\d+)[.,](\d{1,2})$/.exec(text)
  if (decimal !== null) {
    const minor = BigInt(decimal[1]!) * 100n + BigInt(decimal[2]!.padEnd(2, "0"))
    throw new InvalidArgumentError(
      `is in minor units (cents), not ${text}: write ${minor} for ${decimal[1]}.${decimal[2]!.padEnd(2, "0")}`,
    )
  }
  if (!/^\d{1,18}$/.test(text) || BigInt(text) === 0n) {
    throw new InvalidArgumentError("must be a positive whole number of minor units (cents)")
  }
  return text
}

/** Name the PROVIDER argument, with what was typed, when the use case rejects it. */
export const providerLabels = (id: string): FieldLabels => ({ partyId: `PROVIDER "${id}"` })

/** Name the top-up ID argument, with what was typed. */
export const topUpLabels = (id: string): FieldLabels => ({ topUpId: idLabel(id) })
