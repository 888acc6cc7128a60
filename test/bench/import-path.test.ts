import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, prepareDatabase } from '../../bench/generate-history.ts';
import { reportDifferences, standardsReport } from '../../bench/import-path/compare.ts';
import { runImportPath, type ImportPathResult } from '../../bench/import-path/run-import-path.ts';
import { openDatabase, type DatabaseHandle } from '../../src/data/db.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';

// A few hundred cases: enough for every standard to count something, quick on PGlite.
const CASES = 300;
const SEED = 11;
const quiet = { onProgress: () => undefined, log: () => undefined };

/** Collects what the import commands would print (progress and summaries). */
function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe.each(testEngines)('the history through the bulk import path on %s', (engine) => {
  let source: TestDatabase | DatabaseHandle;
  let target: TestDatabase;
  let dir: string;
  let result: ImportPathResult;
  const output = collector();

  beforeAll(async () => {
    source = engine === 'pglite' ? openDatabase({}) : await createTestDatabase(engine);
    await prepareDatabase(source);
    await generateHistory(source, { cases: CASES, seed: SEED, ...quiet });
    target = await createTestDatabase(engine);
    await prepareDatabase(target);
    dir = mkdtempSync(path.join(os.tmpdir(), 'redress-import-path-test-'));
    // A small batch size, so each file is written in several transactions.
    result = await runImportPath(source.db, target.db, dir, { batchSize: 97, again: true, stream: output.stream, log: () => undefined });
  }, 180_000);

  afterAll(async () => {
    await ('dispose' in source ? source.dispose() : source.close());
    await target?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes each file with the importer\'s header and a row per source row', async () => {
    const header = (kind: string) => readFileSync(path.join(dir, `${kind}.csv`), 'utf8').split('\n', 1)[0];
    expect(header('calls')).toBe('call_id,presented_at,answered_at');
    expect(header('cases')).toBe('reference,received_at,body_code,category,joint,assessment_decided_at,allocated_at,closed_at,outcome');
    const { rows } = await sql<{ calls: number; remedies: number }>`select (select count(*) from calls)::int as calls, (select count(*) from remedies)::int as remedies`.execute(source.db);
    expect(result.exported.find((f) => f.kind === 'calls')?.rows).toBe(rows[0]?.calls);
    expect(result.exported.find((f) => f.kind === 'remedies')?.rows).toBe(rows[0]?.remedies);
    expect(rows[0]?.remedies).toBeGreaterThan(0);
  });

  it('imports every row through the application\'s importers, reporting as the command does', () => {
    for (const file of result.imported) {
      const exported = result.exported.find((e) => e.kind === file.kind);
      expect(file.result.rejectedCount, `${file.kind}: ${JSON.stringify(file.result.rejected.slice(0, 3))}`).toBe(0);
      expect(file.result.imported, file.kind).toBe(exported?.rows);
    }
    // Imported a second time, as after a correction: nothing new, nothing changed, nothing refused.
    for (const file of result.importedAgain) {
      expect(file.result, file.kind).toMatchObject({ imported: 0, updated: 0, rejectedCount: 0, unchanged: file.result.rows });
    }
    expect(result.importedAgain.map((f) => f.kind)).toEqual(['calls', 'contacts', 'cases', 'remedies']);
    expect(output.text()).toMatch(/Imported cases from .*cases\.csv in [\d.]+ s.*: [\d,]+ rows read; imported [\d,]+ new/);
  });

  it('gives the same row counts and the same service standards figures as the source', async () => {
    for (const c of result.comparison.counts) expect(c.target, c.table).toBe(c.source);
    expect(result.comparison.counts.find((c) => c.table === 'cases')?.source).toBe(CASES);
    expect(result.comparison.figureDifferences).toEqual([]);
    expect(result.comparison.agrees).toBe(true);
    // The figures compared are not all empty: calls, contacts and closures were counted.
    const report = await standardsReport(target.db);
    expect(report.standards.filter((line) => (line.denominator ?? 0) > 0).length).toBeGreaterThan(5);
  });

  it('would notice a difference: a call removed from the target changes the figures', async () => {
    const before = await standardsReport(target.db);
    await sql`delete from calls where id = (select min(id) from calls where presented_at >= '2018-04-01' and presented_at < '2019-03-31')`.execute(target.db);
    const after = await standardsReport(target.db);
    expect(reportDifferences(before, after).length).toBeGreaterThan(0);
  });

  it('says what the path does not carry', () => {
    expect(result.notCarried.case_events).toBeGreaterThan(0);
    expect(result.notCarried.documents).toBeGreaterThan(0);
    expect(result.notCarried.messages).toBeGreaterThan(0);
  });
});
