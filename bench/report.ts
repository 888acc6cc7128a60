/**
 * The benchmark's table (stdout) and its record (bench/results/*.json and *.md): the machine, the
 * commit, the load average, the data, and for each operation our p50/p95/throughput beside the
 * same statements run directly, with the ratio and the target.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './load/stats.ts';

export interface Row {
  key: string;
  label: string;
  /** null: the route is not there yet. */
  ours: LoadResult | null;
  sql: LoadResult | null;
  note?: string;
  target?: Target;
  /** What the database's active sessions waited for during the HTTP run (PostgreSQL). */
  waits?: string;
  /** The same page at a steady rate rather than as fast as possible (quick pages). */
  paced?: LoadResult;
}

export interface Target {
  text: string;
  met: boolean | null;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  os: string;
  node: string;
  commit: string;
  dirty: boolean;
  loadAverage: { start: number[]; beforeMeasuring: number[]; end: number[] };
  database: { engine: string; version?: string; settings?: Record<string, string> };
  server: string;
}

export function machineFacts(root: string): Pick<Machine, 'cpus' | 'cpuModel' | 'memoryGb' | 'os' | 'node' | 'commit' | 'dirty'> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain', '--untracked-files=no').length > 0,
  };
}

export const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));

const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-GB'));
const rate = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-GB'));

function problems(result: LoadResult | null): string {
  if (!result) return '';
  const bad = Object.entries(result.unexpected).map(([status, n]) => `${n}×HTTP ${status}`);
  if (result.errors) bad.push(`${result.errors} errors`);
  return bad.join(', ');
}

export function tableLines(rows: readonly Row[]): string[] {
  const header = ['Operation', 'Users', 'Ours p50', 'p95 (ms)', 'req/s', 'SQL p50', 'p95 (ms)', 'runs/s', 'Ours/SQL', 'Target', 'Note'];
  const body = rows.map((row) => {
    if (!row.ours) return [row.label, '', 'not available yet', '', '', '', '', '', '', row.target?.text ?? '', row.note ?? ''];
    const ratio = row.sql && row.sql.rps > 0 ? (row.ours.rps / row.sql.rps).toFixed(2) : '–';
    const target = row.target ? `${row.target.text}: ${row.target.met === null ? '?' : row.target.met ? 'met' : 'MISSED'}` : '';
    const note = [row.note, problems(row.ours), row.sql ? problems(row.sql) && `SQL: ${problems(row.sql)}` : ''].filter(Boolean).join('; ');
    return [row.label, String(row.ours.concurrency), ms(row.ours.p50), ms(row.ours.p95), rate(row.ours.rps),
      ms(row.sql?.p50), ms(row.sql?.p95), rate(row.sql?.rps), ratio, target, note];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| Operation | Users | Ours p50 (ms) | Ours p95 (ms) | Ours req/s | SQL p50 (ms) | SQL p95 (ms) | SQL runs/s | Ours / SQL | Target | Note |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |'];
  for (const row of rows) {
    if (!row.ours) {
      lines.push(`| ${row.label} | | not available yet | | | | | | | ${row.target?.text ?? ''} | ${row.note ?? ''} |`);
      continue;
    }
    const ratio = row.sql && row.sql.rps > 0 ? (row.ours.rps / row.sql.rps).toFixed(2) : '–';
    const target = row.target ? `${row.target.text}: ${row.target.met === null ? '?' : row.target.met ? 'met' : '**missed**'}` : '';
    const note = [row.note, problems(row.ours), row.sql && problems(row.sql) ? `SQL: ${problems(row.sql)}` : ''].filter(Boolean).join('; ');
    lines.push(`| ${row.label} | ${row.ours.concurrency} | ${ms(row.ours.p50)} | ${ms(row.ours.p95)} | ${rate(row.ours.rps)} | ${ms(row.sql?.p50)} | ${ms(row.sql?.p95)} | ${rate(row.sql?.rps)} | ${ratio} | ${target} | ${note} |`);
  }
  return lines.join('\n');
}

export interface BenchRecord {
  date: string;
  cases: number;
  seed: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  machine: Machine;
  generation: { reused: boolean; seconds: number | null; rows?: { [table: string]: number } };
  figures?: unknown;
  rows: Row[];
  extra: { [name: string]: unknown };
  note?: string;
}

/** Writes results/bench-<cases>-<engine>-<date>.json and .md; returns the paths. */
export function saveRecord(dir: string, record: BenchRecord, extraLines: readonly string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = record.date.replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  const base = join(dir, `bench-${record.cases}-${record.machine.database.engine}-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
  const m = record.machine;
  const md = [
    `# Benchmark: ${record.cases.toLocaleString('en-GB')} cases on ${m.database.engine} (${record.date.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; ${m.database.engine}${m.database.version ? ` ${m.database.version}` : ''}`,
    `- Commit: ${m.commit}${m.dirty ? ' (with uncommitted changes in the working tree)' : ''}; server: ${m.server}`,
    `- Load average (1/5/15 min): ${m.loadAverage.start.join(' / ')} at the start, ${m.loadAverage.beforeMeasuring.join(' / ')} before measuring, ${m.loadAverage.end.join(' / ')} at the end`,
    `- History: ${record.generation.reused ? 'reused' : `generated in ${record.generation.seconds?.toFixed(0)} s`}; ${record.connections} connections; ${record.warmupSeconds} s warm-up and ${record.durationSeconds} s measured per side and operation`,
    ...(record.note ? [`- Note: ${record.note}`] : []),
    '',
    markdownTable(record.rows),
    '',
    ...extraLines.map((l) => `- ${l}`),
    '',
  ].join('\n');
  writeFileSync(`${base}.md`, md);
  return [`${base}.json`, `${base}.md`];
}
