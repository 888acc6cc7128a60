/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// Personal data (names, contact details, free text, documents) lives in `people`, in the
// `*_text` columns and in `documents`; the facts statistics need (dates, bodies, category,
// outcome, remedies) live in columns of their own, so anonymising a case later leaves every
// published figure unchanged.
const statements = [
  `create table bodies (
    id serial primary key,
    code text not null unique,
    name text not null,
    kind text not null check (kind in ('council', 'care-provider', 'health-body', 'other')),
    council_type text,
    region text,
    county_code text,
    combined_authority text,
    population integer,
    fictional boolean not null default false,
    created_at timestamptz not null default now()
  )`,
  `create index bodies_name_idx on bodies (lower(name) text_pattern_ops)`,

  // The bank holidays deadlines are counted with. Loaded from a maintained source at start-up and
  // editable by an administrator (a one-off holiday can be announced); open cases' stored
  // deadlines are recomputed whenever the list changes.
  `create table bank_holidays (
    date date primary key,
    name text not null,
    source text not null default 'date-holidays'
  )`,

  `create table staff_users (
    id serial primary key,
    email text not null unique,
    display_name text not null,
    password_hash text not null,
    roles text[] not null,
    team text,
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`,

  `create table sessions (
    sid text primary key,
    data jsonb not null,
    expires_at timestamptz not null
  )`,
  `create index sessions_expires_idx on sessions (expires_at)`,

  `create table people (
    id serial primary key,
    full_name text not null,
    email text,
    phone text,
    address text,
    created_at timestamptz not null default now()
  )`,
  `create index people_name_idx on people (lower(full_name) text_pattern_ops)`,
  `create index people_email_idx on people (lower(email))`,

  `create table contacts (
    id serial primary key,
    external_id text unique,
    channel text not null check (channel in ('phone', 'email', 'letter', 'web', 'in-person')),
    received_at timestamptz not null,
    dealt_with_at timestamptz,
    outcome text check (outcome in ('advice-given', 'signposted', 'premature', 'case-created')),
    person_id integer references people(id),
    body_id integer references bodies(id),
    summary_text text,
    recorded_by integer references staff_users(id),
    created_at timestamptz not null default now()
  )`,
  `create index contacts_received_idx on contacts (received_at)`,

  `create table reference_sequences (
    year integer primary key,
    last_value integer not null
  )`,

  `create table cases (
    id serial primary key,
    reference text not null unique,
    contact_id integer references contacts(id),
    received_at timestamptz not null,
    registered_at timestamptz not null default now(),
    complainant_id integer references people(id),
    representative_id integer references people(id),
    category text not null,
    subcategory text not null,
    jurisdiction text not null check (jurisdiction in ('local-government', 'adult-social-care', 'private-social-care')),
    stage text not null,
    team text not null default 'assessment',
    joint boolean not null default false,
    owner_id integer references staff_users(id),
    assessment_due_on date,
    assessment_decided_at timestamptz,
    allocated_at timestamptz,
    draft_shared_at timestamptz,
    decided_at timestamptz,
    closed_at timestamptz,
    outcome text,
    closing_reason text,
    clock_stopped_at timestamptz,
    clock_stop_reason_text text,
    summary_text text,
    version integer not null default 1,
    imported boolean not null default false
  )`,
  `create index cases_queue_idx on cases (stage, team, assessment_due_on, id)`,
  `create index cases_owner_idx on cases (owner_id, stage) where closed_at is null`,
  `create index cases_received_idx on cases (received_at)`,
  `create index cases_closed_idx on cases (closed_at)`,
  `create index cases_open_idx on cases (received_at, id) where closed_at is null`,
  `create index cases_complainant_idx on cases (complainant_id)`,

  `create table case_bodies (
    case_id integer not null references cases(id),
    body_id integer not null references bodies(id),
    primary key (case_id, body_id)
  )`,
  `create index case_bodies_body_idx on case_bodies (body_id)`,

  `create table clock_stops (
    id serial primary key,
    case_id integer not null references cases(id),
    stopped_at timestamptz not null,
    restarted_at timestamptz,
    working_days_stopped integer,
    reason_text text not null
  )`,
  `create index clock_stops_case_idx on clock_stops (case_id)`,

  `create table joint_working (
    case_id integer primary key references cases(id),
    consent_to_joint_at timestamptz not null,
    consent_to_share_at timestamptz not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    end_reason_text text
  )`,

  `create table enquiries (
    id serial primary key,
    case_id integer not null references cases(id),
    body_id integer not null references bodies(id),
    sent_at timestamptz not null,
    due_on date not null,
    responded_at timestamptz,
    question_text text not null,
    response_text text
  )`,
  `create index enquiries_case_idx on enquiries (case_id)`,

  `create table documents (
    id serial primary key,
    case_id integer not null references cases(id),
    file_name text not null,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    storage_key text not null,
    uploaded_by integer references staff_users(id),
    uploaded_at timestamptz not null default now(),
    deleted_at timestamptz
  )`,
  `create index documents_case_idx on documents (case_id)`,

  `create table decisions (
    id serial primary key,
    case_id integer not null references cases(id),
    kind text not null check (kind in ('draft', 'final')),
    outcome text not null,
    made_by integer references staff_users(id),
    made_at timestamptz not null,
    comments_due_on date,
    reasons_text text not null
  )`,
  `create index decisions_case_idx on decisions (case_id)`,

  `create table remedies (
    id serial primary key,
    case_id integer not null references cases(id),
    decision_id integer references decisions(id),
    kind text not null,
    amount_pence integer,
    due_on date not null,
    status text not null default 'pending' check (status in ('pending', 'complied-on-time', 'complied-late', 'not-complied')),
    settled_on date,
    recorded_at timestamptz,
    description_text text,
    evidence_text text
  )`,
  `create index remedies_case_idx on remedies (case_id)`,
  `create index remedies_pending_idx on remedies (due_on) where status = 'pending'`,

  `create table remedy_shares (
    remedy_id integer not null references remedies(id),
    body_id integer not null references bodies(id),
    amount_pence integer not null,
    primary key (remedy_id, body_id)
  )`,

  `create table case_events (
    id bigserial primary key,
    case_id integer not null references cases(id),
    occurred_at timestamptz not null,
    actor_id integer references staff_users(id),
    kind text not null,
    facts jsonb not null default '{}',
    detail_text text
  )`,
  `create index case_events_case_idx on case_events (case_id, id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['case_events', 'remedy_shares', 'remedies', 'decisions', 'documents', 'enquiries', 'joint_working',
    'clock_stops', 'case_bodies', 'cases', 'reference_sequences', 'contacts', 'people', 'sessions', 'staff_users', 'bank_holidays', 'bodies']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
}
