/**
 * The application's bulk import path at scale (issue 7): a generated history of N cases is
 * exported as the CSV files `redress import calls|contacts|cases|remedies` reads, imported with
 * exactly the code those commands run (streaming csv-parse, batched transactions, upserts,
 * progress on stderr) into a fresh database, and checked: the same row counts and the same
 * service standards figures for plan year 2018-19 on both sides.
 *
 *   node --import tsx bench/import-path.ts --cases 100000 [--database-url URL] [--source-url URL]
 *        [--seed S] [--batch-size 1000] [--again] [--keep] [--keep-files]
 *
 * - Target: --database-url (default postgres://postgres@127.0.0.1:5432/redress_bench_import),
 *   dropped and created afresh, migrated, and dropped again at the end (--keep keeps it). It
 *   refuses postgres, test, the templates and redress_bench.
 * - Source: --source-url, an existing history that is only read (redress_bench may be given
 *   here); else `<target>_src` on the same server, created if needed and given the generated
 *   history of --cases and --seed (reused when it already holds exactly that one), and kept.
 * - --again imports every file a second time (as after a correction): every row should come
 *   back unchanged, and its rate is shown beside the first.
 * - Files go to a temporary folder, removed at the end unless --keep-files.
 * At most four connections: two on each side (the generator loads on two).
 *
 * The import path carries calls, contacts, cases (with their body) and remedies, and only their
 * columns in the files; the rest of the generated history is written by the generator directly
 * and is listed as not carried in the output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/data/db.ts';
import { DEFAULT_BATCH_SIZE } from '../src/services/imports/csv-import.ts';
import { DEFAULT_SEED, generateHistory, historyMatches, prepareDatabase } from './generate-history.ts';
import { runImportPath, type ImportPathResult } from './import-path/run-import-path.ts';

const DEFAULT_TARGET = 'postgres://postgres@127.0.0.1:5432/redress_bench_import';
const REFUSED = new Set(['postgres', 'test', 'template0', 'template1', 'redress_bench']);
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
const say = (message: string) => process.stderr.write(`${message}\n`);

interface Options {
  cases: number;
  seed: number;
  batchSize: number;
  target: URL;
  sourceUrl: URL | undefined;
  keep: boolean;
  keepFiles: boolean;
  again: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      'batch-size': { type: 'string', default: String(DEFAULT_BATCH_SIZE) },
      'database-url': { type: 'string', default: DEFAULT_TARGET },
      'source-url': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'keep-files': { type: 'boolean', default: false },
      again: { type: 'boolean', default: false },
    },
  });
  const whole = (name: string, text: string, min: number, max: number) => {
    const n = Number(text.replace(/[_,]/g, ''));
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new RangeError(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const target = new URL(values['database-url']);
  const sourceUrl = values['source-url'] ? new URL(values['source-url']) : undefined;
  const targetName = databaseName(target);
  if (REFUSED.has(targetName)) throw new Error(`Refusing to drop and recreate ${targetName}: give --database-url a database of its own, such as redress_bench_import`);
  if (sourceUrl && databaseName(sourceUrl) === targetName && sourceUrl.host === target.host) throw new Error('The source and the target must be different databases');
  return {
    cases: whole('cases', values.cases, 1, 3_000_000),
    seed: whole('seed', values.seed, 0, 2 ** 40),
    batchSize: whole('batch-size', values['batch-size'], 1, 100_000),
    target,
    sourceUrl,
    keep: values.keep,
    keepFiles: values['keep-files'],
    again: values.again,
  };
}

function databaseName(url: URL): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${url.toString()} must name a database (lower-case letters, digits and _)`);
  return name;
}

function withName(url: URL, name: string): URL {
  const copy = new URL(url.toString());
  copy.pathname = `/${name}`;
  return copy;
}

async function admin(serverOf: URL, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: withName(serverOf, 'postgres').toString() });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** The generated source: `<target>_src`, created if needed, history generated unless already there. */
async function generatedSource(o: Options): Promise<DatabaseHandle> {
  const name = `${databaseName(o.target)}_src`;
  if (REFUSED.has(name)) throw new Error(`Refusing to write to ${name}`);
  await admin(o.target, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${name}`);
  });
  const handle = openDatabase({ databaseUrl: withName(o.target, name).toString(), poolSize: 2 });
  await prepareDatabase(handle);
  if (await historyMatches(handle, { cases: o.cases, seed: o.seed })) say(`source ${name}: reusing its history of ${fmt(o.cases)} cases`);
  else await generateHistory(handle, { cases: o.cases, seed: o.seed, referenceDir: process.env.REDRESS_REFERENCE_DIR ?? path.resolve('../shared/data') });
  return handle;
}

async function freshTarget(o: Options): Promise<DatabaseHandle> {
  const name = databaseName(o.target);
  await admin(o.target, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
  const handle = openDatabase({ databaseUrl: o.target.toString(), poolSize: 2 });
  await prepareDatabase(handle);
  return handle;
}

function report(o: Options, sourceLabel: string, r: ImportPathResult, loadBefore: number[]): string {
  const lines: string[] = [];
  const cases = r.comparison.counts.find((c) => c.table === 'cases')?.source ?? 0;
  lines.push(`# The bulk import path: ${fmt(cases)} cases from ${sourceLabel} into ${databaseName(o.target)} (batch size ${o.batchSize})`, '');
  lines.push(`Load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}; after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`, '');
  lines.push('| File | Rows | Export s | Export rows/s | Import s | Import rows/s | New | Updated | Unchanged | Rejected |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const e of r.exported) {
    const i = r.imported.find((x) => x.kind === e.kind);
    const res = i?.result;
    lines.push(`| ${e.kind} | ${fmt(e.rows)} | ${e.seconds.toFixed(1)} | ${fmt(e.rows / e.seconds)} | ${i ? i.seconds.toFixed(1) : '-'} | ${i ? fmt(e.rows / i.seconds) : '-'} | `
      + `${res ? fmt(res.imported) : '-'} | ${res ? fmt(res.updated) : '-'} | ${res ? fmt(res.unchanged) : '-'} | ${res ? fmt(res.rejectedCount) : '-'} |`);
  }
  for (const i of r.importedAgain) {
    const res = i.result;
    lines.push(`| ${i.kind}, again | ${fmt(res.rows)} | | | ${i.seconds.toFixed(1)} | ${fmt(res.rows / i.seconds)} | ${fmt(res.imported)} | ${fmt(res.updated)} | ${fmt(res.unchanged)} | ${fmt(res.rejectedCount)} |`);
  }
  const rows = r.exported.reduce((n, e) => n + e.rows, 0);
  const importSeconds = r.imported.reduce((n, i) => n + i.seconds, 0);
  lines.push('', `Total: ${fmt(rows)} rows exported and imported in ${r.seconds.toFixed(1)} s (import alone ${importSeconds.toFixed(1)} s, ${fmt(rows / importSeconds)} rows/s).`, '');

  lines.push('| Table | Source | Target | |', '| --- | ---: | ---: | --- |');
  for (const c of r.comparison.counts) lines.push(`| ${c.table} | ${fmt(c.source)} | ${fmt(c.target)} | ${c.source === c.target ? 'equal' : 'DIFFERENT'} |`);
  lines.push('');
  lines.push(r.comparison.figureDifferences.length === 0
    ? `Service standards, plan year 2018-04-01 to 2019-03-31 at the generator's NOW: all ${r.comparison.standards} standards' figures identical on source and target.`
    : `Service standards, plan year 2018-19: ${r.comparison.figureDifferences.length} figures DIFFER:\n${r.comparison.figureDifferences.map((d) => `  - ${d}`).join('\n')}`);
  lines.push(`Result: ${r.comparison.agrees ? 'the imported history agrees with the source' : 'the imported history does NOT agree with the source'}.`, '');

  lines.push('What the import path does not carry (the generator writes these directly):');
  lines.push(`- whole tables: ${Object.entries(r.notCarried).map(([t, n]) => `${t} ${fmt(n)}`).join(', ')} rows in the source;`);
  lines.push('- cases: complainant, representative, owner, the contact they arrived as, summary, closing reason, draft_shared_at and decided_at '
    + '(set to closed_at); stage and team are derived (awaiting-allocation, draft-decision and compliance become investigation or assessment), '
    + 'jurisdiction from the category (private-social-care is not derivable); only the first body;');
  lines.push(`- an outcome without a closure: ${fmt(r.gaps.outcomesOfOpenCases)} decided cases still open in the source lose their outcome `
    + `(the file takes an outcome with closed_at only); ${fmt(r.gaps.closedWithoutOutcome)} closed cases without an outcome would be rejected; `
    + `${fmt(r.gaps.casesWithoutBody)} cases without a body were not exported;`);
  lines.push('- contacts: outcome, person, body, summary, who recorded it; a case\'s own contact gets contact_id REDRESS-CONTACT-<id>;');
  lines.push('- remedies: the decision, amount, description, evidence, satisfaction, recorded_at, delays and the link officer\'s confirmation;');
  lines.push(`- instants are kept to the millisecond: ${fmt(r.gaps.subMillisecondInstants)} source instants were finer.`);
  lines.push('Bodies are reference data: the source\'s were copied into the target before the import, as `redress import bodies` would load them.');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const o = options();
  const loadBefore = os.loadavg();
  const started = performance.now();
  let source: DatabaseHandle | undefined;
  let target: DatabaseHandle | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redress-import-path-'));
  try {
    source = o.sourceUrl ? openDatabase({ databaseUrl: o.sourceUrl.toString(), poolSize: 2, readOnly: true }) : await generatedSource(o);
    const sourceLabel = o.sourceUrl ? databaseName(o.sourceUrl) : `${databaseName(o.target)}_src`;
    target = await freshTarget(o);
    say(`exporting from ${sourceLabel} to ${dir}, importing into ${databaseName(o.target)}`);
    const result = await runImportPath(source.db, target.db, dir, { batchSize: o.batchSize, again: o.again });
    process.stdout.write(report(o, sourceLabel, result, loadBefore));
    process.stdout.write(`Whole run (with generation, migration and the checks): ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    const changedAgain = result.importedAgain.some((i) => i.result.unchanged !== i.result.rows);
    if (changedAgain) process.stdout.write('The second import changed rows it should have left unchanged.\n');
    if (!result.comparison.agrees || changedAgain) process.exitCode = 1;
  } finally {
    await source?.close();
    await target?.close();
    if (!o.keepFiles) rmSync(dir, { recursive: true, force: true });
    else say(`files kept in ${dir}`);
    if (target && !o.keep) await admin(o.target, (client) => client.query(`drop database if exists ${databaseName(o.target)} with (force)`));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
