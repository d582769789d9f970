import { ConfigError, DatabaseMissing } from "@fundi/adapters"
import {
  AccountNotFound,
  ContentTooLarge,
  IdempotencyConflict,
  InsufficientFunds,
  InvalidTransfer,
  NotAProvider,
  ObjectNotFound,
  OutboxMessageNotFound,
  OutboxMessageNotRetryable,
  RequestNotFound,
  TopUpNotFound,
  TransitionNotAllowed,
  UnsupportedContent,
  WeeklyBudgetExceeded,
} from "@fundi/core"
import { Cause } from "effect"
import { formatAmount, formatCredits } from "./money.ts"

/**
 * Exit codes. 1 means the command ran and the domain said no (or the input was wrong);
 * 2 means the command line itself was wrong; the rest follow sysexits.h so scripts and
 * supervisors can tell "fix your config" and "this is a bug" from an ordinary refusal.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  internal: 70,
  config: 78,
  interrupted: 130,
} as const

/** The command line was wrong in a way commander cannot see (e.g. no operator identity). */
export class UsageError extends Error {
  readonly hint: string | undefined
  constructor(message: string, hint?: string) {
    super(message)
    this.name = "UsageError"
    this.hint = hint
  }
}

/**
 * The command ran and cannot do what was asked, for a reason outside the core (a file to
 * write already exists): exit 1 like a refusal by the domain, with a hint on what to do.
 */
export class Refused extends Error {
  readonly hint: string | undefined
  constructor(message: string, hint?: string) {
    super(message)
    this.name = "Refused"
    this.hint = hint
  }
}

/** An effect run by a command did not succeed; the cause says whether it failed, died or was interrupted. */
export class EffectFailure extends Error {
  readonly failure: Cause.Cause<unknown>
  /** How to name the input fields of this command in messages, over `defaultLabels`. */
  readonly labels: FieldLabels
  constructor(failure: Cause.Cause<unknown>, labels: FieldLabels = {}) {
    super("effect failed")
    this.name = "EffectFailure"
    this.failure = failure
    this.labels = labels
  }
}

/** Opening the database (or the rest of the composition root) failed. */
export class OpenFailure extends Error {
  readonly reason: unknown
  constructor(reason: unknown) {
    super(messageOf(reason))
    this.name = "OpenFailure"
    this.reason = reason
  }
}

/**
 * How to name an input field in messages: the use cases report schema paths
 * ("applicationId", "reason"), people typed flags ("--reason") and arguments ("ID").
 */
export type FieldLabels = Readonly<Record<string, string>>

export const defaultLabels: FieldLabels = {
  operator: "--as (or FUNDI_OPERATOR)",
  reason: "--reason",
  result: "--result",
  reference: "--reference",
  states: "--state",
  role: "--role",
  status: "--status",
  limit: "--limit",
  applicationId: "ID",
  partyId: "ID",
  topUpId: "ID",
  credits: "--credits",
  amountMinor: "--amount",
  wallet: "--wallet",
  idempotencyKey: "--idempotency-key",
  leadId: "--lead",
}

export interface Report {
  readonly lines: ReadonlyArray<string>
  readonly exitCode: number
}

/** Turns anything a command threw into what to print on stderr and the exit code. */
export const report = (thrown: unknown, debug: boolean): Report => {
  if (thrown instanceof EffectFailure) {
    return reportCause(thrown.failure, { ...defaultLabels, ...thrown.labels }, debug)
  }
  if (thrown instanceof Refused) {
    return {
      lines: [`error: ${thrown.message}`, ...(thrown.hint ? [thrown.hint] : [])],
      exitCode: ExitCode.failed,
    }
  }
  if (thrown instanceof UsageError) {
    return {
      lines: [`error: ${thrown.message}`, ...(thrown.hint ? [thrown.hint] : [])],
      exitCode: ExitCode.usage,
    }
  }
  if (thrown instanceof ConfigError) {
    return {
      lines: [
        "error: invalid configuration:",
        ...thrown.problems.map((p) => `  - ${p}`),
        "hint: see the Configuration section of the README",
      ],
      exitCode: ExitCode.config,
    }
  }
  if (thrown instanceof OpenFailure) {
    if (thrown.reason instanceof ConfigError) return report(thrown.reason, debug)
    if (thrown.reason instanceof DatabaseMissing) {
      return {
        lines: [
          `error: ${thrown.reason.message}`,
          "hint: run fundi in the directory the server runs in (its .fundi holds the marketplace), or set FUNDI_DATABASE_URL; `fundi db migrate` starts a new one",
        ],
        exitCode: ExitCode.failed,
      }
    }
    return {
      lines: [
        `error: cannot open Fundi: ${thrown.message}`,
        ...(debug ? debugLines(thrown.reason) : []),
      ],
      exitCode: ExitCode.failed,
    }
  }
  return defect(thrown, debug)
}

const reportCause = (cause: Cause.Cause<unknown>, labels: FieldLabels, debug: boolean): Report => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some") return reportFailure(failure.value, labels)
  if (Cause.hasInterruptsOnly(cause)) {
    return { lines: ["error: interrupted"], exitCode: ExitCode.interrupted }
  }
  const found = Cause.findDefect(cause)
  const dead = found._tag === "Success" ? found.success : cause
  return debug
    ? {
        lines: [`error: internal error: ${messageOf(dead)}`, Cause.pretty(cause)],
        exitCode: ExitCode.internal,
      }
    : defect(dead, false)
}

/** A typed failure from the core: every one of them has a readable `message`. */
const reportFailure = (error: unknown, labels: FieldLabels): Report => {
  if (isInvalidInput(error)) {
    return {
      lines: error.issues.map((i) => `error: ${label(i.path, labels)}${i.message}`),
      exitCode: ExitCode.failed,
    }
  }
  const explained = explainWalletFailure(error)
  if (explained !== undefined) return { lines: explained, exitCode: ExitCode.failed }
  const hint = requestStateHint(error)
  return {
    lines: [
      `error: ${fieldLabel(error, labels)}${messageOf(error)}`,
      ...(hint === undefined ? [] : [hint]),
    ],
    exitCode: ExitCode.failed,
  }
}

/**
 * Refusals about one input field, by the field's schema path: the API names the path in
 * `issues`, the CLI names the flag the operator typed, as for an invalid input.
 */
const refusedFields: Readonly<Record<string, string>> = {
  NotADuplicate: "duplicateOf",
  RefundReasonNotAllowed: "reason",
}

/** "--duplicate-of: " when the refusal is about a field this command has a flag for. */
const fieldLabel = (error: unknown, labels: FieldLabels): string => {
  const tag = (error as { _tag?: unknown } | null)?._tag
  const path =
    typeof tag === "string" && Object.hasOwn(refusedFields, tag) ? refusedFields[tag] : undefined
  const flag = path === undefined ? undefined : labelOf(path, labels)
  return flag === undefined ? "" : `${flag}: `
}

/** What to do next when a request is not in the state a command needs, where it is not obvious. */
const requestStateHint = (error: unknown): string | undefined => {
  if (!(error instanceof TransitionNotAllowed) || error.entity !== "request") return undefined
  switch (error.from) {
    case "needs_clarification":
      return "hint: the request waits for the homeowner's answer to your question; it comes back for review (submitted) when they reply, or if they answered another way, `fundi ops requests ready ID --reason TEXT` releases it"
    case "submitted":
      return error.command === "StartDispatch"
        ? "hint: review it first: `fundi ops requests ready ID --reason TEXT` releases it for dispatch"
        : undefined
    case "assigned":
    case "unfulfilled":
    case "cancelled":
      return `hint: a request that is ${error.from} is closed for good; \`fundi ops requests show ID\` shows its offers`
    default:
      return undefined
  }
}

/**
 * Wallet and ledger refusals in ops' words. The core's messages name ledger accounts and
 * raw minor units ("credits:pty_… holds 500 ZAR"); here amounts get their unit and two
 * decimals, and each refusal says what to do next.
 */
const explainWalletFailure = (error: unknown): ReadonlyArray<string> | undefined => {
  if (error instanceof InsufficientFunds) {
    return [
      `error: not enough in ${error.accountId}: it holds ${formatAmount(error.balance, error.unit)}, ${formatAmount(error.requested, error.unit)} needed`,
      "hint: see the balance with `fundi ops wallet show PROVIDER`; nothing was moved",
    ]
  }
  if (error instanceof WeeklyBudgetExceeded) {
    return [
      `error: ${error.message}`,
      `hint: the provider set this budget (${formatCredits(error.budget)} a week); they can raise or remove it`,
    ]
  }
  if (error instanceof IdempotencyConflict) {
    return [
      `error: ${error.message}`,
      "hint: an --idempotency-key names one change; use a new key for a different one",
    ]
  }
  if (error instanceof TopUpNotFound) {
    return [
      `error: ${error.message}`,
      "hint: `fundi ops topups list --all` lists every top-up with its id",
    ]
  }
  if (error instanceof RequestNotFound) {
    return [
      `error: ${error.message}`,
      "hint: `fundi ops requests list --all` lists every request with its id",
    ]
  }
  if (error instanceof NotAProvider) {
    return [`error: ${error.message}`, "hint: `fundi ops providers list` lists providers"]
  }
  if (error instanceof AccountNotFound) {
    return [
      `error: ${error.message}: the wallet has never been used`,
      "hint: a provider's wallet opens with its first top-up or grant",
    ]
  }
  if (error instanceof InvalidTransfer) return [`error: ${error.message}`]
  if (error instanceof OutboxMessageNotFound) {
    return [
      `error: ${error.message}`,
      "hint: `fundi ops outbox list --failed` lists the failed messages with their ids",
    ]
  }
  if (error instanceof OutboxMessageNotRetryable) {
    return [
      `error: ${error.message}`,
      error.status === "sent"
        ? "hint: a sent message is not sent twice; if it was undeliverable, check the number with `fundi ops conversations show PHONE`"
        : "hint: a worker is sending it right now; see how it went with `fundi ops outbox list`",
    ]
  }
  if (error instanceof UnsupportedContent) {
    return [`error: ${error.message}`, "hint: send a PDF, JPEG or PNG file"]
  }
  if (error instanceof ContentTooLarge) return [`error: ${error.message}`]
  if (error instanceof ObjectNotFound) {
    return [
      `error: the stored file ${error.key} is missing from the file store`,
      "hint: check FUNDI_FILES_DIR points at the directory the server writes to",
    ]
  }
  return undefined
}

const defect = (thrown: unknown, debug: boolean): Report => ({
  lines: debug
    ? [`error: internal error: ${messageOf(thrown)}`, ...debugLines(thrown)]
    : [`error: internal error: ${messageOf(thrown)} (set FUNDI_DEBUG=1 to see where)`],
  exitCode: ExitCode.internal,
})

const debugLines = (thrown: unknown): ReadonlyArray<string> =>
  thrown instanceof Error && thrown.stack ? [thrown.stack] : []

interface Issues {
  readonly _tag: "InvalidInput"
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>
}

const isInvalidInput = (e: unknown): e is Issues =>
  typeof e === "object" &&
  e !== null &&
  (e as { _tag?: unknown })._tag === "InvalidInput" &&
  Array.isArray((e as { issues?: unknown }).issues)

/**
 * The flag for a schema path: the longest labelled prefix, indexes left out, so
 * "base.radiusKm" can be --radius-km while "base.point.lat" is --base, and "states[1]" is
 * --state.
 */
const labelOf = (path: string, labels: FieldLabels): string | undefined => {
  const segments = path.replace(/\[\d+\]/g, "").split(".")
  for (let n = segments.length; n > 0; n--) {
    const key = segments.slice(0, n).join(".")
    if (Object.hasOwn(labels, key)) return labels[key]
  }
  return undefined
}

/** "--window #2: " for "availability.windows[1]": which of a repeated flag's values. */
const label = (path: string, labels: FieldLabels): string => {
  if (path === "") return ""
  const flag = labelOf(path, labels)
  if (flag === undefined) return `${path}: `
  const index = /\[(\d+)\]/.exec(path)?.[1]
  return index === undefined ? `${flag}: ` : `${flag} #${Number(index) + 1}: `
}

export const messageOf = (thrown: unknown): string => {
  if (thrown instanceof Error) return firstLine(thrown.message) || thrown.name
  if (typeof thrown === "string") return firstLine(thrown)
  if (typeof thrown === "object" && thrown !== null && "message" in thrown) {
    return firstLine(String((thrown as { message: unknown }).message))
  }
  return String(thrown)
}

const firstLine = (text: string): string => text.split("\n")[0] ?? text
