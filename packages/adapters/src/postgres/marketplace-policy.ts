import {
  AuditEntry,
  MARKETPLACE_SUBJECT_ID,
  type MarketplacePolicy,
  newAuditId,
  operator,
} from "@fundi/core"
import { Effect, Schema } from "effect"
import type { Knex } from "knex"
import { ConfigError } from "../config.ts"
import { auditRow } from "./audit-log.knex.ts"

/** The policy a database's marketplace runs, as recorded (`marketplace_settings`). */
export interface RecordedPolicy {
  readonly name: string
  readonly model: string
  readonly updatedAt: number
}

/** Who replaces the marketplace's policy, and why: an ops action, so audited. */
export interface PolicyReplacement {
  readonly operator: string
  readonly reason: string
}

/** The audit action of `fundi db policy --replace`. */
export const REPLACE_POLICY_ACTION = "marketplace.replace_policy"

/**
 * Makes sure this process runs the policy the database's marketplace runs. The first
 * process to open a database records its policy; every later one must bring the same
 * (compared as JSON values, key order aside), or opening fails with a ConfigError that
 * says both and how to change it. With `replace`, `policy` becomes the recorded one
 * (`fundi db policy --replace`), and the audit log says who did it, why, and the policies'
 * names before and after, in the same transaction. Returns the policy recorded before the
 * call, if any.
 */
export const pinPolicy = async (
  knex: Knex,
  policy: MarketplacePolicy,
  options: { readonly replace?: PolicyReplacement } = {},
): Promise<RecordedPolicy | undefined> => {
  const value = JSON.stringify(policy)
  return knex.transaction(async (trx) => {
    const before = await readRecorded(trx)
    if (options.replace !== undefined) {
      await trx.raw(
        `insert into marketplace_settings (name, value) values ('policy', ?::jsonb)
         on conflict (name) do update set value = excluded.value, updated_at = now()`,
        [value],
      )
      await trx("audit_log").insert(auditRow(replacementEntry(options.replace, before, policy)))
      return before
    }
    // The first process records its policy; one starting at the same moment waits for that
    // insert, then compares with what it committed, like any later process.
    await trx.raw(
      `insert into marketplace_settings (name, value) values ('policy', ?::jsonb)
       on conflict (name) do nothing`,
      [value],
    )
    const { rows } = await trx.raw<{ rows: Array<{ same: boolean }> }>(
      "select value = ?::jsonb as same from marketplace_settings where name = 'policy'",
      [value],
    )
    if (rows[0]?.same !== true) {
      const recorded = (await readRecorded(trx))!
      throw new ConfigError([
        `FUNDI_POLICY: this database's marketplace runs the policy "${recorded.name}" (${recorded.model} model), but this process was given "${policy.name}" (${policy.model} model)${recorded.name === policy.name ? " with different settings" : ""}. Every process on one database runs one policy: start this one with the FUNDI_POLICY the server has, or make this one the marketplace's with \`fundi db policy --replace\` (then restart the server).`,
      ])
    }
    return before
  })
}

/** The recorded policy's name and model, if a process has recorded one. */
export const readRecorded = async (knex: Knex): Promise<RecordedPolicy | undefined> => {
  const { rows } = await knex.raw<{
    rows: Array<{ name: string; model: string; updated_at: Date | string }>
  }>(
    `select value->>'name' as name, value->>'model' as model, updated_at
     from marketplace_settings where name = 'policy'`,
  )
  const row = rows[0]
  return row === undefined
    ? undefined
    : { name: row.name, model: row.model, updatedAt: new Date(row.updated_at).getTime() }
}

const decodeEntry = Schema.decodeUnknownSync(AuditEntry)

/** The audit entry of a replacement: the policies' names and models, before and after. */
const replacementEntry = (
  by: PolicyReplacement,
  before: RecordedPolicy | undefined,
  after: MarketplacePolicy,
): AuditEntry =>
  decodeEntry({
    id: Effect.runSync(newAuditId),
    actor: operator(by.operator),
    action: REPLACE_POLICY_ACTION,
    subjectType: "marketplace",
    subjectId: MARKETPLACE_SUBJECT_ID,
    reason: by.reason,
    details: {
      from: before?.name ?? null,
      to: after.name,
      fromModel: before?.model ?? null,
      toModel: after.model,
    },
    at: Date.now(),
  })
