/**
 * A little casework to back up and restore: complaints recorded as the online form does, each
 * with a document on disk, and a way to compare two databases table by table.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { CalendarHolder, syncBankHolidays } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { recordContact } from '../../src/services/intake.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import type { FileStore } from '../../src/files/file-store.ts';

export interface SampleDocument {
  caseId: number;
  sha256: string;
  storageKey: string;
}

/** Records `cases` complaints (with a document each) received on 18 May 2026; returns the documents. */
export async function recordSampleCasework(db: Kysely<Database>, files: FileStore, cases: number): Promise<SampleDocument[]> {
  await syncBankHolidays(db, 2025, 2027);
  const holidays = new CalendarHolder(db);
  await holidays.refresh();
  await upsertBodies(db, fictionalDemoBodies());
  const body = await db.selectFrom('bodies').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const deps: ServiceDeps = { db, clock: fixedClock(new Date('2026-05-18T09:00:00Z')), calendar: holidays.get, files };
  const documents: SampleDocument[] = [];
  for (let n = 1; n <= cases; n += 1) {
    const recorded = await recordContact(deps, {
      channel: 'web',
      receivedAt: new Date(`2026-05-18T08:${String(n % 60).padStart(2, '0')}:00Z`),
      complainant: { fullName: `Sample Complainant ${n}`, email: `sample.${n}@example.com` },
      bodyIds: [body.id],
      summary: `Sample complaint ${n}: the council did not answer my letters.`,
      outcome: 'case-created',
      category: 'Housing',
      subcategory: 'Homelessness',
      jurisdiction: 'local-government',
    }, null);
    const caseRow = await db.selectFrom('cases').select('id').where('reference', '=', recorded.reference as string).executeTakeFirstOrThrow();
    const stored = await files.put(Buffer.from(`Letter ${n} from the council, with its own words so its hash is its own.\n`));
    await db.insertInto('documents').values({
      case_id: caseRow.id, file_name: `letter-${n}.txt`, content_type: 'text/plain', size_bytes: stored.size, sha256: stored.sha256, storage_key: stored.key, uploaded_by: null,
    }).execute();
    documents.push({ caseId: caseRow.id, sha256: stored.sha256, storageKey: stored.key });
  }
  return documents;
}

/** Rows in every table of the public schema, by table name. */
export async function tableCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    counts[name] = row.rows[0]?.n ?? 0;
  }
  return counts;
}
