/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// Public accountability: link officers at bodies, the life of a remedy after the decision
// (reminders, evidence, satisfaction, delay), published decisions after an anonymisation review,
// public interest and focus reports, annual letters, council boundaries for the map, and a cache
// for computed public statistics.
const statements = [
  // A named person at a body who receives our enquiries and confirms compliance. Signs in with an
  // emailed code, like a complainant; sees only their own body's cases.
  `create table link_officers (
    id serial primary key,
    body_id integer not null references bodies(id),
    email text not null,
    full_name text not null,
    phone text,
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`,
  `create unique index link_officers_body_email_idx on link_officers (body_id, lower(email))`,
  `create index link_officers_email_idx on link_officers (lower(email))`,

  `alter table enquiries add column responded_by_link_officer_id integer references link_officers(id)`,
  `create index enquiries_body_idx on enquiries (body_id, due_on)`,
  `alter table documents add column uploaded_by_link_officer_id integer references link_officers(id)`,

  // A remedy after the decision. due_on stays the date we recommended (statistics count from it);
  // a remedy still outstanding after 12 months becomes "delayed" with a due date of its own.
  `alter table remedies add column satisfaction text check (satisfaction in ('satisfied', 'partly-satisfied', 'not-satisfied'))`,
  `alter table remedies add column satisfaction_recorded_at timestamptz`,
  `alter table remedies add column delayed_at timestamptz`,
  `alter table remedies add column delayed_due_on date`,
  `alter table remedies add column confirmed_by_link_officer_id integer references link_officers(id)`,
  `alter table remedies add column evidence_document_id integer references documents(id)`,
  // Imported history: one row per (case, kind, due date) in the import file, so re-running is idempotent.
  `alter table remedies add column import_key text unique`,
  `create index remedies_due_on_idx on remedies (due_on)`,
  `create table remedy_reminders (
    remedy_id integer not null references remedies(id),
    kind text not null,
    sent_at timestamptz not null,
    primary key (remedy_id, kind)
  )`,

  // A final decision published after an anonymisation review: the statement with names and
  // addresses removed, drafted by one person and approved by another (enforced here too).
  `create table published_decisions (
    id serial primary key,
    case_id integer not null unique references cases(id),
    decision_id integer not null references decisions(id),
    summary_text text not null,
    statement_text text not null,
    drafted_by integer not null references staff_users(id),
    drafted_at timestamptz not null,
    approved_by integer references staff_users(id),
    approved_at timestamptz,
    published_at timestamptz,
    withdrawn_at timestamptz,
    search tsvector generated always as (to_tsvector('english', summary_text || ' ' || statement_text)) stored,
    check (approved_by is null or approved_by <> drafted_by),
    check (published_at is null or approved_at is not null)
  )`,
  `create index published_decisions_search_idx on published_decisions using gin (search)`,
  `create index published_decisions_public_idx on published_decisions (published_at desc, id desc) where published_at is not null and withdrawn_at is null`,

  // Public interest reports and focus reports: drafted, approved by a second person, published.
  `create table reports (
    id serial primary key,
    kind text not null check (kind in ('public-interest', 'focus')),
    slug text not null unique,
    title text not null,
    summary_text text not null,
    body_text text not null,
    body_id integer references bodies(id),
    drafted_by integer not null references staff_users(id),
    drafted_at timestamptz not null,
    approved_by integer references staff_users(id),
    approved_at timestamptz,
    published_at timestamptz,
    check (approved_by is null or approved_by <> drafted_by),
    check (published_at is null or approved_at is not null)
  )`,
  `create table report_cases (
    report_id integer not null references reports(id),
    case_id integer not null references cases(id),
    primary key (report_id, case_id)
  )`,

  // Each council's annual review letter for a plan year (1 April to 31 March, named by its first year).
  `create table annual_letters (
    id serial primary key,
    body_id integer not null references bodies(id),
    plan_year integer not null,
    statement_text text,
    figures jsonb,
    generated_at timestamptz,
    storage_key text,
    sha256 text,
    size_bytes integer,
    reviewed_by integer references staff_users(id),
    reviewed_at timestamptz,
    published_at timestamptz,
    unique (body_id, plan_year)
  )`,
  `create table letter_batches (
    id serial primary key,
    plan_year integer not null,
    requested_by integer references staff_users(id),
    requested_at timestamptz not null,
    total integer not null,
    done integer not null default 0,
    failed integer not null default 0,
    finished_at timestamptz
  )`,

  // Council boundaries (GeoJSON geometry, WGS84) for the map; counties are drawn from their districts.
  `create table body_boundaries (
    body_id integer primary key references bodies(id),
    geometry jsonb not null,
    source text not null,
    imported_at timestamptz not null
  )`,

  // Computed public figures, keyed by what they answer (e.g. a year's statistics); recomputed
  // when stale, so public pages stay fast on many years of cases.
  `create table statistics_cache (
    key text primary key,
    computed_at timestamptz not null,
    payload jsonb not null
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['statistics_cache', 'body_boundaries', 'letter_batches', 'annual_letters', 'report_cases', 'reports', 'published_decisions', 'remedy_reminders']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
  await sql.raw(`alter table remedies drop column if exists satisfaction, drop column if exists satisfaction_recorded_at, drop column if exists delayed_at,
    drop column if exists delayed_due_on, drop column if exists confirmed_by_link_officer_id, drop column if exists evidence_document_id, drop column if exists import_key`).execute(db);
  await sql.raw('drop index if exists remedies_due_on_idx').execute(db);
  await sql.raw('alter table documents drop column if exists uploaded_by_link_officer_id').execute(db);
  await sql.raw('drop index if exists enquiries_body_idx').execute(db);
  await sql.raw('alter table enquiries drop column if exists responded_by_link_officer_id').execute(db);
  await sql.raw('drop table if exists link_officers').execute(db);
}
