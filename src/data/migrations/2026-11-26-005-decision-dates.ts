/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// Searching published decisions by decision date (and the annual figures dated by the final
// decision) read final decisions by date: without this index, a date range over twenty years of
// decisions was a scan (about 200 ms at 100,000 published decisions).
const statements = [
  `create index decisions_final_made_at_idx on decisions (made_at, case_id) where kind = 'final'`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop index if exists decisions_final_made_at_idx').execute(db);
}
