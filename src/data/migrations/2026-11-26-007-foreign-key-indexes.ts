/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen and untyped by design */
import { sql, type Kysely } from 'kysely';

// Frozen in time: this migration never imports the application's types or code.
//
// Deleting a person or a case (retention will) checks every foreign key that refers to it; without
// an index each check reads the whole referring table (the benchmark's clean-up of a few thousand
// people had not finished after 17 minutes at a million cases).
const statements = [
  `create index contacts_person_idx on contacts (person_id) where person_id is not null`,
  `create index messages_from_person_idx on messages (from_person_id) where from_person_id is not null`,
  `create index documents_uploaded_by_person_idx on documents (uploaded_by_person_id) where uploaded_by_person_id is not null`,
  `create index cases_contact_idx on cases (contact_id) where contact_id is not null`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['cases_contact_idx', 'documents_uploaded_by_person_idx', 'messages_from_person_idx', 'contacts_person_idx']) {
    await sql.raw(`drop index if exists ${index}`).execute(db);
  }
}
