/**
 * Where the server's CPU goes per request: starts the production build (bench/load/server.ts's
 * build, which must exist: run `npm run bench` once) under `node --cpu-prof` against an existing
 * benchmark database, signs in as the benchmark does, drives one or more operations with
 * autocannon, stops the server and prints the profile's self time by function.
 *
 *   DATABASE_URL=postgres://.../redress_bench_x node --import tsx bench/profile-server.ts \
 *     --cases 20000 --only queue,case --duration 10 [--connections 50] [--top 40] [--no-profile]
 *
 * The profile is written to $TMPDIR/redress-profile-<time>/ (one .cpuprofile per run).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/data/db.ts';
import { CASEWORKER_EMAIL, loadFixtures } from './fixtures.ts';
import { DEMO_PASSWORD } from './history/reference-data.ts';
import { BenchBrowser, signInComplainant, signInStaff } from './load/browser.ts';
import { httpLoad, settle } from './load/http-load.ts';
import { freePort, ROOT } from './load/server.ts';
import { operations, type Sessions } from './operations.ts';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    only: { type: 'string', default: 'queue,case,search-reference,message' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    top: { type: 'string', default: '40' },
    'no-profile': { type: 'boolean', default: false },
    dist: { type: 'string' },
  },
});
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('Set DATABASE_URL to a benchmark database');
const connections = Number(values.connections);
const selected = operations.filter((o) => (values.only ?? '').split(',').includes(o.key));

const handle = openDatabase({ databaseUrl, poolSize: 2 });
const fixtures = await loadFixtures(handle.db, Number(values.cases), connections);
await handle.close();

const profileDir = mkdtempSync(join(os.tmpdir(), 'redress-profile-'));
const port = await freePort();
const child = spawn(process.execPath, [...(values['no-profile'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]), join(values.dist ?? join(ROOT, 'node_modules', '.cache', 'redress-build', 'dist'), 'cli.js'), 'serve'], {
  cwd: ROOT,
  env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), SESSION_SECRET: 'bench-session-secret-for-loopback-only-0123456789', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
const url = `http://127.0.0.1:${port}`;
for (let i = 0; i < 240 && !(await fetch(`${url}/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 250));

async function codeFromOutbox(reader: BenchBrowser, email: string): Promise<string> {
  const page = await reader.get('/staff/outbox');
  for (const card of page.text.split('govuk-summary-card"').slice(1)) {
    if (!card.includes(email) || !card.includes('sign-in-code')) continue;
    const code = /\b(\d{6})\b/.exec(card.slice(card.indexOf('Text')))?.[1];
    if (code) return code;
  }
  throw new Error(`No sign-in code for ${email}`);
}
const address = (k: number) => `10.78.${Math.floor(k / 250)}.${(k % 250) + 1}`;
const caseworkers: BenchBrowser[] = [];
for (let k = 0; k < connections; k++) caseworkers.push(await signInStaff(url, CASEWORKER_EMAIL, DEMO_PASSWORD, address(k)));
const complainants: BenchBrowser[] = [];
if (selected.some((o) => o.key === 'message')) {
  for (const [k, person] of fixtures.complainants.slice(0, connections).entries()) {
    complainants.push(await signInComplainant(url, person.email, (email) => codeFromOutbox(caseworkers[0] as BenchBrowser, email), `/complaints/${person.reference.replace(/ /g, '')}`, address(connections + k)));
  }
}
const sessions: Sessions = { caseworkers, intakes: caseworkers, complainants };
/** The server process's CPU time so far (user + system), in ms: per request, it does not depend on how busy the machine is. */
function cpuMs(): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
for (const operation of selected) {
  await settle(url);
  const before = cpuMs();
  let sent = 0;
  const result = await httpLoad({ baseUrl: url, connections, duration: Number(values.duration), warmup: 2, expect: operation.expect, next: (n, user) => (sent++, operation.request(n, fixtures, sessions, user)) });
  const perRequest = (cpuMs() - before) / sent;
  const bad = Object.entries(result.unexpected).map(([s, n]) => `${n}×${s}`).join(' ');
  process.stdout.write(`${operation.key.padEnd(18)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(0)} ms  p95 ${result.p95.toFixed(0)} ms  server CPU ${perRequest.toFixed(2)} ms/request ${bad}\n`);
}
child.kill('SIGINT');
await exited;

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (file) {
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const f = node.callFrame;
    const where = f.url.replace(/^.*node_modules\//, '').replace(/^.*redress-build\/dist\//, 'dist/');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  process.stdout.write(`\nprofile ${join(profileDir, file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(idle / 1e6).toFixed(1)} s idle\n`);
  const busy = total - idle;
  for (const [key, us] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    process.stdout.write(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${key}\n`);
  }
  // Self time by package (or our own dist files), to see which layer costs what.
  const byPackage = new Map<string, number>();
  for (const [key, us] of self) {
    if (key.startsWith('(idle)')) continue;
    const where = key.split(' ').slice(1).join(' ');
    const pkg = where.startsWith('dist/') ? where.split(':')[0] ?? where : where.startsWith('@') ? where.split('/').slice(0, 2).join('/') : where.split('/')[0] || '(native)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  process.stdout.write('\nby package / file:\n');
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 30)) process.stdout.write(`${((100 * us) / busy).toFixed(1).padStart(5)}%  ${pkg}\n`);
}
