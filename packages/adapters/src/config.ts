import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import {
  type MarketplacePolicy,
  MarketplacePolicy as PolicySchema,
  presets,
  toInvalidInput,
} from "@fundi/core"
import { Redacted, Result, Schema } from "effect"

/** Everything the process needs to know, read and validated once at start-up. See README. */
export interface FundiConfig {
  /** `postgres://…` for a server, `pglite://PATH` for the embedded database, `pglite://memory` for tests. */
  readonly databaseUrl: string
  readonly port: number
  readonly policy: MarketplacePolicy
  /** Bearer key for the JSON API; when absent the API answers 503 except health. */
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly smtp: { readonly url: string; readonly from: string } | undefined
  /** How often the outbox worker looks for due messages. */
  readonly outboxPollMs: number
  /** How often the offer scheduler looks for offers past their deadline. */
  readonly schedulerPollMs: number
  /** Where uploaded files (proofs of payment, photos, documents) are kept. */
  readonly filesDir: string
  /**
   * The HMAC key secure links are signed with. Undefined only on the embedded database:
   * the composition root then generates one once and keeps it beside the data directory.
   */
  readonly linkSecret: Redacted.Redacted<string> | undefined
  /** The origin secure links point at (no trailing slash), e.g. https://fundi.example.com. */
  readonly publicUrl: string
  readonly whatsapp: WhatsAppConfig
}

/** The WhatsApp Cloud API channel (see README, "WhatsApp"). */
export interface WhatsAppConfig {
  /**
   * Meta's app secret, the HMAC key of webhook signatures. Undefined only when the
   * composition root may generate one: the embedded database, or no access token.
   */
  readonly appSecret: Redacted.Redacted<string> | undefined
  /** What Meta echoes in the webhook verification; generated like the app secret. */
  readonly verifyToken: Redacted.Redacted<string> | undefined
  /** Graph API bearer token; without it there is no Meta: outbound goes to the console. */
  readonly accessToken: Redacted.Redacted<string> | undefined
  readonly phoneNumberId: string | undefined
  /** e.g. https://graph.facebook.com/v23.0 (no trailing slash); tests point it at a fake. */
  readonly graphUrl: string
  /** Send rate per business number (Cloud API: 80 by default, up to 1,000). */
  readonly messagesPerSecond: number
  /** No access token: the local simulator (/dev/whatsapp) stands in for Meta. */
  readonly simulator: boolean
}

export const DEFAULT_WHATSAPP_GRAPH_URL = "https://graph.facebook.com/v23.0"

export const DEFAULT_DATABASE_URL = "pglite://./.fundi/db"
export const DEFAULT_FILES_DIR = "./.fundi/files"

/** Start-up configuration is wrong; `problems` name each variable and what to fix. */
export class ConfigError extends Error {
  readonly problems: ReadonlyArray<string>
  constructor(problems: ReadonlyArray<string>) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`)
    this.name = "ConfigError"
    this.problems = problems
  }
}

/** The variables we read, with what each must look like (README, "Configuration"). */
export const configVariables = {
  FUNDI_DATABASE_URL: "postgres://USER:PASS@HOST:PORT/DB, pglite://PATH or pglite://memory",
  PORT: "a TCP port, 0-65535",
  FUNDI_POLICY: "subscription, credits, or the path of a policy JSON file",
  FUNDI_API_KEY: "at least 16 characters",
  FUNDI_SMTP_URL: "smtp://USER:PASS@HOST:PORT or smtps://…",
  FUNDI_SMTP_FROM: "the sender address, e.g. Fundi <noreply@example.com>",
  FUNDI_OUTBOX_POLL_MS: "milliseconds between outbox polls, 50-60000",
  FUNDI_SCHEDULER_POLL_MS: "milliseconds between looks for expired offers, 50-600000",
  FUNDI_FILES_DIR: "a directory for uploaded files (proofs of payment, photos, documents)",
  FUNDI_LINK_SECRET:
    "at least 32 characters signing secure links; required with a PostgreSQL server (the embedded default generates one)",
  FUNDI_PUBLIC_URL: "the http(s) origin secure links point at, e.g. https://fundi.example.com",
  WHATSAPP_APP_SECRET:
    "the Meta app secret webhooks are signed with; required with a PostgreSQL server and an access token",
  WHATSAPP_VERIFY_TOKEN:
    "the token Meta echoes when verifying the webhook; required with a PostgreSQL server and an access token",
  WHATSAPP_ACCESS_TOKEN:
    "a WhatsApp Cloud API access token; without one the local simulator is used",
  WHATSAPP_PHONE_NUMBER_ID: "the Cloud API phone number id messages are sent from",
  WHATSAPP_GRAPH_URL: "the Graph API base URL, default https://graph.facebook.com/v23.0",
  WHATSAPP_MPS: "messages per second sent to WhatsApp, 1-1000 (default 80)",
  FUNDI_CONFIG: "the path of an optional JSON file holding any of these variables",
} as const

type Env = Readonly<Record<string, string | undefined>>

const fileValues = (path: string): Env => {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"))
  } catch (e) {
    throw new ConfigError([`FUNDI_CONFIG: cannot read ${path} as JSON (${(e as Error).message})`])
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([
      `FUNDI_CONFIG: ${path} must hold a JSON object of variable names to values`,
    ])
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in configVariables))
  if (unknown.length > 0) {
    throw new ConfigError([`FUNDI_CONFIG: ${path} has unknown keys ${unknown.join(", ")}`])
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const deepMerge = (base: unknown, over: unknown): unknown =>
  isPlainObject(base) && isPlainObject(over)
    ? Object.fromEntries(
        [...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [
          k,
          k in over ? deepMerge(base[k], over[k]) : base[k],
        ]),
      )
    : over

/**
 * A preset name, or a JSON file holding a whole policy or `{"extends": "credits", …}` with
 * only the values that differ from that preset.
 */
export const loadPolicy = (value: string, cwd: string): MarketplacePolicy => {
  if (value in presets) return presets[value as keyof typeof presets]
  const path = resolve(cwd, value)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, "utf8"))
  } catch (e) {
    throw new ConfigError([
      `FUNDI_POLICY: "${value}" is not a preset (subscription, credits) and cannot be read as a JSON file: ${(e as Error).message}`,
    ])
  }
  let candidate = raw
  if (isPlainObject(raw) && "extends" in raw) {
    const { extends: base, ...rest } = raw
    if (typeof base !== "string" || !(base in presets)) {
      throw new ConfigError([
        `FUNDI_POLICY: ${path}: "extends" must be "subscription" or "credits"`,
      ])
    }
    candidate = deepMerge(presets[base as keyof typeof presets], rest)
  }
  const decoded = Schema.decodeUnknownResult(PolicySchema, {
    errors: "all",
    onExcessProperty: "error",
  })(candidate)
  if (Result.isFailure(decoded)) {
    throw new ConfigError(
      toInvalidInput(decoded.failure.issue).issues.map(
        (i) => `FUNDI_POLICY: ${path}: ${i.path}: ${i.message}`,
      ),
    )
  }
  return decoded.success
}

const integer = (
  name: string,
  raw: string,
  min: number,
  max: number,
  problems: string[],
): number => {
  const n = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
    problems.push(`${name}: "${raw}" must be a whole number from ${min} to ${max}`)
    return min
  }
  return n
}

/**
 * Reads the configuration from environment variables (over an optional FUNDI_CONFIG JSON
 * file) and validates all of it, reporting every bad variable at once.
 */
export const loadConfig = (env: Env, cwd: string = process.cwd()): FundiConfig => {
  const values: Env = {
    ...(env.FUNDI_CONFIG ? fileValues(resolve(cwd, env.FUNDI_CONFIG)) : {}),
    ...env,
  }
  const problems: string[] = []
  const get = (k: keyof typeof configVariables) => {
    const v = values[k]
    return v === undefined || v.trim() === "" ? undefined : v.trim()
  }

  const databaseUrl = get("FUNDI_DATABASE_URL") ?? DEFAULT_DATABASE_URL
  if (!/^(postgres|postgresql):\/\/.+/.test(databaseUrl) && !/^pglite:\/\/.+/.test(databaseUrl)) {
    problems.push(
      `FUNDI_DATABASE_URL: "${databaseUrl}" must be ${configVariables.FUNDI_DATABASE_URL}`,
    )
  }
  const port = integer("PORT", get("PORT") ?? "3000", 0, 65535, problems)
  const outboxPollMs = integer(
    "FUNDI_OUTBOX_POLL_MS",
    get("FUNDI_OUTBOX_POLL_MS") ?? "1000",
    50,
    60_000,
    problems,
  )
  const schedulerPollMs = integer(
    "FUNDI_SCHEDULER_POLL_MS",
    get("FUNDI_SCHEDULER_POLL_MS") ?? "5000",
    50,
    600_000,
    problems,
  )

  const apiKeyText = get("FUNDI_API_KEY")
  if (apiKeyText !== undefined && apiKeyText.length < 16) {
    problems.push("FUNDI_API_KEY: must be at least 16 characters (use a long random value)")
  }

  const smtpUrl = get("FUNDI_SMTP_URL")
  const smtpFrom = get("FUNDI_SMTP_FROM")
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]+/.test(smtpUrl)) {
    problems.push(`FUNDI_SMTP_URL: must be ${configVariables.FUNDI_SMTP_URL}`)
  }
  if (smtpUrl !== undefined && smtpFrom === undefined) {
    problems.push("FUNDI_SMTP_FROM: is required when FUNDI_SMTP_URL is set")
  }

  const linkSecret = get("FUNDI_LINK_SECRET")
  if (linkSecret !== undefined && linkSecret.length < 32) {
    problems.push("FUNDI_LINK_SECRET: must be at least 32 characters (use a long random value)")
  }
  if (linkSecret === undefined && /^(postgres|postgresql):\/\//.test(databaseUrl)) {
    // Every server process must sign with the same key, and links must survive restarts.
    problems.push(
      "FUNDI_LINK_SECRET: is required with a PostgreSQL server (at least 32 random characters, the same for every process)",
    )
  }
  const publicUrlText = get("FUNDI_PUBLIC_URL")
  const publicUrl = (publicUrlText ?? `http://localhost:${port}`).replace(/\/+$/, "")
  if (publicUrlText !== undefined && !/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(publicUrlText)) {
    problems.push(
      `FUNDI_PUBLIC_URL: "${publicUrlText}" must be ${configVariables.FUNDI_PUBLIC_URL}`,
    )
  }

  const whatsapp = whatsappConfig(get, /^(postgres|postgresql):\/\//.test(databaseUrl), problems)

  let policy: MarketplacePolicy = presets.subscription
  try {
    policy = loadPolicy(get("FUNDI_POLICY") ?? "subscription", cwd)
  } catch (e) {
    if (e instanceof ConfigError) problems.push(...e.problems)
    else throw e
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    databaseUrl,
    port,
    policy,
    apiKey: apiKeyText === undefined ? undefined : Redacted.make(apiKeyText),
    smtp:
      smtpUrl !== undefined && smtpFrom !== undefined
        ? { url: smtpUrl, from: smtpFrom }
        : undefined,
    outboxPollMs,
    schedulerPollMs,
    filesDir: resolve(cwd, get("FUNDI_FILES_DIR") ?? DEFAULT_FILES_DIR),
    linkSecret: linkSecret === undefined ? undefined : Redacted.make(linkSecret),
    publicUrl,
    whatsapp,
  }
}

const whatsappConfig = (
  get: (k: keyof typeof configVariables) => string | undefined,
  serverDatabase: boolean,
  problems: string[],
): WhatsAppConfig => {
  const secret = (
    name: "WHATSAPP_APP_SECRET" | "WHATSAPP_VERIFY_TOKEN" | "WHATSAPP_ACCESS_TOKEN",
  ) => {
    const value = get(name)
    return value === undefined ? undefined : Redacted.make(value)
  }
  const accessToken = secret("WHATSAPP_ACCESS_TOKEN")
  const appSecret = secret("WHATSAPP_APP_SECRET")
  const verifyToken = secret("WHATSAPP_VERIFY_TOKEN")
  const phoneNumberId = get("WHATSAPP_PHONE_NUMBER_ID")
  if (accessToken !== undefined && serverDatabase) {
    // Meta signs with the app's secret and echoes the token set in its dashboard: a
    // generated one would reject every real delivery, and every process must agree.
    if (appSecret === undefined) {
      problems.push(
        "WHATSAPP_APP_SECRET: is required with a PostgreSQL server and WHATSAPP_ACCESS_TOKEN (the app secret from the Meta app dashboard)",
      )
    }
    if (verifyToken === undefined) {
      problems.push(
        "WHATSAPP_VERIFY_TOKEN: is required with a PostgreSQL server and WHATSAPP_ACCESS_TOKEN (the verify token set for the webhook in the Meta app dashboard)",
      )
    }
  }
  if (accessToken !== undefined && phoneNumberId === undefined) {
    problems.push("WHATSAPP_PHONE_NUMBER_ID: is required with WHATSAPP_ACCESS_TOKEN")
  }
  if (phoneNumberId !== undefined && !/^\d+$/.test(phoneNumberId)) {
    problems.push(`WHATSAPP_PHONE_NUMBER_ID: "${phoneNumberId}" must be the numeric id Meta shows`)
  }
  const graphUrlText = get("WHATSAPP_GRAPH_URL")
  if (graphUrlText !== undefined && !/^https?:\/\/[^/\s?#]+(\/[^\s?#]*)?$/.test(graphUrlText)) {
    problems.push(`WHATSAPP_GRAPH_URL: "${graphUrlText}" must be an http(s) URL`)
  }
  return {
    appSecret,
    verifyToken,
    accessToken,
    phoneNumberId,
    graphUrl: (graphUrlText ?? DEFAULT_WHATSAPP_GRAPH_URL).replace(/\/+$/, ""),
    messagesPerSecond: integer("WHATSAPP_MPS", get("WHATSAPP_MPS") ?? "80", 1, 1000, problems),
    // The simulator's page hands its signing secret to the browser, so it is only offered
    // where that secret is a throwaway: the embedded database, with no Meta secret set.
    simulator: accessToken === undefined && appSecret === undefined && !serverDatabase,
  }
}
