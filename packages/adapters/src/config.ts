import type { MarketplacePolicy } from "@fundi/core"
import type { Redacted } from "effect"

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
}

/** TODO(root): read and validate from env + optional file. */
export const loadConfig = (_env: Record<string, string | undefined>): FundiConfig => {
  throw new Error("not implemented")
}
