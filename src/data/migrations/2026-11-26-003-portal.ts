/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
const statements = [
  // How a person wants to hear from us, and what they need from us.
  `alter table people add column contact_preference text not null default 'email' check (contact_preference in ('email', 'sms', 'post'))`,
  `alter table people add column adjustments_text text`,

  // Emailed one-time sign-in codes: stored hashed, expire, single use, superseded by a newer one.
  `create table sign_in_codes (
    id serial primary key,
    email text not null,
    code_hash text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    attempts integer not null default 0,
    used_at timestamptz,
    superseded_at timestamptz
  )`,
  `create index sign_in_codes_email_idx on sign_in_codes (lower(email), created_at desc)`,

  // A complaint being written online: answers saved as they go, resumable.
  `create table complaint_drafts (
    id uuid primary key,
    email text,
    answers jsonb not null default '{}',
    created_at timestamptz not null,
    updated_at timestamptz not null,
    submitted_at timestamptz,
    case_id integer references cases(id)
  )`,

  // Messages between the complainant (or representative) and the caseworker, per case.
  `create table messages (
    id serial primary key,
    case_id integer not null references cases(id),
    from_person_id integer references people(id),
    from_staff_id integer references staff_users(id),
    sent_at timestamptz not null,
    read_at timestamptz,
    body_text text not null,
    check ((from_person_id is null) <> (from_staff_id is null))
  )`,
  `create index messages_case_idx on messages (case_id, id)`,

  // Who uploaded a document, and what the virus scan said.
  `alter table documents add column uploaded_by_person_id integer references people(id)`,
  `alter table documents add column scan_status text not null default 'not-scanned' check (scan_status in ('not-scanned', 'clean', 'quarantined'))`,

  // Every notification we send, kept: the local outbox shows them; GOV.UK Notify sends them.
  `create table notifications (
    id serial primary key,
    case_id integer references cases(id),
    person_id integer references people(id),
    channel text not null check (channel in ('email', 'sms')),
    recipient text not null,
    template text not null,
    personalisation jsonb not null default '{}',
    status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
    attempts integer not null default 0,
    last_error text,
    provider_reference text,
    created_at timestamptz not null,
    sent_at timestamptz
  )`,
  `create index notifications_case_idx on notifications (case_id)`,
  `create index notifications_created_idx on notifications (created_at desc)`,

  // Background jobs on the same database, taken with FOR UPDATE SKIP LOCKED by any worker.
  `create table jobs (
    id bigserial primary key,
    kind text not null,
    payload jsonb not null default '{}',
    run_at timestamptz not null,
    attempts integer not null default 0,
    max_attempts integer not null default 5,
    locked_at timestamptz,
    locked_by text,
    last_error text,
    done_at timestamptz,
    failed_at timestamptz,
    created_at timestamptz not null
  )`,
  `create index jobs_due_idx on jobs (run_at) where done_at is null and failed_at is null`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['jobs', 'notifications', 'messages', 'complaint_drafts', 'sign_in_codes']) await sql.raw(`drop table if exists ${table}`).execute(db);
  await sql.raw('alter table documents drop column if exists scan_status, drop column if exists uploaded_by_person_id').execute(db);
  await sql.raw('alter table people drop column if exists adjustments_text, drop column if exists contact_preference').execute(db);
}
