/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// Searching cases by a representative's name looks cases up by representative_id, as it does by
// complainant_id (cases_complainant_idx); without this index that lookup read every case.
const statements = [`create index cases_representative_idx on cases (representative_id) where representative_id is not null`];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop index if exists cases_representative_idx').execute(db);
}
