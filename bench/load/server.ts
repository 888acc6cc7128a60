/**
 * The server under test, as production runs it: compiled by tsc (tsconfig.build.json: emit only,
 * with `rewriteRelativeImportExtensions`, type checking being `npm run typecheck`'s job) into
 * node_modules/.cache/redress-build/dist (ignored by git and eslint), the views and static files
 * copied beside it, and started as a separate `node dist/cli.js serve` process with
 * NODE_ENV=production on 127.0.0.1 and a free port. When the build fails it falls back to tsx
 * (`node --import tsx src/cli.ts serve`) and says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const BUILD = join(ROOT, 'node_modules', '.cache', 'redress-build');
const DIST = join(BUILD, 'dist');

export type ServerMode = 'build' | 'tsx';

async function newestFile(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestFile(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

function runProcess(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Compiles src/ afresh unless the last build is newer than every source file; returns how the
 * server will run. (Not incremental: tsc's incremental emit without type checking skipped files
 * that had changed.)
 */
export async function buildServer(say: (message: string) => void): Promise<{ mode: ServerMode; note: string }> {
  const stamp = join(BUILD, 'built-at');
  const built = await stat(stamp).then((s) => s.mtimeMs, () => 0);
  if (built > (await newestFile(join(ROOT, 'src')))) return { mode: 'build', note: 'tsc build (up to date)' };
  say('compiling the server (tsc -p tsconfig.build.json)');
  const started = performance.now();
  const startedAt = new Date();
  await rm(BUILD, { recursive: true, force: true });
  const { code, output } = await runProcess(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')]);
  if (code !== 0 || !(await stat(join(DIST, 'cli.js')).catch(() => null))) {
    say(`the build failed; the server runs through tsx instead:\n${output.split('\n').slice(0, 10).join('\n')}`);
    return { mode: 'tsx', note: 'tsx (the tsc build failed)' };
  }
  await mkdir(join(DIST, 'web'), { recursive: true });
  await cp(join(ROOT, 'src', 'web', 'views'), join(DIST, 'web', 'views'), { recursive: true });
  await cp(join(ROOT, 'src', 'web', 'public'), join(DIST, 'web', 'public'), { recursive: true });
  // Dated when the build started: a file saved while it ran makes the next run build again.
  await writeFile(stamp, startedAt.toISOString());
  await utimes(stamp, startedAt, startedAt);
  return { mode: 'build', note: `tsc build (${((performance.now() - started) / 1000).toFixed(1)} s)` };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('No port'))));
    });
  });
}

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `serve` with the given database settings and waits until /health says the database is
 * up. The server's own log goes to `logFile`.
 */
export async function startServer(options: { mode: ServerMode; env: Record<string, string>; logFile: string; timeoutMs?: number }): Promise<RunningServer> {
  const port = await freePort();
  const args = options.mode === 'build' ? [join(DIST, 'cli.js'), 'serve'] : ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'serve'];
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port),
      SESSION_SECRET: 'bench-session-secret-for-loopback-only-0123456789', LOG_LEVEL: 'warn', ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let ready = false;
  while (!ready && Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 250))]);
    if (early !== null) throw new Error(`The server exited with code ${early} before it was ready: see ${options.logFile}`);
    ready = await fetch(`${url}/health`).then((r) => r.ok, () => false);
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`The server did not become ready: see ${options.logFile}`);
  }
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
      if (!stopped) child.kill('SIGKILL');
      log.end();
    },
  };
}
