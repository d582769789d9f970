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

/** The offers trigger's function as migration 0007 created it (0016 replaces it; its down restores it). */
const PROVIDER_MATCHING_FROM_OFFER_0007 = `create function provider_matching_from_offer() returns trigger language plpgsql as $$
      declare
        was int[] := array[0, 0, 0];
        now_ int[] := array[0, 0, 0];
      begin
        if tg_op <> 'INSERT' then
          was := array[(old.state = 'accepted')::int,
            (old.state in ('accepted', 'declined')
              or (old.state = 'expired' and old.expiry_cause is not distinct from 'slots_passed'))::int,
            (old.state = 'expired' and coalesce(old.expiry_cause in ('ttl', 'hold'), false))::int];
        end if;
        if tg_op <> 'DELETE' then
          now_ := array[(new.state = 'accepted')::int,
            (new.state in ('accepted', 'declined')
              or (new.state = 'expired' and new.expiry_cause is not distinct from 'slots_passed'))::int,
            (new.state = 'expired' and coalesce(new.expiry_cause in ('ttl', 'hold'), false))::int];
        end if;
        if tg_op = 'UPDATE' and old.provider_id = new.provider_id then
          perform provider_matching_count(new.provider_id,
            now_[1] - was[1], now_[2] - was[2], now_[3] - was[3]);
        else
          if tg_op <> 'INSERT' then
            perform provider_matching_count(old.provider_id, -was[1], -was[2], -was[3]);
          end if;
          if tg_op <> 'DELETE' then
            perform provider_matching_count(new.provider_id, now_[1], now_[2], now_[3]);
          end if;
        end if;
        return null;
      end
    $$`

/** provider_matching_profile as migration 0007 created it (0019 replaces it; its down restores it). */
const PROVIDER_MATCHING_PROFILE_0007 = `create function provider_matching_profile(pid text) returns void language plpgsql as $$
      begin
        insert into provider_matching as m (provider_id, cohort, eligible, categories, areas,
            base_lat, base_lng, radius_km, windows, max_open, accepted, answered, lapsed)
        select p.id, p.cohort,
               p.status = 'active' and coalesce((select a.state = 'approved' from applications a
                 where a.party_id = p.id order by a.created_at desc, a.id desc limit 1), false),
               coalesce(p.profile -> 'categories', '[]'), coalesce(p.profile -> 'serviceAreas', '[]'),
               r.base_lat, r.base_lng, r.radius_km,
               case when r.availability ->> '_tag' = 'windows' then r.availability -> 'windows' end,
               coalesce(r.max_open_assignments, 3),
               s.accepted, s.answered, s.lapsed
          from parties p
          left join provider_reach r on r.provider_id = p.id
          cross join lateral (
            select count(*) filter (where o.state = 'accepted')::int as accepted,
                   count(*) filter (where o.state in ('accepted', 'declined')
                     or (o.state = 'expired' and o.expiry_cause = 'slots_passed'))::int as answered,
                   count(*) filter (where o.state = 'expired'
                     and o.expiry_cause in ('ttl', 'hold'))::int as lapsed
              from offers o where o.provider_id = p.id) s
         where p.id = pid and p.kind = 'provider'
        on conflict (provider_id) do update set
          cohort = excluded.cohort, eligible = excluded.eligible,
          categories = excluded.categories, areas = excluded.areas;
        if not found then delete from provider_matching where provider_id = pid; end if;
      end
    $$`

/** provider_matching_rebuild as migration 0007 created it (0019 replaces it; its down restores it). */
const PROVIDER_MATCHING_REBUILD_0007 = `create function provider_matching_rebuild() returns void language sql as $$
      delete from provider_matching;
      insert into provider_matching (provider_id, cohort, eligible, categories, areas,
          base_lat, base_lng, radius_km, windows, max_open, accepted, answered, lapsed)
      select p.id, p.cohort, p.status = 'active' and coalesce(la.approved, false),
             coalesce(p.profile -> 'categories', '[]'), coalesce(p.profile -> 'serviceAreas', '[]'),
             r.base_lat, r.base_lng, r.radius_km,
             case when r.availability ->> '_tag' = 'windows' then r.availability -> 'windows' end,
             coalesce(r.max_open_assignments, 3),
             coalesce(s.accepted, 0), coalesce(s.answered, 0), coalesce(s.lapsed, 0)
        from parties p
        left join provider_reach r on r.provider_id = p.id
        left join lateral (select a.state = 'approved' as approved from applications a
                            where a.party_id = p.id
                            order by a.created_at desc, a.id desc limit 1) la on true
        left join (
          select o.provider_id,
                 count(*) filter (where o.state = 'accepted')::int as accepted,
                 count(*) filter (where o.state in ('accepted', 'declined')
                   or (o.state = 'expired' and o.expiry_cause = 'slots_passed'))::int as answered,
                 count(*) filter (where o.state = 'expired'
                   and o.expiry_cause in ('ttl', 'hold'))::int as lapsed
            from offers o group by o.provider_id) s on s.provider_id = p.id
       where p.kind = 'provider'
    $$`

/** `ledger_transfer` as migration 0002 created it (0012 replaces it; its down restores it). */
const LEDGER_TRANSFER_0002 = `create function ledger_transfer(
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
    $$`

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
    LEDGER_TRANSFER_0002,

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

// The scheduler asks for open offers by deadline (`offerDeadline` in core). The deadline
// depends on the state (time-to-live, unlock hold, last proposed slot), so the adapter
// stores it on every write and this column makes the question an index range scan.
const offerDeadlines: Migration = {
  name: "0006_offer_deadlines",
  up: sql(
    "alter table offers add column deadline_at timestamptz",
    `update offers set deadline_at = case
       when state in ('offered', 'previewed') then expires_at
       when state = 'unlocked' then hold_expires_at
       when state = 'times_proposed' then coalesce(
         (select to_timestamp(max((slot->>'start')::bigint) / 1000.0)
            from jsonb_array_elements(coalesce(proposed_times, '[]'::jsonb)) as slot),
         updated_at)
     end`,
    `create index offers_due_idx on offers (deadline_at, id)
       where state in ('offered', 'previewed', 'unlocked', 'times_proposed')`,
  ),
  down: sql("drop index offers_due_idx", "alter table offers drop column deadline_at"),
}

// Where each provider works and when (ProviderDirectory), and what one query needs to
// build a ranked shortlist out of 100,000 providers in a few milliseconds.
// provider_matching is a row per provider kept by triggers from parties, applications,
// provider_reach and offers: whether they may get leads at all (active, latest application
// approved), their categories and areas (GIN), base and radius (a latitude band prunes
// before distances), availability, capacity, and their offer record (accepted, answered,
// lapsed: see providerStats in core). The source tables stay the truth; the triggers run
// in the writing transaction, so the shortlist sees exactly what is committed.
const providerReach: Migration = {
  name: "0007_provider_reach",
  up: sql(
    // No foreign key to parties, like offers: the use case checks the provider exists.
    `create table provider_reach (
      provider_id text collate "C" primary key,
      base_lat double precision
        constraint provider_reach_base_lat_check check (base_lat between -90 and 90),
      base_lng double precision
        constraint provider_reach_base_lng_check check (base_lng between -180 and 180),
      radius_km double precision constraint provider_reach_radius_check check (radius_km >= 0),
      -- {"_tag":"always"} or {"_tag":"windows","windows":[{"start":ms,"end":ms}]}.
      availability jsonb not null,
      max_open_assignments integer not null
        constraint provider_reach_capacity_check check (max_open_assignments >= 1),
      -- A base is a point and a radius, or nothing.
      constraint provider_reach_base_shape check (num_nulls(base_lat, base_lng, radius_km) in (0, 3))
    )`,
    `create table provider_matching (
      provider_id text collate "C" primary key,
      cohort text not null,
      eligible boolean not null,
      categories jsonb not null,
      areas jsonb not null,
      base_lat double precision,
      base_lng double precision,
      radius_km double precision,
      -- The published windows; null when the provider is available at any time.
      windows jsonb,
      max_open integer not null,
      accepted integer not null,
      answered integer not null,
      lapsed integer not null
    )`,
    `create index provider_matching_category_idx on provider_matching
      using gin (categories jsonb_path_ops) where eligible`,
    // Recent load: a provider's accepted offers by decision time.
    `create index offers_accepted_idx on offers (provider_id, decided_at) where state = 'accepted'`,

    // The parts of the row each source owns; counts are changed by increments only, so
    // concurrent writers never overwrite each other's counts with a stale total.
    PROVIDER_MATCHING_PROFILE_0007,
    `create function provider_matching_from_party() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          delete from provider_matching where provider_id = old.id;
          return old;
        end if;
        perform provider_matching_profile(new.id);
        return new;
      end
    $$`,
    `create trigger provider_matching_party after insert or update or delete on parties
      for each row execute function provider_matching_from_party()`,
    `create function provider_matching_from_application() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then perform provider_matching_profile(old.party_id); end if;
        if tg_op <> 'DELETE' then perform provider_matching_profile(new.party_id); end if;
        return null;
      end
    $$`,
    `create trigger provider_matching_application after insert or update or delete on applications
      for each row execute function provider_matching_from_application()`,
    `create function provider_matching_from_reach() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          update provider_matching set base_lat = null, base_lng = null, radius_km = null,
                 windows = null, max_open = 3
           where provider_id = old.provider_id;
        else
          update provider_matching set
            base_lat = new.base_lat, base_lng = new.base_lng, radius_km = new.radius_km,
            windows = case when new.availability ->> '_tag' = 'windows'
                           then new.availability -> 'windows' end,
            max_open = new.max_open_assignments
           where provider_id = new.provider_id;
        end if;
        return null;
      end
    $$`,
    `create trigger provider_matching_reach after insert or update or delete on provider_reach
      for each row execute function provider_matching_from_reach()`,
    // Only moves that change a count touch a provider's row: most offer updates (preview,
    // unlock, withdraw) change none, so they neither write nor lock it, and a transaction
    // closing several providers' offers (withdrawing the losers) takes none of their locks.
    `create function provider_matching_count(pid text, d_accepted int, d_answered int,
        d_lapsed int) returns void language sql as $$
      update provider_matching set
        accepted = accepted + d_accepted,
        answered = answered + d_answered,
        lapsed = lapsed + d_lapsed
       where provider_id = pid and (d_accepted <> 0 or d_answered <> 0 or d_lapsed <> 0)
    $$`,
    PROVIDER_MATCHING_FROM_OFFER_0007,
    `create trigger provider_matching_offer after insert or update or delete on offers
      for each row execute function provider_matching_from_offer()`,
    // Every row from the sources in one statement: providers already there, and bulk loads
    // (which may skip the triggers with session_replication_role = replica, then call it).
    PROVIDER_MATCHING_REBUILD_0007,
    "select provider_matching_rebuild()",
  ),
  down: sql(
    "drop trigger provider_matching_offer on offers",
    "drop trigger provider_matching_reach on provider_reach",
    "drop trigger provider_matching_application on applications",
    "drop trigger provider_matching_party on parties",
    "drop function provider_matching_from_offer()",
    "drop function provider_matching_count(text, int, int, int)",
    "drop function provider_matching_from_reach()",
    "drop function provider_matching_from_application()",
    "drop function provider_matching_from_party()",
    "drop function provider_matching_rebuild()",
    "drop function provider_matching_profile(text)",
    "drop index offers_accepted_idx",
    "drop table provider_matching",
    "drop table provider_reach",
  ),
}

// Secure links (lead, handover): the token is signed, the row is what lets ops list and
// revoke them. No foreign keys: the object is an offer or a request depending on scope.
const secureLinks: Migration = {
  name: "0008_secure_links",
  up: sql(
    `create table secure_links (
      id text collate "C" primary key,
      party_id text collate "C" not null,
      scope text not null constraint secure_links_scope_check check (scope in ('lead', 'handover')),
      object_id text collate "C" not null,
      issued_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoked_by text,
      revoke_reason text,
      constraint secure_links_revocation_check check (
        (revoked_at is null) = (revoked_by is null) and (revoked_at is null) = (revoke_reason is null)
      )
    )`,
    "create index secure_links_party_idx on secure_links (party_id, issued_at desc, id)",
  ),
  down: sql("drop table secure_links"),
}

// A provider's claim to get the credits of one unlock back (lead refunds). One claim per
// offer, enforced here as well as by the use case (which checks under the request's lock).
// No foreign keys, like offers: the port names offers, requests and providers by id.
const leadRefunds: Migration = {
  name: "0009_lead_refunds",
  up: sql(
    `create table lead_refunds (
      id text collate "C" primary key,
      offer_id text collate "C" not null constraint lead_refunds_offer_unique unique,
      request_id text collate "C" not null,
      provider_id text collate "C" not null,
      reason text not null constraint lead_refunds_reason_check check (reason in
        ('invalid_contact', 'duplicate_request', 'withdrawn_before_contact', 'expired')),
      note text,
      duplicate_of text collate "C",
      credits integer not null constraint lead_refunds_credits_check check (credits > 0),
      state text not null constraint lead_refunds_state_check check (state in
        ('requested', 'approved', 'rejected')),
      requested_at timestamptz not null,
      decided_at timestamptz,
      decided_by text,
      decision_reason text,
      updated_at timestamptz not null
    )`,
    // The ops queue: oldest first, all or by state.
    "create index lead_refunds_queue_idx on lead_refunds (requested_at, id)",
    "create index lead_refunds_state_idx on lead_refunds (state, requested_at, id)",
  ),
  down: sql("drop table lead_refunds"),
}

// WhatsApp outbound: what to send (an interactive intent, the template for a closed
// 24-hour window) and what the channel reported back. provider_message_id is unique so a
// delivery status names exactly one message; partial, since email and console sends have none.
const outboxDelivery: Migration = {
  name: "0011_outbox_delivery",
  up: sql(
    'alter table outbox add column provider_message_id text collate "C"',
    `alter table outbox add column delivery text
      constraint outbox_delivery_check check (delivery in ('sent', 'delivered', 'read', 'failed'))`,
    "alter table outbox add column delivery_error text",
    "alter table outbox add column intent jsonb",
    "alter table outbox add column fallback_template jsonb",
    `create unique index outbox_provider_message_id_key on outbox (provider_message_id)
      where provider_message_id is not null`,
    // The conversation history of one phone number or address (fundi ops conversations).
    'create index outbox_to_idx on outbox ("to", created_at desc, seq desc)',
  ),
  down: sql(
    "drop index outbox_to_idx",
    "drop index outbox_provider_message_id_key",
    "alter table outbox drop column fallback_template",
    "alter table outbox drop column intent",
    "alter table outbox drop column delivery_error",
    "alter table outbox drop column delivery",
    "alter table outbox drop column provider_message_id",
  ),
}

/**
 * Balances of accounts that may go below zero (platform revenue, credit issuance, external
 * cash) are kept in stripes instead of one row, so that concurrent transfers into the same
 * account do not queue on its row lock (decision 0011). Nothing about such an account's
 * balance can refuse a transfer, so nothing needs to read it under a lock.
 */
const ledgerBalanceStripes: Migration = {
  name: "0012_ledger_balance_stripes",
  up: sql(
    // An account's balance is ledger_accounts.balance plus the sum of its stripes; a
    // stripe's row lock is held until commit like any other.
    `create table ledger_balance_stripes (
      account_id text collate "C" not null references ledger_accounts (id),
      stripe smallint not null
        constraint ledger_balance_stripes_stripe_check check (stripe between 0 and 31),
      balance bigint not null,
      constraint ledger_balance_stripes_pkey primary key (account_id, stripe)
    )`,
    `create function ledger_account_balance(p_account text) returns bigint
      language sql stable as $$
        select a.balance + coalesce(
          (select sum(s.balance) from ledger_balance_stripes s where s.account_id = a.id), 0)
        from ledger_accounts a where a.id = p_account
      $$`,
    // Every account that may go below zero gets its 32 stripes when it is opened (and the
    // existing ones now), so a transfer never has to insert one: an insert would wait for
    // a concurrent uncommitted insert of the same stripe.
    `create function ledger_open_stripes() returns trigger language plpgsql as $$
      begin
        insert into ledger_balance_stripes (account_id, stripe, balance)
        select new.id, n, 0 from generate_series(0, 31) n;
        return null;
      end
    $$`,
    `create trigger ledger_accounts_open_stripes after insert on ledger_accounts
      for each row when (not new.no_overdraft) execute function ledger_open_stripes()`,
    `insert into ledger_balance_stripes (account_id, stripe, balance)
      select a.id, n, 0 from ledger_accounts a cross join generate_series(0, 31) n
      where not a.no_overdraft`,
    // Adds a change to an account: in place for a no-overdraft account (its CHECK is the
    // last guard against an overdraft, and the transfer holds its lock), else to a stripe
    // that no other transaction holds, starting from this session's own, so concurrent
    // transfers into one account do not wait for each other while stripes last. With all
    // 32 busy it queues on the session's own stripe.
    `create function ledger_move(p_account text, p_change bigint) returns void
      language plpgsql as $$
      declare
        v_stripe smallint;
      begin
        update ledger_accounts set balance = balance + p_change
          where id = p_account and no_overdraft;
        if found then
          return;
        end if;
        select stripe into v_stripe from ledger_balance_stripes
          where account_id = p_account
          order by (stripe - pg_backend_pid() % 32 + 32) % 32
          for update skip locked limit 1;
        if not found then
          v_stripe := pg_backend_pid() % 32;
        end if;
        update ledger_balance_stripes set balance = balance + p_change
          where account_id = p_account and stripe = v_stripe;
      end
    $$`,
    // As in 0002, except that only the no-overdraft side is locked: its balance decides
    // whether the transfer may happen. The other side's balance is read for the adapter's
    // decision (which does not depend on it) without waiting for other transfers.
    `create or replace function ledger_transfer(
      p_id text, p_debit text, p_credit text, p_amount bigint, p_unit text, p_reason text,
      p_memo text, p_links jsonb, p_at timestamptz
    ) returns json language plpgsql as $$
      declare
        v_accounts json;
        v_existing json;
        v_inserted integer := 0;
      begin
        -- No-overdraft is fixed when an account is opened, so it can select what to lock.
        -- Locked in id order, so opposite transfers queue instead of deadlocking.
        perform 1 from ledger_accounts
          where id in (p_debit, p_credit) and no_overdraft order by id for update;
        select coalesce(json_agg(a order by a.id), '[]'::json) into v_accounts from (
          select id, kind, unit, no_overdraft, owner_party_id, created_at,
            ledger_account_balance(id)::text as balance
          from ledger_accounts where id in (p_debit, p_credit)
        ) a;
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
          insert into ledger_transfers
            (id, debit_account_id, credit_account_id, amount, unit, reason, memo, links,
             created_at)
          values (p_id, p_debit, p_credit, p_amount, p_unit, p_reason, p_memo, p_links, p_at)
          on conflict (id) do nothing;
          get diagnostics v_inserted = row_count;
          if v_inserted = 1 then
            perform ledger_move(p_debit, -p_amount);
            perform ledger_move(p_credit, p_amount);
          end if;
        end if;
        return json_build_object(
          'accounts', v_accounts, 'existing', v_existing, 'inserted', v_inserted);
      end
    $$`,
  ),
  down: sql(
    // Folds the stripes back into the rows before the function that ignores them returns.
    `update ledger_accounts a set balance = a.balance + s.total
      from (select account_id, sum(balance) as total from ledger_balance_stripes
        group by account_id) s
      where s.account_id = a.id`,
    LEDGER_TRANSFER_0002.replace("create function", "create or replace function"),
    "drop function ledger_move(text, bigint)",
    "drop trigger ledger_accounts_open_stripes on ledger_accounts",
    "drop function ledger_open_stripes()",
    "drop function ledger_account_balance(text)",
    "drop table ledger_balance_stripes",
  ),
}

// WhatsApp inbound: every webhook update is written here before Meta gets its 200 and
// processed after, once per key (a redelivery hits the primary key and is skipped). seq
// keeps arrival order within one delivery, which received_at cannot. Sessions hold each
// phone's place in a conversation flow.
const whatsappInbox: Migration = {
  name: "0010_whatsapp_inbox",
  up: sql(
    `create table inbox (
      seq bigint generated always as identity,
      key text collate "C" primary key,
      channel text not null constraint inbox_channel_check check (channel in ('whatsapp')),
      phone text collate "C" not null,
      kind text not null constraint inbox_kind_check check (kind in ('message', 'status')),
      update jsonb not null,
      status text not null
        constraint inbox_status_check check (status in ('pending', 'processing', 'processed', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      received_at timestamptz not null,
      processed_at timestamptz,
      last_error text
    )`,
    // The claim scans open entries only; processed ones pile up and must not slow it.
    `create index inbox_open_idx on inbox (received_at, seq)
      where status in ('pending', 'processing')`,
    `create index inbox_open_phone_idx on inbox (phone, received_at, seq)
      where status in ('pending', 'processing') and kind = 'message'`,
    "create index inbox_phone_idx on inbox (phone, received_at desc, seq desc)",
    `create table conversation_sessions (
      phone text collate "C" primary key,
      channel text not null
        constraint conversation_sessions_channel_check check (channel in ('whatsapp')),
      party_id text collate "C",
      position jsonb,
      opted_out boolean not null,
      last_inbound_at timestamptz,
      -- The last message handled: a message handled again (its inbox entry re-claimed
      -- after a crash) changes nothing.
      last_message_id text,
      updated_at timestamptz not null
    )`,
    "create index conversation_sessions_recent_idx on conversation_sessions (updated_at desc, phone)",
  ),
  down: sql("drop table conversation_sessions", "drop table inbox"),
}

/** Signed webhook deliveries (or parts) that could not be used, kept for ops (#5). */
const webhookRejects: Migration = {
  name: "0013_webhook_rejects",
  up: sql(
    `create table webhook_rejects (
      fingerprint text collate "C" primary key,
      channel text not null constraint webhook_rejects_channel_check check (channel in ('whatsapp')),
      reason text not null,
      excerpt text not null,
      size integer not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      count integer not null constraint webhook_rejects_count_check check (count >= 1)
    )`,
    "create index webhook_rejects_recent_idx on webhook_rejects (last_at desc, fingerprint)",
  ),
  down: sql("drop table webhook_rejects"),
}

// Subscriptions (the subscription model) and their gateway payments, and the inbox of the
// gateway's webhook events (#5). due_at is the one timer a subscription has in its state
// (the period end while active, the payment deadline while unpaid), so the scheduler's
// listDue is one range scan of a partial index instead of an OR over two columns.
const subscriptions: Migration = {
  name: "0014_subscriptions",
  up: sql(
    `create table subscriptions (
      id text collate "C" primary key,
      customer_id text collate "C" not null
        constraint subscriptions_customer_fkey references parties (id),
      plan_id text not null,
      plan_name text not null,
      price_minor bigint not null constraint subscriptions_price_check check (price_minor >= 0),
      currency text not null,
      state text not null constraint subscriptions_state_check check (state in
        ('pending_payment', 'active', 'past_due', 'cancelled', 'expired')),
      current_period_start timestamptz,
      current_period_end timestamptz,
      pay_by timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      ended_at timestamptz,
      end_reason text,
      due_at timestamptz generated always as (case
        when state = 'active' then current_period_end
        when state in ('pending_payment', 'past_due') then pay_by
      end) stored
    )`,
    `create index subscriptions_due_idx on subscriptions (due_at, id) where due_at is not null`,
    // At most one unpaid new subscription and one current one per homeowner, whatever the
    // use cases do (two choices at once: the second insert fails).
    `create unique index subscriptions_one_pending_key on subscriptions (customer_id)
      where state = 'pending_payment'`,
    `create unique index subscriptions_one_current_key on subscriptions (customer_id)
      where state in ('active', 'past_due')`,
    "create index subscriptions_recent_idx on subscriptions (created_at desc, id)",
    "create index subscriptions_customer_idx on subscriptions (customer_id, created_at desc, id)",
    "create index subscriptions_state_idx on subscriptions (state, created_at desc, id)",
    `create table subscription_payments (
      id text collate "C" primary key,
      subscription_id text collate "C" not null
        constraint subscription_payments_subscription_fkey references subscriptions (id),
      customer_id text collate "C" not null
        constraint subscription_payments_customer_fkey references parties (id),
      purpose text not null constraint subscription_payments_purpose_check check (purpose in
        ('subscription_start', 'subscription_renewal')),
      -- The gateway's transaction reference: every webhook and verification names it.
      reference text collate "C" not null constraint subscription_payments_reference_key unique,
      amount_minor bigint not null
        constraint subscription_payments_amount_check check (amount_minor >= 0),
      currency text not null,
      state text not null constraint subscription_payments_state_check check (state in
        ('pending', 'paid', 'failed', 'abandoned')),
      checkout_url text,
      gateway_transaction_id text,
      channel text,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      paid_at timestamptz,
      failure_reason text
    )`,
    `create index subscription_payments_subscription_idx
      on subscription_payments (subscription_id, created_at, id)`,
    // Keyed by the gateway's event and object id: a redelivery hits the key and is skipped.
    `create table payment_events (
      key text collate "C" primary key,
      gateway text not null,
      event text not null,
      reference text collate "C",
      payload jsonb not null,
      received_at timestamptz not null,
      state text not null constraint payment_events_state_check check (state in
        ('pending', 'processed', 'ignored', 'failed')),
      attempts integer not null default 0 constraint payment_events_attempts_check check (attempts >= 0),
      next_attempt_at timestamptz not null,
      last_error text,
      processed_at timestamptz,
      outcome text
    )`,
    // The claim scans pending events only; settled ones pile up and must not slow it.
    `create index payment_events_due_idx on payment_events (next_attempt_at, received_at, key)
      where state = 'pending'`,
    "create index payment_events_recent_idx on payment_events (received_at desc, key)",
    "create index payment_events_state_idx on payment_events (state, received_at desc, key)",
    // Plan payments are money of their own in the ledger.
    "alter table ledger_transfers drop constraint ledger_transfers_reason_check",
    `alter table ledger_transfers add constraint ledger_transfers_reason_check check (reason in
      ('topup', 'lead_unlock', 'lead_refund', 'grant', 'clawback', 'consultation_payout',
       'platform_fee', 'earnings_payout', 'subscription_payment'))`,
    // Payment links: /p/<token>, the object being the payment.
    "alter table secure_links drop constraint secure_links_scope_check",
    `alter table secure_links add constraint secure_links_scope_check
      check (scope in ('lead', 'handover', 'payment'))`,
  ),
  down: sql(
    "delete from secure_links where scope = 'payment'",
    "alter table secure_links drop constraint secure_links_scope_check",
    `alter table secure_links add constraint secure_links_scope_check
      check (scope in ('lead', 'handover'))`,
    // Transfers are never deleted: the old check comes back for new rows only.
    "alter table ledger_transfers drop constraint ledger_transfers_reason_check",
    `alter table ledger_transfers add constraint ledger_transfers_reason_check check (reason in
      ('topup', 'lead_unlock', 'lead_refund', 'grant', 'clawback', 'consultation_payout',
       'platform_fee', 'earnings_payout')) not valid`,
    "drop table payment_events",
    "drop table subscription_payments",
    "drop table subscriptions",
  ),
}

/**
 * `lead_lock`: what an offer's use case starts with, in one round trip (decision 0015).
 * It locks the offer's request, then the request's offers (the order every offer use case
 * takes), then, when asked, the offer's provider (an unlock: its weekly budget is decided
 * one spend at a time, and its status cannot change meanwhile), and only then reads: each statement of a volatile function takes a new
 * snapshot, so the rows read are the ones now locked, with any change committed while it
 * waited. Rows come as to_jsonb of the whole row (the adapter decodes them as it decodes a
 * table's rows); the request's money as text, never a JSON number.
 */
const leadLock: Migration = {
  name: "0015_lead_lock",
  up: sql(`create function lead_lock(p_offer text, p_lock_provider boolean)
      returns jsonb language plpgsql as $$
      declare
        v_request text;
        v_provider text;
        v_customer text;
      begin
        select request_id, provider_id into v_request, v_provider from offers where id = p_offer;
        if not found then
          return null;
        end if;
        select customer_id into v_customer from service_requests where id = v_request for update;
        if not found then
          return null;
        end if;
        perform 1 from offers where request_id = v_request order by offered_at, id for update;
        if p_lock_provider then
          perform 1 from parties where id = v_provider for update;
        end if;
        return jsonb_build_object(
          'request', (select to_jsonb(r) || jsonb_build_object(
              'total_amount_minor', r.total_amount_minor::text)
            from service_requests r where r.id = v_request),
          'offers', (select coalesce(jsonb_agg(to_jsonb(o) order by o.offered_at, o.id), '[]')
            from offers o where o.request_id = v_request),
          'parties', (select coalesce(jsonb_agg(to_jsonb(p)), '[]') from parties p
            where p.id = v_customer
              or p.id in (select provider_id from offers where request_id = v_request)),
          'application', (select to_jsonb(a) from applications a where a.party_id = v_provider
            order by a.created_at desc, a.id desc limit 1),
          'weekly_credit_budget', (select w.weekly_credit_budget from wallet_settings w
            where w.party_id = v_provider));
      end
    $$`),
  down: sql("drop function lead_lock(text, boolean)"),
}

/**
 * The offers trigger calls `provider_matching_count` only when a count changes. Its update
 * already changed no row then, but the call itself (an SQL function, a statement) was made
 * for every offer write: five per accepted lead, one per unlock.
 */
const matchingTriggerSkipsNoChange: Migration = {
  name: "0016_matching_trigger_skips_no_change",
  up: sql(`create or replace function provider_matching_from_offer() returns trigger language plpgsql as $$
      declare
        was int[] := array[0, 0, 0];
        now_ int[] := array[0, 0, 0];
      begin
        if tg_op <> 'INSERT' then
          was := array[(old.state = 'accepted')::int,
            (old.state in ('accepted', 'declined')
              or (old.state = 'expired' and old.expiry_cause is not distinct from 'slots_passed'))::int,
            (old.state = 'expired' and coalesce(old.expiry_cause in ('ttl', 'hold'), false))::int];
        end if;
        if tg_op <> 'DELETE' then
          now_ := array[(new.state = 'accepted')::int,
            (new.state in ('accepted', 'declined')
              or (new.state = 'expired' and new.expiry_cause is not distinct from 'slots_passed'))::int,
            (new.state = 'expired' and coalesce(new.expiry_cause in ('ttl', 'hold'), false))::int];
        end if;
        if tg_op = 'UPDATE' and old.provider_id = new.provider_id then
          -- Most offer writes (preview, unlock, withdraw) change no count: no call at all.
          if now_ <> was then
            perform provider_matching_count(new.provider_id,
              now_[1] - was[1], now_[2] - was[2], now_[3] - was[3]);
          end if;
        else
          if tg_op <> 'INSERT' then
            perform provider_matching_count(old.provider_id, -was[1], -was[2], -was[3]);
          end if;
          if tg_op <> 'DELETE' then
            perform provider_matching_count(new.provider_id, now_[1], now_[2], now_[3]);
          end if;
        end if;
        return null;
      end
    $$`),
  down: sql(
    PROVIDER_MATCHING_FROM_OFFER_0007.replace("create function", "create or replace function"),
  ),
}

/**
 * A due subscription the scheduler failed to move is left out of `listDue` until
 * `due_retry_at`, so that as many failing ones as a run takes cannot hold back the rest
 * for ever. Any update of the subscription clears it.
 */
const subscriptionDueRetry: Migration = {
  name: "0017_subscription_due_retry",
  up: sql("alter table subscriptions add column due_retry_at timestamptz"),
  down: sql("alter table subscriptions drop column due_retry_at"),
}

/**
 * The marketplace's settings that every process on the database must share: the policy
 * (its whole JSON), recorded by the first process to open the database and checked by
 * every later one (`pinPolicy`), so a CLI started with another FUNDI_POLICY than the
 * server's cannot dispatch or sell leads by other rules.
 */
const marketplaceSettings: Migration = {
  name: "0018_marketplace_settings",
  up: sql(`create table marketplace_settings (
      name text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`),
  down: sql("drop table marketplace_settings"),
}

// Whether a lead offer can reach the provider at all: it goes by WhatsApp, and by email
// when the profile has an address. A provider who said "stop" on WhatsApp (their phone's
// conversation session) and has no email address is not eligible: the offer would fail in
// the outbox and hold a broadcast slot, or the whole lead, until its time-to-live.
const PROVIDER_REACHABLE = `(p.profile ->> 'email' is not null
               or not coalesce((select s.opted_out from conversation_sessions s
                                 where s.phone = p.phone collate "C"), false))`

/**
 * `provider_matching.eligible` also requires the provider to be reachable (see above): the
 * profile and rebuild functions compute it, and triggers on conversation_sessions recompute
 * the provider's row when an opt-out starts or ends (saying "start" makes them eligible
 * again). Ordinary session writes (every inbound message) change no `opted_out` and fire
 * nothing. Parties already recompute their row on every write (an email added or removed).
 */
const providerMatchingReachable: Migration = {
  name: "0019_provider_matching_reachable",
  up: sql(
    `create or replace function provider_matching_profile(pid text) returns void language plpgsql as $$
      begin
        insert into provider_matching as m (provider_id, cohort, eligible, categories, areas,
            base_lat, base_lng, radius_km, windows, max_open, accepted, answered, lapsed)
        select p.id, p.cohort,
               p.status = 'active' and coalesce((select a.state = 'approved' from applications a
                 where a.party_id = p.id order by a.created_at desc, a.id desc limit 1), false)
               and ${PROVIDER_REACHABLE},
               coalesce(p.profile -> 'categories', '[]'), coalesce(p.profile -> 'serviceAreas', '[]'),
               r.base_lat, r.base_lng, r.radius_km,
               case when r.availability ->> '_tag' = 'windows' then r.availability -> 'windows' end,
               coalesce(r.max_open_assignments, 3),
               s.accepted, s.answered, s.lapsed
          from parties p
          left join provider_reach r on r.provider_id = p.id
          cross join lateral (
            select count(*) filter (where o.state = 'accepted')::int as accepted,
                   count(*) filter (where o.state in ('accepted', 'declined')
                     or (o.state = 'expired' and o.expiry_cause = 'slots_passed'))::int as answered,
                   count(*) filter (where o.state = 'expired'
                     and o.expiry_cause in ('ttl', 'hold'))::int as lapsed
              from offers o where o.provider_id = p.id) s
         where p.id = pid and p.kind = 'provider'
        on conflict (provider_id) do update set
          cohort = excluded.cohort, eligible = excluded.eligible,
          categories = excluded.categories, areas = excluded.areas;
        if not found then delete from provider_matching where provider_id = pid; end if;
      end
    $$`,
    `create or replace function provider_matching_rebuild() returns void language sql as $$
      delete from provider_matching;
      insert into provider_matching (provider_id, cohort, eligible, categories, areas,
          base_lat, base_lng, radius_km, windows, max_open, accepted, answered, lapsed)
      select p.id, p.cohort,
             p.status = 'active' and coalesce(la.approved, false) and ${PROVIDER_REACHABLE},
             coalesce(p.profile -> 'categories', '[]'), coalesce(p.profile -> 'serviceAreas', '[]'),
             r.base_lat, r.base_lng, r.radius_km,
             case when r.availability ->> '_tag' = 'windows' then r.availability -> 'windows' end,
             coalesce(r.max_open_assignments, 3),
             coalesce(s.accepted, 0), coalesce(s.answered, 0), coalesce(s.lapsed, 0)
        from parties p
        left join provider_reach r on r.provider_id = p.id
        left join lateral (select a.state = 'approved' as approved from applications a
                            where a.party_id = p.id
                            order by a.created_at desc, a.id desc limit 1) la on true
        left join (
          select o.provider_id,
                 count(*) filter (where o.state = 'accepted')::int as accepted,
                 count(*) filter (where o.state in ('accepted', 'declined')
                   or (o.state = 'expired' and o.expiry_cause = 'slots_passed'))::int as answered,
                 count(*) filter (where o.state = 'expired'
                   and o.expiry_cause in ('ttl', 'hold'))::int as lapsed
            from offers o group by o.provider_id) s on s.provider_id = p.id
       where p.kind = 'provider'
    $$`,
    // Sessions are keyed by the phone (collation "C"), parties by id with a unique phone.
    `create function provider_matching_from_session() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'DELETE' then
          perform provider_matching_profile(p.id) from parties p
            where p.phone = new.phone collate "default" and p.kind = 'provider';
        end if;
        if tg_op = 'DELETE' or (tg_op = 'UPDATE' and old.phone <> new.phone) then
          perform provider_matching_profile(p.id) from parties p
            where p.phone = old.phone collate "default" and p.kind = 'provider';
        end if;
        return null;
      end
    $$`,
    `create trigger provider_matching_session_insert after insert on conversation_sessions
      for each row when (new.opted_out) execute function provider_matching_from_session()`,
    `create trigger provider_matching_session_update after update on conversation_sessions
      for each row when (old.opted_out is distinct from new.opted_out
                         or old.phone is distinct from new.phone)
      execute function provider_matching_from_session()`,
    `create trigger provider_matching_session_delete after delete on conversation_sessions
      for each row when (old.opted_out) execute function provider_matching_from_session()`,
    // Backfill: only providers already opted out with no email change.
    `update provider_matching m set eligible = false
       from parties p join conversation_sessions s on s.phone = p.phone collate "C"
      where m.provider_id = p.id and m.eligible and s.opted_out
        and p.profile ->> 'email' is null`,
  ),
  down: sql(
    "drop trigger provider_matching_session_delete on conversation_sessions",
    "drop trigger provider_matching_session_update on conversation_sessions",
    "drop trigger provider_matching_session_insert on conversation_sessions",
    "drop function provider_matching_from_session()",
    PROVIDER_MATCHING_PROFILE_0007.replace("create function", "create or replace function"),
    PROVIDER_MATCHING_REBUILD_0007.replace("create function", "create or replace function"),
    "select provider_matching_rebuild()",
  ),
}

/**
 * A sender's messages are handled in the order they were sent (WhatsApp's timestamp), not
 * the order a delivery listed them: `sent_at` is that timestamp (null for statuses), and the
 * per-phone claim index orders by it, then by arrival (received_at, seq) for ties.
 */
const inboxSenderOrder: Migration = {
  name: "0020_inbox_sender_order",
  up: sql(
    "alter table inbox add column sent_at timestamptz",
    `update inbox set sent_at = timestamptz 'epoch'
        + ((update -> 'message' ->> 'at')::bigint) * interval '1 millisecond'
      where kind = 'message'`,
    `alter table inbox add constraint inbox_sent_at_check
      check ((kind = 'message') = (sent_at is not null))`,
    "drop index inbox_open_phone_idx",
    `create index inbox_open_phone_idx on inbox (phone, sent_at, received_at, seq)
      where status in ('pending', 'processing') and kind = 'message'`,
  ),
  down: sql(
    "drop index inbox_open_phone_idx",
    `create index inbox_open_phone_idx on inbox (phone, received_at, seq)
      where status in ('pending', 'processing') and kind = 'message'`,
    "alter table inbox drop constraint inbox_sent_at_check",
    "alter table inbox drop column sent_at",
  ),
}

/**
 * Outbox.enqueue does not store a WhatsApp message to a number that said "stop", bar the
 * opt-out confirmation (core's `writableFor`; decision 0022): it could only fail. A BEFORE
 * trigger returning NULL skips the row in every way messages are inserted (alone, with
 * `on conflict (dedupe_key) do nothing`, or as one part of the WITH statement held inserts
 * are sent in at commit) at no extra round trip, and it sees the sessions its transaction
 * wrote. The WHEN clause keeps email, SMS and the confirmation from calling it at all; the
 * lookup is the sessions' primary key (both sides in collation "C").
 */
const outboxSkipsOptedOut: Migration = {
  name: "0021_outbox_skips_opted_out",
  up: sql(
    `create function outbox_skip_opted_out() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from conversation_sessions s
                    where s.phone = new."to" collate "C" and s.opted_out) then
          return null;
        end if;
        return new;
      end
    $$`,
    `create trigger outbox_skip_opted_out before insert on outbox
      for each row when (new.channel = 'whatsapp' and new.template <> 'conversation.stopped')
      execute function outbox_skip_opted_out()`,
  ),
  down: sql(
    "drop trigger outbox_skip_opted_out on outbox",
    "drop function outbox_skip_opted_out()",
  ),
}

export const migrations: ReadonlyArray<Migration> = [
  vettingFoundation,
  ledgerAndWallet,
  serviceRequests,
  offers,
  offerCreditsWhole,
  offerDeadlines,
  providerReach,
  secureLinks,
  leadRefunds,
  whatsappInbox,
  outboxDelivery,
  ledgerBalanceStripes,
  webhookRejects,
  subscriptions,
  leadLock,
  matchingTriggerSkipsNoChange,
  subscriptionDueRetry,
  marketplaceSettings,
  providerMatchingReachable,
  inboxSenderOrder,
  outboxSkipsOptedOut,
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
