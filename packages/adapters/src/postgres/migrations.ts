import type { Knex } from "knex"

/**
 * The schema, as knex migrations kept in code (not files on disk), so the CLI, the server
 * and tests run exactly the same SQL on PGlite and on a PostgreSQL server. A migration is
 * never edited once released: add a new one. The CHECK lists are therefore written out
 * here, frozen at the time of the migration; a test compares them with the domain's
 * literals so a new state cannot be forgotten.
 */
interface Migration {
  readonly name: string
  readonly up: (knex: Knex) => Promise<void>
  readonly down: (knex: Knex) => Promise<void>
}

const sql =
  (...statements: ReadonlyArray<string>) =>
  async (knex: Knex): Promise<void> => {
    for (const statement of statements) await knex.raw(statement)
  }

const vettingFoundation: Migration = {
  name: "0001_vetting_foundation",
  up: sql(
    // Ids are compared byte-wise ("C" collation) on every server, whatever its locale, so
    // ties in listings break the same way everywhere (and as the in-memory fakes do).
    `create table parties (
      id text collate "C" primary key,
      kind text not null constraint parties_kind_check check (kind in ('customer', 'provider')),
      phone text not null constraint parties_phone_key unique,
      cohort text not null constraint parties_cohort_check check (cohort in ('live', 'test')),
      channel text not null
        constraint parties_channel_check check (channel in ('whatsapp', 'web', 'api', 'ops')),
      status text not null constraint parties_status_check
        check (status in ('pending', 'active', 'inactive', 'suspended')),
      profile jsonb not null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`,
    // Listing is newest first; ops filter by kind and status.
    "create index parties_created_idx on parties (created_at desc, id)",
    "create index parties_kind_status_idx on parties (kind, status, created_at desc)",

    // No foreign key to parties: the ports promise no referential checks (the fakes and the
    // contract suites store applications on their own), and use cases create the party first.
    `create table applications (
      id text collate "C" primary key,
      party_id text collate "C" not null,
      role text not null constraint applications_role_check check (role in ('customer', 'provider')),
      state text not null constraint applications_state_check check (state in
        ('draft', 'submitted', 'in_review', 'background_check', 'approved', 'rejected')),
      completeness integer not null
        constraint applications_completeness_check check (completeness between 0 and 100),
      created_at timestamptz not null,
      submitted_at timestamptz,
      background_check_reference text,
      background_check_requested_at timestamptz,
      background_check_result text constraint applications_background_check_result_check
        check (background_check_result in ('passed', 'failed')),
      background_check_recorded_at timestamptz,
      decided_at timestamptz,
      decided_by text,
      rejection_reason text,
      reapply_after timestamptz,
      updated_at timestamptz not null,
      -- A background check is requested (reference + time) before it has a result.
      constraint applications_background_check_shape check (
        (background_check_reference is null) = (background_check_requested_at is null)
        and (background_check_result is null or background_check_reference is not null)
        and (background_check_recorded_at is null or background_check_reference is not null)
      )
    )`,
    // The review queue: by state, completeness descending, then oldest submission first.
    `create index applications_review_queue_idx on applications
      (state, completeness desc, (coalesce(submitted_at, created_at)), id)`,
    // latestForParty, and the lockout check on re-application.
    "create index applications_party_idx on applications (party_id, created_at desc, id desc)",
    // A party has at most one application still being decided (openApplicationStates).
    `create unique index applications_one_open_per_party_idx on applications (party_id)
      where state in ('draft', 'submitted', 'in_review', 'background_check')`,

    `create table audit_log (
      id text collate "C" primary key,
      -- Insertion order: breaks ties between entries recorded at the same instant.
      seq bigint generated always as identity,
      actor jsonb not null,
      -- describeActor(actor): the operator's name, party:<id> or system:<process>; filtered on.
      actor_name text not null,
      action text not null,
      subject_type text not null,
      subject_id text not null,
      reason text,
      details jsonb not null,
      at timestamptz not null
    )`,
    "create index audit_log_at_idx on audit_log (at desc, seq desc)",
    "create index audit_log_subject_idx on audit_log (subject_id, at desc)",
    "create index audit_log_actor_idx on audit_log (actor_name, at desc)",
    // Append-only is enforced by the database, not just by the adapter having no update.
    `create function audit_log_reject_change() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % is not allowed', tg_op
          using errcode = 'restrict_violation';
      end
    $$`,
    `create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_reject_change()`,
    `create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_reject_change()`,

    `create table outbox (
      id text collate "C" primary key,
      -- Insertion order: breaks ties between messages created at the same instant.
      seq bigint generated always as identity,
      dedupe_key text not null constraint outbox_dedupe_key_key unique,
      channel text not null
        constraint outbox_channel_check check (channel in ('whatsapp', 'email', 'sms')),
      "to" text not null,
      template text not null,
      subject text,
      body text not null,
      party_id text collate "C",
      status text not null
        constraint outbox_status_check check (status in ('pending', 'sending', 'sent', 'failed')),
      attempts integer not null default 0 constraint outbox_attempts_check check (attempts >= 0),
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz
    )`,
    // claimDue: pending messages, and sending ones whose lease ran out, by due time.
    `create index outbox_due_idx on outbox (next_attempt_at, created_at, id)
      where status in ('pending', 'sending')`,
    "create index outbox_created_idx on outbox (created_at desc, seq desc)",
    "create index outbox_party_idx on outbox (party_id, created_at desc) where party_id is not null",

    `create table business_contacts (
      party_id text collate "C" primary key,
      phone text not null,
      name text not null,
      added_at timestamptz not null
    )`,
  ),
  down: sql(
    "drop table business_contacts",
    "drop table outbox",
    "drop table audit_log",
    "drop function audit_log_reject_change()",
    "drop table applications",
    "drop table parties",
  ),
}

/** Every migration, oldest first. */
export const migrations: ReadonlyArray<Migration> = [vettingFoundation]

/** Knex's migration source interface over the in-code list. */
const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: () => Promise.resolve([...migrations]),
  getMigrationName: (migration) => migration.name,
  getMigration: (migration) => Promise.resolve(migration),
}

/** Knex's bookkeeping tables are named for us, so they never clash with an embedder's. */
const MIGRATION_TABLE = "fundi_migrations"

const config: Knex.MigratorConfig = { migrationSource, tableName: MIGRATION_TABLE }

/**
 * Brings the schema up to date and returns the names of the migrations it applied (none
 * when already current). Safe when several processes call it at once: everything runs in
 * one transaction that first takes an advisory lock keyed by the schema, so a second
 * caller waits, then finds the work done. (Knex's own lock row alone does not cover the
 * first run, when two callers race to create the bookkeeping tables.)
 */
export const migrateLatest = async (knex: Knex): Promise<ReadonlyArray<string>> =>
  knex.transaction(async (trx) => {
    await trx.raw("select pg_advisory_xact_lock(hashtext('fundi.migrations:' || current_schema()))")
    const [, applied] = (await trx.migrate.latest(config)) as [number, Array<string>]
    return applied
  })

export interface MigrationStatus {
  readonly applied: ReadonlyArray<string>
  readonly pending: ReadonlyArray<string>
}

/** Which migrations have run and which would run next (for `fundi db migrate --status`). */
export const migrationStatus = async (knex: Knex): Promise<MigrationStatus> => {
  const [completed, pending] = (await knex.migrate.list(config)) as [
    Array<{ name: string }>,
    Array<Migration>,
  ]
  return { applied: completed.map((m) => m.name), pending: pending.map((m) => m.name) }
}
