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

const ledgerAndWallet: Migration = {
  name: "0002_ledger_and_wallet",
  up: sql(
    // Account settings never change once opened: the adapter has no update for them, and
    // the transfers' foreign keys below pin an account's unit while any transfer uses it.
    `create table ledger_accounts (
      id text collate "C" primary key,
      kind text not null constraint ledger_accounts_kind_check check (kind in
        ('provider_credits', 'provider_earnings', 'platform_revenue', 'credit_issuance',
         'external_cash')),
      unit text not null constraint ledger_accounts_unit_check
        check (unit in ('ZAR', 'NGN', 'KES', 'GHS', 'USD', 'CREDIT')),
      no_overdraft boolean not null,
      owner_party_id text collate "C",
      -- The sum of the account's transfers, kept by the adapter in the transaction that
      -- records each transfer ("fundi ops ledger check" recomputes it from them).
      balance bigint not null default 0,
      created_at timestamptz not null,
      -- The last line of defence against an overdraft: any statement that would leave a
      -- no-overdraft account below zero fails as a whole.
      constraint ledger_accounts_no_overdraft_check check (not no_overdraft or balance >= 0),
      -- The target of the transfers' (account, unit) foreign keys.
      constraint ledger_accounts_id_unit_key unique (id, unit)
    )`,
    "create index ledger_accounts_owner_idx on ledger_accounts (owner_party_id) where owner_party_id is not null",

    `create table ledger_transfers (
      -- The caller's idempotency key: a transfer id is recorded at most once.
      id text collate "C" primary key,
      -- Order of application: statements and running balances follow it.
      seq bigint generated always as identity,
      debit_account_id text collate "C" not null,
      credit_account_id text collate "C" not null,
      amount bigint not null constraint ledger_transfers_amount_check check (amount > 0),
      unit text not null constraint ledger_transfers_unit_check
        check (unit in ('ZAR', 'NGN', 'KES', 'GHS', 'USD', 'CREDIT')),
      reason text not null constraint ledger_transfers_reason_check check (reason in
        ('topup', 'lead_unlock', 'lead_refund', 'grant', 'clawback', 'consultation_payout',
         'platform_fee', 'earnings_payout')),
      memo text,
      links jsonb not null,
      created_at timestamptz not null,
      constraint ledger_transfers_distinct_accounts_check
        check (debit_account_id <> credit_account_id),
      -- Both accounts exist and hold the transfer's unit: the foreign keys include the unit.
      constraint ledger_transfers_debit_fkey foreign key (debit_account_id, unit)
        references ledger_accounts (id, unit),
      constraint ledger_transfers_credit_fkey foreign key (credit_account_id, unit)
        references ledger_accounts (id, unit)
    )`,
    // Statements (running balance in seq order) and weekly budgets (debits by reason since).
    "create index ledger_transfers_debit_idx on ledger_transfers (debit_account_id, seq)",
    "create index ledger_transfers_credit_idx on ledger_transfers (credit_account_id, seq)",
    `create index ledger_transfers_debit_reason_idx on ledger_transfers
      (debit_account_id, reason, created_at)`,
    // A recorded transfer is never changed or removed: corrections are new transfers.
    `create function ledger_transfers_reject_change() returns trigger language plpgsql as $$
      begin
        raise exception 'ledger_transfers is append-only: % is not allowed', tg_op
          using errcode = 'restrict_violation';
      end
    $$`,
    `create trigger ledger_transfers_append_only before update or delete on ledger_transfers
      for each row execute function ledger_transfers_reject_change()`,
    `create trigger ledger_transfers_no_truncate before truncate on ledger_transfers
      for each statement execute function ledger_transfers_reject_change()`,
    // One transfer in one round trip (the Postgres ledger adapter's README says why).
    // Each statement of a plpgsql function reads a new snapshot, so the reads after the
    // lock see every transfer committed before it was granted. It applies the transfer
    // only when the core's rules (decideTransfer) would: the adapter decides again from
    // the rows it returns, the balances before the transfer, and rolls back on any
    // disagreement; refusals write nothing.
    `create function ledger_transfer(
      p_id text, p_debit text, p_credit text, p_amount bigint, p_unit text, p_reason text,
      p_memo text, p_links jsonb, p_at timestamptz
    ) returns json language plpgsql as $$
      declare
        v_accounts json;
        v_existing json;
        v_inserted integer := 0;
      begin
        -- Locks both accounts in id order (ORDER BY is applied before FOR UPDATE), so
        -- transfers between the same accounts in opposite directions queue, not deadlock.
        select coalesce(json_agg(locked), '[]'::json) into v_accounts from (
          select id, kind, unit, no_overdraft, owner_party_id, created_at,
            balance::text as balance
          from ledger_accounts where id in (p_debit, p_credit)
          order by id
          for update
        ) locked;
        select to_json(t) into v_existing from (
          select id, debit_account_id, credit_account_id, amount::text as amount, unit,
            reason, memo, links, created_at
          from ledger_transfers where id = p_id
        ) t;
        if v_existing is null and p_amount > 0 and p_debit <> p_credit
          and exists (select 1 from ledger_accounts where id = p_debit and unit = p_unit
            and (not no_overdraft or balance >= p_amount))
          and exists (select 1 from ledger_accounts where id = p_credit and unit = p_unit)
        then
          -- A transaction recording the same id on other accounts (so not queued behind
          -- these locks) may commit first: then nothing is inserted, and nothing moves.
          insert into ledger_transfers
            (id, debit_account_id, credit_account_id, amount, unit, reason, memo, links,
             created_at)
          values (p_id, p_debit, p_credit, p_amount, p_unit, p_reason, p_memo, p_links, p_at)
          on conflict (id) do nothing;
          get diagnostics v_inserted = row_count;
          if v_inserted = 1 then
            update ledger_accounts set balance = balance - p_amount where id = p_debit;
            update ledger_accounts set balance = balance + p_amount where id = p_credit;
          end if;
        end if;
        return json_build_object(
          'accounts', v_accounts, 'existing', v_existing, 'inserted', v_inserted);
      end
    $$`,

    `create table top_ups (
      id text collate "C" primary key,
      party_id text collate "C" not null,
      -- What the provider writes on the bank transfer; ops match bank statements by it.
      reference text not null constraint top_ups_reference_key unique,
      method text not null constraint top_ups_method_check check (method in ('eft_proof', 'card')),
      credits integer not null,
      amount_minor bigint not null,
      currency text not null,
      state text not null constraint top_ups_state_check check (state in
        ('awaiting_proof', 'proof_submitted', 'approved', 'rejected', 'cancelled')),
      proof_key text,
      proof_content_type text constraint top_ups_proof_content_type_check
        check (proof_content_type in ('application/pdf', 'image/jpeg', 'image/png')),
      proof_size bigint,
      proof_sha256 text,
      proof_uploaded_at timestamptz,
      created_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      rejection_reason text,
      updated_at timestamptz not null,
      -- A proof is all of its fields or none of them.
      constraint top_ups_proof_shape check (
        num_nulls(proof_key, proof_content_type, proof_size, proof_sha256, proof_uploaded_at)
          in (0, 5)
      )
    )`,
    // The review queue (oldest first, by state) and a provider's own top-ups.
    "create index top_ups_state_idx on top_ups (state, created_at, id)",
    "create index top_ups_party_idx on top_ups (party_id, created_at, id)",

    `create table wallet_settings (
      party_id text collate "C" primary key,
      weekly_credit_budget integer
    )`,
  ),
  down: sql(
    "drop table wallet_settings",
    "drop table top_ups",
    "drop table ledger_transfers",
    "drop function ledger_transfer(text, text, text, bigint, text, text, text, jsonb, timestamptz)",
    "drop function ledger_transfers_reject_change()",
    "drop table ledger_accounts",
  ),
}

const serviceRequests: Migration = {
  name: "0003_service_requests",
  up: sql(
    // A homeowner's request for help. No foreign key to parties: like top-ups, the row
    // names its homeowner by id and the use cases check that the homeowner exists.
    `create table service_requests (
      id text collate "C" primary key,
      customer_id text collate "C" not null,
      category text not null,
      description text not null,
      area text not null,
      point_lat double precision,
      point_lng double precision,
      -- Disclosed to the assigned provider only.
      street text,
      mode text not null constraint service_requests_mode_check
        check (mode in ('virtual', 'in_person')),
      urgency text not null constraint service_requests_urgency_check
        check (urgency in ('low', 'normal', 'urgent', 'emergency')),
      -- {"_tag":"now"} or {"_tag":"windows","windows":[{"start":ms,"end":ms}]}.
      availability jsonb not null,
      estimated_minutes integer,
      total_amount_minor bigint constraint service_requests_total_check
        check (total_amount_minor > 0),
      photos jsonb not null,
      channel text not null constraint service_requests_channel_check
        check (channel in ('whatsapp', 'web', 'api', 'ops')),
      cohort text not null constraint service_requests_cohort_check
        check (cohort in ('live', 'test')),
      state text not null constraint service_requests_state_check check (state in
        ('submitted', 'needs_clarification', 'ready', 'dispatching', 'assigned',
         'unfulfilled', 'cancelled')),
      clarification_question text,
      cancellation_reason text,
      assigned_provider_id text collate "C",
      created_at timestamptz not null,
      updated_at timestamptz not null,
      -- A point is both coordinates or neither.
      constraint service_requests_point_shape check (num_nulls(point_lat, point_lng) in (0, 2))
    )`,
    // The review queue (oldest first, by state), and a homeowner's own requests.
    "create index service_requests_state_idx on service_requests (state, created_at, id)",
    "create index service_requests_customer_idx on service_requests (customer_id, created_at, id)",
  ),
  down: sql("drop table service_requests"),
}

const offers: Migration = {
  name: "0004_offers",
  up: sql(
    // A lead offered to one provider for one request. Like service_requests, no foreign
    // keys: the port names requests and providers by id and the use cases check them.
    `create table offers (
      id text collate "C" primary key,
      request_id text collate "C" not null,
      provider_id text collate "C" not null,
      state text not null constraint offers_state_check check (state in
        ('offered', 'previewed', 'unlocked', 'accepted', 'declined', 'times_proposed',
         'expired')),
      offered_at timestamptz not null,
      expires_at timestamptz not null,
      previewed_at timestamptz,
      unlocked_at timestamptz,
      hold_expires_at timestamptz,
      credits_charged double precision,
      -- [{"start":ms,"end":ms}, ...]: the three slots the provider proposed.
      proposed_times jsonb,
      chosen_slot jsonb,
      decided_at timestamptz,
      decline_reason text,
      expiry_cause text constraint offers_expiry_cause_check
        check (expiry_cause in ('ttl', 'hold', 'slots_passed', 'withdrawn')),
      updated_at timestamptz not null
    )`,
    // listForRequest (oldest first), listForProvider (newest first, by state) and
    // countOpenAssignments (a provider's accepted offers).
    "create index offers_request_idx on offers (request_id, offered_at, id)",
    "create index offers_provider_idx on offers (provider_id, offered_at desc, id)",
    "create index offers_open_assignments_idx on offers (provider_id) where state = 'accepted'",
  ),
  down: sql("drop table offers"),
}

/** Every migration, oldest first. */
// Credits are whole numbers everywhere else (the ledger's bigint amounts); 0004 stored
// the price an unlock charged as a float.
const offerCreditsWhole: Migration = {
  name: "0005_offer_credits_whole",
  up: sql(
    `alter table offers alter column credits_charged type integer
       using credits_charged::integer`,
    `alter table offers add constraint offers_credits_charged_check
       check (credits_charged is null or credits_charged > 0)`,
  ),
  down: sql(
    "alter table offers drop constraint offers_credits_charged_check",
    "alter table offers alter column credits_charged type double precision",
  ),
}

export const migrations: ReadonlyArray<Migration> = [
  vettingFoundation,
  ledgerAndWallet,
  serviceRequests,
  offers,
  offerCreditsWhole,
]

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
