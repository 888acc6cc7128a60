/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
const statements = [
  // The telephony feed: one row a call presented to the intake team.
  `create table calls (
    id serial primary key,
    call_id text not null unique,
    presented_at timestamptz not null,
    answered_at timestamptz,
    check (answered_at is null or answered_at >= presented_at)
  )`,
  `create index calls_presented_idx on calls (presented_at)`,
  `create index contacts_channel_received_idx on contacts (channel, received_at)`,
  `create index cases_allocated_idx on cases (allocated_at) where allocated_at is not null`,

  // Every calendar day with its working-day facts, derived from bank_holidays, so service
  // standards over a million cases are one set-based query instead of a loop in the application.
  // Rebuilt whenever the bank-holiday list changes.
  `create table calendar_days (
    day date primary key,
    working boolean not null,
    working_day_number integer not null,
    next_working_day date not null,
    twentieth_working_day date not null
  )`,

  // Service standards are configuration, so another scheme can set its own targets without code.
  `create table service_standards (
    id text primary key,
    position integer not null,
    description text not null,
    measure text not null,
    target numeric not null,
    comparison text not null check (comparison in ('at-least', 'at-most', 'improves')),
    better_when text check (better_when in ('higher', 'lower')),
    unit text not null
  )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['service_standards', 'calendar_days', 'calls']) await sql.raw(`drop table if exists ${table}`).execute(db);
  await sql.raw('drop index if exists contacts_channel_received_idx').execute(db);
  await sql.raw('drop index if exists cases_allocated_idx').execute(db);
}
