/**
 * Helpers for the annual letters tests: reading a PDF's text without pdfkit (from the bytes of an
 * uncompressed PDF), and a plan year of cases and remedies with hand-worked figures.
 */
import { Readable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';

// WinAnsi's typographic characters that differ from Latin-1 (the letters use these).
const winAnsi: Record<number, string> = { 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—' };

function decodeHex(hex: string): string {
  let text = '';
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const code = parseInt(hex.slice(i, i + 2), 16);
    text += winAnsi[code] ?? String.fromCharCode(code);
  }
  return text;
}

/**
 * The text a PDF shows, in drawing order, words separated by single spaces. Reads each content
 * stream (inflating compressed ones) and decodes the hex strings of its TJ operators, as pdfkit
 * writes them for the standard fonts.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts: string[] = [];
  const streamPattern = /<<([^]*?)>>\s*stream\r?\n/g;
  for (let match = streamPattern.exec(raw); match; match = streamPattern.exec(raw)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    let content = raw.slice(start, end);
    if (/\/FlateDecode/.test(match[1] ?? '')) {
      try {
        content = inflateSync(Buffer.from(content, 'latin1')).toString('latin1');
      } catch {
        continue;
      }
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      parts.push([...(tj[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => decodeHex(h[1] ?? '')).join(''));
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

const CASES_HEADER = 'reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome';

/**
 * Plan year 2017-18 for two district councils (hand-worked):
 * - Sampleton (X99000002): 3 received, 3 decisions, 3 investigations, 2 upheld (one already
 *   remedied by the council); remedies due in the year: 2 of 3 settled ones complied, 1 pending;
 *   agreed: 1 apology, 1 financial payment, 1 service improvement ("Publish the repairs
 *   timetable"), 1 training.
 * - Illustration Vale (X99000006): 1 received, closed after initial enquiries: no investigations.
 */
export async function seedPlanYear2017(db: Kysely<Database>): Promise<void> {
  const cases = [
    '17 000 001,2017-04-03T09:00:00+01:00,X99000002,Housing,no,,2017-05-01T10:00:00+01:00,2017-09-01T10:00:00+01:00,upheld-fault-injustice',
    '17 000 002,2017-04-04T09:00:00+01:00,X99000002,Housing,no,,2017-05-01T10:00:00+01:00,2017-10-02T10:00:00+01:00,upheld-remedied-by-body',
    '17 000 003,2017-04-05T09:00:00+01:00,X99000002,Housing,no,,2017-05-01T10:00:00+01:00,2017-11-01T10:00:00Z,not-upheld',
    '17 000 004,2017-04-06T09:00:00+01:00,X99000006,Planning and development,no,2017-04-20T10:00:00+01:00,,2017-04-20T10:00:00+01:00,closed-after-initial-enquiries',
  ];
  const result = await importCasesCsv(db, Readable.from([`${CASES_HEADER}\n${cases.join('\n')}\n`]));
  if (result.rejectedCount > 0) throw new Error(`seed cases rejected: ${JSON.stringify(result.rejected)}`);
  const caseId = async (reference: string) => (await db.selectFrom('cases').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
  const first = await caseId('17 000 001');
  const second = await caseId('17 000 002');
  await db.insertInto('remedies').values([
    { case_id: first, kind: 'apology', due_on: '2017-10-01', status: 'complied-on-time', settled_on: '2017-09-20', description_text: 'Apologise to Mrs Example in writing' },
    { case_id: first, kind: 'financial-payment', amount_pence: 25_000, due_on: '2017-10-01', status: 'not-complied', description_text: 'Pay Mrs Example £250' },
    { case_id: first, kind: 'service-improvement', due_on: '2018-01-31', status: 'complied-late', settled_on: '2018-02-10', description_text: 'Publish the repairs timetable' },
    { case_id: second, kind: 'training', due_on: '2018-03-01', status: 'pending', description_text: 'Train repairs staff on the complaints procedure' },
  ]).execute();
}

/** Another upheld investigation for Sampleton in 2017-18: the data changing after a letter was written. */
export async function addUpheldCase(db: Kysely<Database>, reference = '17 000 009'): Promise<void> {
  const row = `${reference},2017-06-01T09:00:00+01:00,X99000002,Housing,no,,2017-06-10T10:00:00+01:00,2017-12-01T10:00:00Z,upheld-fault-injustice`;
  await importCasesCsv(db, Readable.from([`${CASES_HEADER}\n${row}\n`]));
  // The statistics are cached: forget them, as an import does.
  await sql`delete from statistics_cache`.execute(db);
}
